/**
 * Timers on a clock a test moves by hand, for the JWKS download deadline (src/jwt/external/fetch.ts
 * `Timers`): nothing fires until `advance` passes its time, so a 5-second deadline is tested without
 * waiting 5 seconds. Plain TypeScript: it runs inside Node 18 scenario processes too.
 */
export class ManualTimers {
  /** Milliseconds since the clock started. */
  now = 0;
  /** How many timers were ever set. */
  created = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  readonly setTimeout = (callback: () => void, ms: number): number => {
    const id = this.nextId++;
    this.created++;
    this.pending.set(id, { at: this.now + ms, callback });
    return id;
  };

  readonly clearTimeout = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };

  /** How many timers are set and not yet fired or cleared. */
  get waiting(): number {
    return this.pending.size;
  }

  /** Moves the clock `ms` forward, firing each timer that falls due, in order of its time. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      let due: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.pending)
        if (entry[1].at <= target && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = target;
  }
}
