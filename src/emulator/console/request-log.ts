/**
 * The latest requests of a running local backend, newest last, for the console: bounded, in memory, and
 * told to whoever listens (the console's live stream). Records hold ids and outcomes, never a token.
 */
import type { RequestRecord } from "../request-record.js";

export type RecordListener = (record: RequestRecord) => void;

/** Filters of the console's request list; each empty one matches every record. */
export interface RequestFilter {
  readonly version?: RequestRecord["version"] | undefined;
  readonly userId?: string | undefined;
  readonly sessionId?: string | undefined;
  /** "ok", "refused" (any error_code), or one exact outcome. */
  readonly outcome?: string | undefined;
}

export class RequestLog {
  private readonly records: RequestRecord[] = [];
  private readonly listeners = new Set<RecordListener>();
  private nextId = 1;

  /** `capacity`: how many records are kept; the oldest goes first. */
  constructor(readonly capacity = 500) {}

  /** Adds a record (its id is given here, so ids increase in arrival order) and tells every listener. */
  add(record: Omit<RequestRecord, "id">): RequestRecord {
    const stored: RequestRecord = { ...record, id: this.nextId++ };
    this.records.push(stored);
    if (this.records.length > this.capacity) this.records.splice(0, this.records.length - this.capacity);
    for (const listener of this.listeners) {
      try {
        listener(stored);
      } catch {
        // A listener that fails (a closed stream) must not lose the record for the others.
      }
    }
    return stored;
  }

  /** The records that match, newest first, at most `limit`. */
  list(filter: RequestFilter = {}, limit = this.capacity): RequestRecord[] {
    const matching: RequestRecord[] = [];
    for (let i = this.records.length - 1; i >= 0 && matching.length < limit; i--) {
      const record = this.records[i] as RequestRecord;
      if (matches(record, filter)) matching.push(record);
    }
    return matching;
  }

  /** Every record of one session, oldest first: its timeline. */
  ofSession(version: RequestRecord["version"], sessionId: string): RequestRecord[] {
    return this.records.filter((record) => record.version === version && record.sessionId === sessionId);
  }

  /** Every record of one user, oldest first. */
  ofUser(version: RequestRecord["version"], userId: string): RequestRecord[] {
    return this.records.filter((record) => record.version === version && record.userId === userId);
  }

  /** Calls `listener` for each record added from now on; the returned function stops it. */
  subscribe(listener: RecordListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function matches(record: RequestRecord, filter: RequestFilter): boolean {
  if (filter.version && record.version !== filter.version) return false;
  if (filter.userId && record.userId !== filter.userId) return false;
  if (filter.sessionId && record.sessionId !== filter.sessionId) return false;
  if (filter.outcome === "refused") return record.outcome !== "ok";
  if (filter.outcome && record.outcome !== filter.outcome) return false;
  return true;
}
