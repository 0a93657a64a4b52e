/**
 * One version's data (live or development), as a Bubble app's database holds it: Users, Sessions,
 * Revoked tokens, and what Bubble keeps for itself (failed-login counters). SQLite through better-sqlite3:
 * every write is a transaction in write-ahead-log mode with full sync, so an answer that was sent is on
 * disk, whether the process then stops, is killed or the machine loses power.
 */
import { chmodSync, closeSync, existsSync, openSync } from "node:fs";
import Database from "better-sqlite3";

/** A user as stored: never leaves this module with its hash except for the password check. */
export interface StoredUser {
  /** Bubble-style unique id, e.g. `1732873201234x512345678901234567`. */
  readonly id: string;
  readonly email: string;
  /** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
  readonly password_hash: string;
  /** Every session created at or before this moment (ms) is over; null when never set. */
  readonly sessions_revoked_at: number | null;
}

/** A Session row (docs/sessions.md); dates in milliseconds since 1970. */
export interface SessionRow {
  readonly session_id: string;
  readonly user_id: string;
  readonly current_jti: string;
  readonly rotated_at: number;
  readonly expires_at: number;
  readonly revoked: boolean;
  readonly created_at: number;
}

/** The failed logins counted against one lockout key (lockout.ts says which keys there are). */
export interface LoginFailures {
  readonly failures: number;
  /** When (ms) the last one was counted. */
  readonly last_failed_at: number;
}

/**
 * The schema, one entry per version: entry i takes a database from version i to i + 1. A start applies
 * the entries it has not yet, in one transaction, and records the version reached.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE users (
     id TEXT PRIMARY KEY,
     email TEXT NOT NULL,
     email_key TEXT NOT NULL UNIQUE,
     password_hash TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     sessions_revoked_at INTEGER
   ) STRICT;
   CREATE TABLE sessions (
     session_id TEXT PRIMARY KEY,
     user_id TEXT NOT NULL,
     current_jti TEXT NOT NULL,
     rotated_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     revoked INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE revoked_tokens (
     jti TEXT PRIMARY KEY,
     expires_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX revoked_tokens_by_expiry ON revoked_tokens (expires_at);
   CREATE TABLE failed_logins (
     email_key TEXT PRIMARY KEY,
     failures INTEGER NOT NULL,
     first_failed_at INTEGER NOT NULL,
     locked_until INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX failed_logins_by_start ON failed_logins (first_failed_at);`,
  // The lockout keyed per account and client address, with a growing wait (lockout.ts); the per-email
  // counters it replaces are dropped, which at worst gives an attacker 5 more guesses once.
  `DROP TABLE failed_logins;
   CREATE TABLE login_failures (
     key TEXT PRIMARY KEY,
     failures INTEGER NOT NULL,
     last_failed_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX login_failures_by_age ON login_failures (last_failed_at);`,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** How an email is matched: Bubble finds users by email whatever its case and surrounding spaces. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** The outcome of a compare-and-set on a Session's `current_jti` (docs/sessions.md, the successor rule). */
export type Rotation = "rotated" | "retry" | "reused" | "over";

export class AppDatabase {
  private readonly db: Database.Database;
  private readonly statements;

