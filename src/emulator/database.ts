/**
 * One version's data (live or development), as a Bubble app's database holds it: Users, Sessions,
 * Revoked tokens, and what Bubble keeps for itself (failed-login counters). SQLite through better-sqlite3:
 * every write is a transaction in write-ahead-log mode with full sync, so an answer that was sent is on
 * disk, whether the process then stops, is killed or the machine loses power.
 *
 * The workflows reach the app's data only as Bubble's steps do (THINGS below): a search with constraints,
 * a lookup by unique id, create a thing, make changes to a thing; each one statement on its own, with no
 * transaction around a workflow and no uniqueness Bubble would not enforce (two rows may hold one jti).
 */
import { chmodSync, closeSync, existsSync, openSync } from "node:fs";
import Database from "better-sqlite3";
import { bubbleUniqueId } from "./users.js";

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
  // Things as Bubble keeps them: every Session and Revoked token gets a unique id and a Modified Date, and
  // nothing unique but that id (Bubble has no unique constraint); any field may be empty.
  `CREATE TABLE sessions_v2 (
     id TEXT PRIMARY KEY,
     session_id TEXT,
     user_id TEXT,
     current_jti TEXT,
     rotated_at INTEGER,
     expires_at INTEGER,
     revoked INTEGER,
     created_at INTEGER NOT NULL,
     modified_at INTEGER NOT NULL
   ) STRICT;
   INSERT INTO sessions_v2 SELECT 'migrated-session-' || rowid, session_id, user_id, current_jti, rotated_at,
     expires_at, revoked, created_at, created_at FROM sessions;
   DROP TABLE sessions;
   ALTER TABLE sessions_v2 RENAME TO sessions;
   CREATE INDEX sessions_by_session_id ON sessions (session_id);
   CREATE TABLE revoked_tokens_v2 (
     id TEXT PRIMARY KEY,
     jti TEXT,
     expires_at INTEGER,
     created_at INTEGER NOT NULL,
     modified_at INTEGER NOT NULL
   ) STRICT;
   INSERT INTO revoked_tokens_v2 SELECT 'migrated-revoked-' || rowid, jti, expires_at, 0, 0 FROM revoked_tokens;
   DROP TABLE revoked_tokens;
   ALTER TABLE revoked_tokens_v2 RENAME TO revoked_tokens;
   CREATE INDEX revoked_tokens_by_expiry ON revoked_tokens (expires_at);
   ALTER TABLE users ADD COLUMN modified_at INTEGER;`,
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

/**
 * Bubble's data types as tables: each field's column, and how a value is stored (dates as milliseconds,
 * yes/no as 0/1, a thing as its unique id). Every thing has `unique id`, `Created Date` and `Modified Date`.
 */
export const THINGS = {
  User: {
    table: "users",
    fields: {
      email: { column: "email", type: "text" },
      sessions_revoked_at: { column: "sessions_revoked_at", type: "date" },
    },
  },
  Session: {
    table: "sessions",
    fields: {
      session_id: { column: "session_id", type: "text" },
      user: { column: "user_id", type: "User" },
      current_jti: { column: "current_jti", type: "text" },
      rotated_at: { column: "rotated_at", type: "date" },
      expires_at: { column: "expires_at", type: "date" },
      revoked: { column: "revoked", type: "yes/no" },
    },
  },
  "Revoked token": {
    table: "revoked_tokens",
    fields: {
      jti: { column: "jti", type: "text" },
      expires_at: { column: "expires_at", type: "date" },
    },
  },
} as const satisfies Record<
  string,
  { table: string; fields: Record<string, { column: string; type: string }> }
>;

export type ThingType = keyof typeof THINGS;

/** The columns every table has under Bubble's built-in field names. */
const BUILT_IN_COLUMNS: Readonly<Record<string, string>> = {
  "unique id": "id",
  "Created Date": "created_at",
  "Modified Date": "modified_at",
};

/** A stored value: text, a number (dates in ms, yes/no as 0/1), or empty. */
export type Stored = string | number | null;

/** A thing as read: its unique id and every field by Bubble's name, as stored. */
export interface ThingRow {
  readonly id: string;
  readonly fields: Readonly<Record<string, Stored>>;
}

/** One constraint of a search, on stored values; the caller has already dropped ignored empty ones. */
export interface StoredConstraint {
  readonly field: string;
  readonly op: "is" | "is not" | "<" | "<=" | ">" | ">=";
  readonly value: Stored;
}

