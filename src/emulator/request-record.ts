/**
 * What the local backend remembers of one request: the workflow's steps as the interpreter ran them, the
 * answer and its cost. The request log prints it and the console shows it. It never holds a token, a
 * password, a secret or a key.
 */

/** One step of a workflow (or of a custom event it triggered) as it was run. */
export interface StepRecord {
  /** "1", "2", or "1.1" for a step inside a custom event triggered by step 1. */
  readonly index: string;
  /** The step as the workflow editor shows it, e.g. "JWT - Session" or "Make changes to Session". */
  readonly label: string;
  /** ran; skipped (its Only when was no); terminated (the workflow stopped here); failed (it threw). */
  readonly status: "ran" | "skipped" | "terminated" | "failed";
  /** Why, when it helps: "Only when Result of step 2's rotate is yes: no". */
  readonly note?: string;
}

/** What Bubble bills for one request: plugin actions, searches, writes, and their workload units. */
export interface RequestCost {
  readonly actions: number;
  readonly searches: number;
  readonly writes: number;
  readonly wu: number;
}

export interface RequestRecord {
  readonly id: number;
  /** When the request arrived, in milliseconds since 1970. */
  readonly at: number;
  readonly version: "live" | "test";
  readonly workflow: string;
  readonly httpStatus: number;
  /** "ok", the answer's error_code, or Bubble's own status (MISSING_DATA, NOT_FOUND, …). */
  readonly outcome: string;
  readonly ms: number;
  readonly cost: RequestCost;
  /** The user and session the request concerned, when known; ids only. */
  readonly userId?: string;
  readonly sessionId?: string;
  readonly steps: readonly StepRecord[];
}