  /** Opens (creating, mode 0600) the database at `file` and brings its schema up to date. */
  constructor(readonly file: string) {
    // SQLite gives the -wal and -shm files the database file's permissions: create it private first.
    if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    // FULL: a commit is fsynced before the answer goes out, so a crash loses nothing that was answered.
    this.db.pragma("synchronous = FULL");
    this.db.pragma("busy_timeout = 5000");
    this.migrate();
    for (const suffix of ["", "-wal", "-shm"]) {
      if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600);
    }
    const db = this.db;
    this.statements = {
      userByEmail: db.prepare<[string], StoredUser>(
        "SELECT id, email, password_hash, sessions_revoked_at FROM users WHERE email_key = ?",
      ),
      userById: db.prepare<[string], StoredUser>(
        "SELECT id, email, password_hash, sessions_revoked_at FROM users WHERE id = ?",
      ),
      insertUser: db.prepare(
        "INSERT INTO users (id, email, email_key, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
      ),
      setPassword: db.prepare("UPDATE users SET password_hash = ? WHERE id = ?"),
      setSessionsRevokedAt: db.prepare("UPDATE users SET sessions_revoked_at = ? WHERE id = ?"),
      userCount: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM users"),
      insertSession: db.prepare(
        "INSERT INTO sessions (session_id, user_id, current_jti, rotated_at, expires_at, revoked, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
      ),
      sessionById: db.prepare<[string], Omit<SessionRow, "revoked"> & { revoked: number }>(
        "SELECT session_id, user_id, current_jti, rotated_at, expires_at, revoked, created_at FROM sessions WHERE session_id = ?",
      ),
      rotate: db.prepare(
        "UPDATE sessions SET current_jti = ?, rotated_at = ?, expires_at = ? WHERE session_id = ? AND current_jti = ? AND revoked = 0",
      ),
      revokeSession: db.prepare("UPDATE sessions SET revoked = 1 WHERE session_id = ? AND revoked = 0"),
      insertRevoked: db.prepare("INSERT OR IGNORE INTO revoked_tokens (jti, expires_at) VALUES (?, ?)"),
      revokedIds: db.prepare<[number], { jti: string }>(
        "SELECT jti FROM revoked_tokens WHERE expires_at > ? ORDER BY expires_at",
      ),
      pruneRevoked: db.prepare("DELETE FROM revoked_tokens WHERE expires_at <= ?"),
      loginFailures: db.prepare<[string], LoginFailures>(
        "SELECT failures, last_failed_at FROM login_failures WHERE key = ?",
      ),
      setLoginFailures: db.prepare(
        "INSERT OR REPLACE INTO login_failures (key, failures, last_failed_at) VALUES (?, ?, ?)",
      ),
      clearLoginFailures: db.prepare("DELETE FROM login_failures WHERE key = ?"),
      forgetLoginFailures: db.prepare("DELETE FROM login_failures WHERE last_failed_at <= ?"),
      loginFailureRows: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM login_failures"),
    };
  }

  private migrate(): void {
    this.db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT");
    const row = this.db.prepare<[], { version: number }>("SELECT version FROM schema_version").get();
    const current = row?.version ?? 0;
    if (current > SCHEMA_VERSION)
      throw new Error(
        `${this.file} has schema version ${current}, newer than this code's ${SCHEMA_VERSION}; update the repository, or point LOCAL_DATA_DIR elsewhere.`,
      );
    if (current === SCHEMA_VERSION) return;
    this.db
      .transaction(() => {
        for (const step of MIGRATIONS.slice(current)) this.db.exec(step);
        this.db.exec("DELETE FROM schema_version");
        this.db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(SCHEMA_VERSION);
      })
      .immediate();
  }

  close(): void {
    this.db.close();
  }

  // Users

  userByEmail(email: string): StoredUser | undefined {
    return this.statements.userByEmail.get(emailKey(email));
  }

  userById(id: string): StoredUser | undefined {
    return this.statements.userById.get(id);
  }

  /** Adds a user; false when the email is taken (by the unique index, so two signups cannot both win). */
  insertUser(user: { id: string; email: string; password_hash: string }, now = Date.now()): boolean {
    try {
      this.statements.insertUser.run(
        user.id,
        user.email.trim(),
        emailKey(user.email),
        user.password_hash,
        now,
      );
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") return false;
      throw error;
    }
  }

  setPassword(userId: string, passwordHash: string): void {
    this.statements.setPassword.run(passwordHash, userId);
  }

  setSessionsRevokedAt(userId: string, at: number): void {
    this.statements.setSessionsRevokedAt.run(at, userId);
  }

  userCount(): number {
    return this.statements.userCount.get()?.n ?? 0;
  }

  // Sessions

  insertSession(session: Omit<SessionRow, "revoked">): void {
    const { session_id, user_id, current_jti, rotated_at, expires_at, created_at } = session;
    this.statements.insertSession.run(session_id, user_id, current_jti, rotated_at, expires_at, created_at);
  }

  sessionById(sessionId: string): SessionRow | undefined {
    const row = this.statements.sessionById.get(sessionId);
    return row ? { ...row, revoked: row.revoked !== 0 } : undefined;
  }

  /**
   * The successor rule's write, atomic against every other request and process on this file: sets
   * `current_jti` to `next` only while it is still `presented`; otherwise tells a retry (already `next`,
   * rotated within `windowMs`) from a reuse, which revokes the session. "over" when the session is
   * missing or revoked by the time the write runs.
   */
  rotateSession(
    sessionId: string,
    presented: string,
    next: string,
    expiresAt: number,
    windowMs: number,
    now = Date.now(),
  ): Rotation {
    return this.db
      .transaction((): Rotation => {
        if (this.statements.rotate.run(next, now, expiresAt, sessionId, presented).changes === 1)
          return "rotated";
        const session = this.sessionById(sessionId);
        if (!session || session.revoked) return "over";
        if (session.current_jti === next && now - session.rotated_at <= windowMs) return "retry";
        this.statements.revokeSession.run(sessionId);
        return "reused";
      })
      .immediate();
  }

  /** Sets a Session's `revoked`; false when it was revoked already. */
  revokeSession(sessionId: string): boolean {
    return this.statements.revokeSession.run(sessionId).changes === 1;
  }

  // Revoked tokens (the one-token flow's list)

  /** Adds a jti to the list; false when it is there already (a second refresh of the same token). */
  revokeToken(jti: string, expiresAt: number): boolean {
    return this.statements.insertRevoked.run(jti, expiresAt).changes === 1;
  }

  /** The ids still worth passing as `revoked_ids`; rows of tokens that have expired are deleted. */
  revokedIds(now = Date.now()): string[] {
    this.statements.pruneRevoked.run(now);
    return this.statements.revokedIds.all(now).map((row) => row.jti);
  }

  // Failed logins (Bubble's own lockout, not the app's data; the rules are lockout.ts's)

  loginFailures(key: string): LoginFailures | undefined {
    return this.statements.loginFailures.get(key);
  }

  setLoginFailures(key: string, failures: number, lastFailedAt: number): void {
    this.statements.setLoginFailures.run(key, failures, lastFailedAt);
  }

  clearLoginFailures(key: string): void {
    this.statements.clearLoginFailures.run(key);
  }

  /** Deletes the counts whose last failure is at or before `before`; how many rows are left. */
  forgetLoginFailures(before: number): number {
    this.statements.forgetLoginFailures.run(before);
    return this.loginFailureRows();
  }

  loginFailureRows(): number {
    return this.statements.loginFailureRows.get()?.n ?? 0;
  }

  /** Runs `work` in one transaction (for bulk loads: the bench, the migration from JSON files). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }
}
