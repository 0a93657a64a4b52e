/**
 * The recipe's denylist: refresh-token revokes the `jti` of the token it replaced, and every workflow
 * passes the list as `revoked_ids`, so a refreshed token cannot be used or refreshed again. In a Bubble app
 * this is a data type searched by the workflow; here it lives in memory (a restart forgets it) and is
 * bounded in both time and size.
 */
export class RevocationList {
  // jti → when the entry may be forgotten (ms). A Map keeps insertion order, oldest first.
  private readonly entries = new Map<string, number>();

  /**
   * @param retentionMs how long a revoked jti matters: the longest a token this server issued can still be
   *   accepted after it was replaced (its lifetime plus the refresh grace period).
   * @param capacity most entries kept; when full, the oldest go first, being the closest to expiring anyway.
   */
  constructor(
    private readonly retentionMs: number,
    private readonly capacity = 10_000,
  ) {}

  revoke(jti: string, now = Date.now()): void {
    this.prune(now);
    this.entries.delete(jti);
    this.entries.set(jti, now + this.retentionMs);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  has(jti: string, now = Date.now()): boolean {
    this.prune(now);
    return this.entries.has(jti);
  }

  /** The ids to pass as `revoked_ids`. */
  ids(now = Date.now()): string[] {
    this.prune(now);
    return [...this.entries.keys()];
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(now: number): void {
    for (const [jti, forgetAt] of this.entries) {
      if (forgetAt > now) break;
      this.entries.delete(jti);
    }
  }
}
