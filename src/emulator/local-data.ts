/**
 * The local backend's own folder (git-ignored `.local/` by default), holding what a Bubble app has twice,
 * once per version: the plugin keys an app owner types into the plugin settings (a development and a live
 * value) and the database. Created on first start with private permissions; environment variables
 * override the live keys without being written down.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../paths.js";
import { checkNotCommittable, checkTrusted, currentUser } from "./data-folder-trust.js";
import { AppDatabase } from "./database.js";
import { bubbleUniqueId, hashPassword, isPasswordHash, passwordMatches } from "./users.js";

/** Bubble's two versions of an app: live at `/api/1.1/`, development at `/version-test/api/1.1/`. */
export const VERSIONS = ["live", "version-test"] as const;
export type Version = (typeof VERSIONS)[number];

/** The files of each version, relative to the folder. The live names are the ones earlier starts wrote. */
export const FILES: Readonly<Record<Version, { readonly keys: string; readonly database: string }>> = {
  live: { keys: "plugin-keys.json", database: "live.sqlite" },
  "version-test": { keys: "plugin-keys.version-test.json", database: "version-test.sqlite" },
};

/** The user table earlier starts kept as JSON; migrated into both databases once, then renamed. */
export const LEGACY_USERS_FILE = "users.json";
export const MIGRATED_SUFFIX = ".migrated";

/**
 * The demo user of the development version (never live: its password is published here and in the
 * banner), so the banner's curl commands work at once. Created when missing; a password the developer
 * changed since is kept (a start is no reset), unless DEMO_EMAIL or DEMO_PASSWORD ask for credentials, which
 * are then made sure of at every start.
 */
export const DEFAULT_DEMO = { email: "demo@example.com", password: "demo-password" } as const;
/** The version that has the demo user. */
export const DEMO_VERSION: Version = "version-test";
/** Defaults of the client_safe plugin keys: the app's name as issuer, its mobile client as audience. */
export const DEFAULT_ISSUER = "local-bubble-app";
export const DEFAULT_AUDIENCE = "mobile-app";
const ISSUER_OF: Record<Version, string> = {
  live: DEFAULT_ISSUER,
  // A development token then fails live on its issuer too, not only on its signature.
  "version-test": `${DEFAULT_ISSUER}/version-test`,
};

/** Plugin keys by caption, as `context.keys` holds them. */
export type PluginKeys = Readonly<Record<string, string>>;

export interface LocalDataOptions {
  /** The folder; created (mode 0700) when missing. */
  readonly dir: string;
  /** The repository the folder must not be committed to unless git-ignored; default this one. */
  readonly repository?: string;
  /** The user the folder and its files must belong to; default the user this process runs as. */
  readonly owner?: number;
  /** Values that win over the stored live keys (JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE); never stored. */
  readonly keyOverrides?: { readonly secret?: string; readonly issuer?: string; readonly audience?: string };
  /** Demo credentials to make sure of (DEMO_EMAIL, DEMO_PASSWORD); default demo@example.com / demo-password. */
  readonly demo?: { readonly email?: string; readonly password?: string };
}

/** One version of the app: its keys (with where they came from, for messages) and its database. */
export interface AppVersion {
  readonly version: Version;
  readonly keys: PluginKeys;
  /** Where the JWT Secret came from: a file in the folder, or JWT_SECRET. */
  readonly secretSource: string;
  readonly database: AppDatabase;
}

/** The development version's demo user. */
export interface DemoUser {
  readonly email: string;
  readonly password: string;
  readonly userId: string;
  /** False when the developer changed the password since: the printed one no longer logs in. */
  readonly passwordWorks: boolean;
}

export interface LocalData {
  readonly dir: string;
  readonly versions: Readonly<Record<Version, AppVersion>>;
  readonly demo: DemoUser;
  /** Files written during this start, relative to `dir` (for the banner). */
  readonly written: readonly string[];
  /** What this start changed that the developer should know (for the banner). */
  readonly notes: readonly string[];
  /** Closes both databases. */
  close(): void;
}