const SQL_OPERATORS = { is: "=", "is not": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=" } as const;

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** How an email is matched: Bubble finds users by email whatever its case and surrounding spaces. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** The file name SQLite reads as a database in memory. */
export const IN_MEMORY = ":memory:";

export class AppDatabase {
  private readonly db: Database.Database;
  private readonly statements;

  /**
   * Opens (creating, mode 0600) the database at `file` and brings its schema up to date. `IN_MEMORY` opens
   * a fresh database that lives only as long as this object (the mistakes suite opens hundreds).
   */
  constructor(readonly file: string) {
    // SQLite gives the -wal and -shm files the database file's permissions: create it private first.
    if (file !== IN_MEMORY && !existsSync(file)) closeSync(openSync(file, "a", 0o600));
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

  // Things, as Bubble's steps reach them

  /** The column of a field of `type`, or an error naming both (a definition that names no such field). */
  private column(type: ThingType, field: string): string {
    const fields: Readonly<Record<string, { column: string }>> = THINGS[type].fields;
    const column = BUILT_IN_COLUMNS[field] ?? fields[field]?.column;
    if (!column) throw new Error(`The data type ${type} has no field "${field}"`);
    return column;
  }

  private rowOf(type: ThingType, row: Record<string, Stored>): ThingRow {
    const fields: Record<string, Stored> = {};
    for (const [name, column] of Object.entries(BUILT_IN_COLUMNS)) fields[name] = row[column] ?? null;
    for (const [name, { column }] of Object.entries(THINGS[type].fields)) fields[name] = row[column] ?? null;
    // A user written before Modified Date was kept: its Created Date stands in.
    fields["Modified Date"] ??= fields["Created Date"] ?? null;
    return { id: String(row.id), fields };
  }

  /**
   * "Search for <type>s": the rows matching every constraint, oldest first (Bubble's default order is not
   * documented; Created Date is the one a builder would pick). A constraint on an empty value matches rows
   * where the field is empty (`is`) or not (`is not`); a comparison with empty matches nothing.
   */
  search(type: ThingType, constraints: readonly StoredConstraint[], limit?: number): ThingRow[] {
    const where: string[] = [];
    const values: Stored[] = [];
    for (const { field, op, value } of constraints) {
      const column = this.column(type, field);
      if (value === null) {
        if (op === "is") where.push(`${column} IS NULL`);
        else if (op === "is not") where.push(`${column} IS NOT NULL`);
        else where.push("0");
        continue;
      }
      where.push(`${column} ${SQL_OPERATORS[op]} ?`);
      values.push(value);
    }
    const sql = `SELECT * FROM ${THINGS[type].table}${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at, id${limit === undefined ? "" : ` LIMIT ${Math.floor(limit)}`}`;
    const rows = this.db.prepare<Stored[], Record<string, Stored>>(sql).all(...values);
    return rows.map((row) => this.rowOf(type, row));
  }

  /** A thing by its unique id (a lookup, as `Session's user` is); undefined when there is none. */
  thing(type: ThingType, id: string): ThingRow | undefined {
    const row = this.db
      .prepare<[string], Record<string, Stored>>(`SELECT * FROM ${THINGS[type].table} WHERE id = ?`)
      .get(id);
    return row ? this.rowOf(type, row) : undefined;
  }

  /** "Create a new thing": one row with a fresh unique id; fields not given are empty. */
  create(type: ThingType, fields: Readonly<Record<string, Stored>>, now = Date.now()): ThingRow {
    if (type === "User") throw new Error("Users are created by Sign the user up");
    const id = bubbleUniqueId(now);
    const columns = ["id", "created_at", "modified_at"];
    const values: Stored[] = [id, now, now];
    for (const [field, value] of Object.entries(fields)) {
      columns.push(this.column(type, field));
      values.push(value);
    }
    this.db
      .prepare(
        `INSERT INTO ${THINGS[type].table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      )
      .run(...values);
    return this.thing(type, id) as ThingRow;
  }

  /** "Make changes to a thing": sets these fields and its Modified Date; false when the thing is gone. */
  change(type: ThingType, id: string, fields: Readonly<Record<string, Stored>>, now = Date.now()): boolean {
    const sets = ["modified_at = ?"];
    const values: Stored[] = [now];
    for (const [field, value] of Object.entries(fields)) {
      const column = this.column(type, field);
      if (column === "id" || column === "created_at")
        throw new Error(`${type}'s ${field} is Bubble's own and cannot be changed`);
      sets.push(`${column} = ?`);
      values.push(value);
    }
    const sql = `UPDATE ${THINGS[type].table} SET ${sets.join(", ")} WHERE id = ?`;
    return this.db.prepare(sql).run(...values, id).changes === 1;
  }

  /** "Delete thing": the row goes; things that referred to it keep its unique id and find nothing there. */
  delete(type: ThingType, id: string): boolean {
    return this.db.prepare(`DELETE FROM ${THINGS[type].table} WHERE id = ?`).run(id).changes === 1;
  }

  /** Adds a Session directly (the bench fills a database with many). */
  insertSession(session: {
    session_id: string;
    user_id: string;
    current_jti: string;
    rotated_at: number;
    expires_at: number;
    created_at: number;
  }): void {
    const { user_id, created_at, ...fields } = session;
    this.create("Session", { ...fields, user: user_id, revoked: 0 }, created_at);
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

  /**
   * Deletes every row, keeping the schema: the mistakes suite gives each of thousands of scenarios an empty
   * in-memory database, and emptying one costs far less than migrating a new one.
   */
  empty(): void {
    const tables = this.db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('schema_version') AND name NOT LIKE 'sqlite_%'",
      )
      .all();
    this.transaction(() => {
      for (const { name } of tables) this.db.exec(`DELETE FROM "${name}"`);
    });
  }

  /** Runs `work` in one transaction (for bulk loads: the bench, the migration from JSON files). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }
}