/** Opens (creating on first use, migrating the JSON user table once) both versions' keys and data. */
export async function openLocalData(options: LocalDataOptions): Promise<LocalData> {
  const dir = path.resolve(options.dir);
  checkNotCommittable(dir, options.repository ?? repoRoot());
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Everything read from the folder must be this user's alone: a planted key file forges tokens.
  const owner = options.owner ?? currentUser();
  // The folder itself may be reached through a link of the developer's; the files in it may not.
  checkTrusted(realpathSync(dir), owner, "700");
  for (const name of [
    LEGACY_USERS_FILE,
    ...Object.values(FILES).flatMap(({ keys, database }) => [
      keys,
      database,
      `${database}-wal`,
      `${database}-shm`,
    ]),
  ])
    checkTrusted(path.join(dir, name), owner, "600");
  const written: string[] = [];
  const notes: string[] = [];
  const credentials = {
    email: options.demo?.email || DEFAULT_DEMO.email,
    password: options.demo?.password || DEFAULT_DEMO.password,
  };
  const asked = Boolean(options.demo?.email || options.demo?.password);
  let demo: DemoUser | undefined;
  const legacyUsers = readLegacyUsers(dir);

  const opened: AppDatabase[] = [];
  try {
    const versions = {} as Record<Version, AppVersion>;
    for (const version of VERSIONS) {
      const stored = readOrCreateKeys(dir, version, written);
      const overrides = version === "live" ? (options.keyOverrides ?? {}) : {};
      const keys: PluginKeys = {
        ...stored,
        ...(overrides.secret ? { "JWT Secret": overrides.secret } : {}),
        ...(overrides.issuer ? { Issuer: overrides.issuer } : {}),
        ...(overrides.audience ? { Audience: overrides.audience } : {}),
      };
      const file = path.join(dir, FILES[version].database);
      if (!existsSync(file)) written.push(FILES[version].database);
      const database = new AppDatabase(file);
      opened.push(database);
      if (legacyUsers) importUsers(database, legacyUsers);
      if (version === DEMO_VERSION) demo = await ensureDemoUser(database, credentials, asked);
      else if (await disarmPublishedDemo(database))
        notes.push(
          `The live ${DEFAULT_DEMO.email}, made by an earlier start with the published demo password, now has a random password: the demo user is the development version's only.`,
        );
      versions[version] = {
        version,
        keys,
        secretSource: overrides.secret ? "JWT_SECRET" : FILES[version].keys,
        database,
      };
    }
    if (legacyUsers) {
      const legacy = path.join(dir, LEGACY_USERS_FILE);
      renameSync(legacy, legacy + MIGRATED_SUFFIX);
      written.push(LEGACY_USERS_FILE + MIGRATED_SUFFIX);
    }
    if (!demo) throw new Error(`${DEMO_VERSION} is not one of the versions`);
    return {
      dir,
      versions,
      demo,
      written,
      notes,
      close: () => {
        for (const database of opened) database.close();
      },
    };
  } catch (error) {
    for (const database of opened) database.close();
    throw error;
  }
}

function readOrCreateKeys(dir: string, version: Version, written: string[]): Record<string, string> {
  const name = FILES[version].keys;
  const file = path.join(dir, name);
  const fresh = {
    // 64 random bytes as base64url text: 86 characters, enough for HS256, HS384 and HS512.
    "JWT Secret": randomBytes(64).toString("base64url"),
    Issuer: ISSUER_OF[version],
    Audience: DEFAULT_AUDIENCE,
  };
  try {
    // "wx": never overwrite keys another start wrote in the meantime.
    writeFileSync(file, `${JSON.stringify(fresh, null, 2)}\n`, { flag: "wx", mode: 0o600 });
    written.push(name);
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const keys = readJson(file);
  const valid =
    typeof keys === "object" &&
    keys !== null &&
    !Array.isArray(keys) &&
    Object.values(keys).every((value) => typeof value === "string");
  if (!valid)
    throw new Error(
      `${file} must be one JSON object of plugin key captions and texts; delete it to start over.`,
    );
  return keys as Record<string, string>;
}

interface LegacyUser {
  readonly id: string;
  readonly email: string;
  readonly password_hash: string;
}

/** users.json of an earlier start, checked whole before anything is imported; undefined when absent. */
function readLegacyUsers(dir: string): LegacyUser[] | undefined {
  const file = path.join(dir, LEGACY_USERS_FILE);
  if (!existsSync(file)) return undefined;
  const list = (readJson(file) as { users?: unknown } | null)?.users;
  const problem = `${file} (the user table of an earlier version of this backend) must be {"users": [{"id", "email", "password_hash"}]} to be moved into the database; fix it, or delete it to start with only the demo user.`;
  if (!Array.isArray(list)) throw new Error(problem);
  for (const user of list) {
    const ok =
      typeof user?.id === "string" &&
      user.id !== "" &&
      typeof user.email === "string" &&
      user.email.trim() !== "" &&
      isPasswordHash(user.password_hash);
    if (!ok) throw new Error(problem);
  }
  return list as LegacyUser[];
}

/** Copies the JSON users into a database in one transaction; an email already there is kept as it is. */
function importUsers(database: AppDatabase, users: readonly LegacyUser[]): void {
  database.transaction(() => {
    for (const user of users) {
      if (!database.userById(user.id)) database.insertUser(user);
    }
  });
}

/**
 * The development version's demo user: created when missing; when its password is not `demo.password`,
 * reset only if the developer `asked` for these credentials (DEMO_EMAIL, DEMO_PASSWORD), else kept.
 */
async function ensureDemoUser(
  database: AppDatabase,
  demo: { email: string; password: string },
  asked: boolean,
): Promise<DemoUser> {
  const current = database.userByEmail(demo.email);
  if (!current) {
    const userId = bubbleUniqueId();
    database.insertUser({ id: userId, email: demo.email, password_hash: await hashPassword(demo.password) });
    return { ...demo, userId, passwordWorks: true };
  }
  if (await passwordMatches(demo.password, current.password_hash))
    return { ...demo, userId: current.id, passwordWorks: true };
  if (!asked) return { ...demo, userId: current.id, passwordWorks: false };
  database.setPassword(current.id, await hashPassword(demo.password));
  return { ...demo, userId: current.id, passwordWorks: true };
}

/**
 * Earlier starts made the demo user in live too, with the published password: that user keeps its id and
 * data but gets a random password nobody knows. True when it did.
 */
async function disarmPublishedDemo(database: AppDatabase): Promise<boolean> {
  const published = database.userByEmail(DEFAULT_DEMO.email);
  if (!published || !(await passwordMatches(DEFAULT_DEMO.password, published.password_hash))) return false;
  database.setPassword(published.id, await hashPassword(randomBytes(32).toString("base64url")));
  return true;
}

function readJson(file: string): unknown {
  const text = readFileSync(file, "utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON; fix it or delete it to start over.`);
  }
}
