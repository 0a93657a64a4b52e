/**
 * The local backend's own folder (git-ignored `.local/` by default): the plugin keys an app owner would
 * type into Bubble's plugin settings, and the user table. Created on first start with private permissions;
 * environment variables override the keys without being written down.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  bubbleUniqueId,
  hashPassword,
  isPasswordHash,
  passwordMatches,
  type StoredUser,
  UserStore,
} from "./users.js";

export const KEYS_FILE = "plugin-keys.json";
export const USERS_FILE = "users.json";

/** The demo user every fresh folder gets, so the banner's curl commands work at once. */
export const DEFAULT_DEMO = { email: "demo@example.com", password: "demo-password" } as const;
/** Defaults of the client_safe plugin keys: the app's name as issuer, its mobile client as audience. */
export const DEFAULT_ISSUER = "local-bubble-app";
export const DEFAULT_AUDIENCE = "mobile-app";

/** Plugin keys by caption, as `context.keys` holds them. */
export type PluginKeys = Readonly<Record<string, string>>;

export interface LocalDataOptions {
  /** The folder; created (mode 0700) when missing. */
  readonly dir: string;
  /** Values that win over the stored keys (from JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE); never stored. */
  readonly keyOverrides?: { readonly secret?: string; readonly issuer?: string; readonly audience?: string };
  /** The demo user to make sure of (DEMO_EMAIL, DEMO_PASSWORD); default demo@example.com / demo-password. */
  readonly demo?: { readonly email?: string; readonly password?: string };
}

export interface LocalData {
  readonly dir: string;
  readonly keys: PluginKeys;
  readonly users: UserStore;
  readonly demo: { readonly email: string; readonly password: string };
  /** Files written during this start, relative to `dir` (for the banner). */
  readonly written: readonly string[];
}

/** Opens (creating on first use) the keys and users of a local backend. */
export async function openLocalData(options: LocalDataOptions): Promise<LocalData> {
  const dir = path.resolve(options.dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const written: string[] = [];

  const stored = readOrCreateKeys(dir, written);
  const overrides = options.keyOverrides ?? {};
  const keys: PluginKeys = {
    ...stored,
    ...(overrides.secret ? { "JWT Secret": overrides.secret } : {}),
    ...(overrides.issuer ? { Issuer: overrides.issuer } : {}),
    ...(overrides.audience ? { Audience: overrides.audience } : {}),
  };

  const demo = {
    email: options.demo?.email || DEFAULT_DEMO.email,
    password: options.demo?.password || DEFAULT_DEMO.password,
  };
  const users = await readUsersWithDemo(dir, demo, written);
  return { dir, keys, users: new UserStore(users), demo, written };
}

function readOrCreateKeys(dir: string, written: string[]): Record<string, string> {
  const file = path.join(dir, KEYS_FILE);
  const fresh = {
    // 64 random bytes as base64url text: 86 characters, enough for HS256, HS384 and HS512.
    "JWT Secret": randomBytes(64).toString("base64url"),
    Issuer: DEFAULT_ISSUER,
    Audience: DEFAULT_AUDIENCE,
  };
  try {
    // "wx": never overwrite keys another start wrote in the meantime.
    writeFileSync(file, `${JSON.stringify(fresh, null, 2)}\n`, { flag: "wx", mode: 0o600 });
    written.push(KEYS_FILE);
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

async function readUsersWithDemo(
  dir: string,
  demo: { email: string; password: string },
  written: string[],
): Promise<StoredUser[]> {
  const file = path.join(dir, USERS_FILE);
  let users: StoredUser[] = [];
  try {
    users = parseUsers(readJson(file), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  // The banner promises the demo credentials: add the demo user, or reset its password to the promised one.
  const index = users.findIndex((user) => user.email.toLowerCase() === demo.email.toLowerCase());
  const current = users[index];
  if (current && (await passwordMatches(demo.password, current.password_hash))) return users;
  const password_hash = await hashPassword(demo.password);
  if (current) users[index] = { ...current, password_hash };
  else users.push({ id: bubbleUniqueId(), email: demo.email, password_hash });
  writePrivate(file, `${JSON.stringify({ users }, null, 2)}\n`);
  written.push(USERS_FILE);
  return users;
}

function parseUsers(json: unknown, file: string): StoredUser[] {
  const list = (json as { users?: unknown } | null)?.users;
  const problem = `${file} must be {"users": [{"id", "email", "password_hash"}]}; delete it to start over.`;
  if (!Array.isArray(list)) throw new Error(problem);
  for (const user of list) {
    const ok =
      typeof user?.id === "string" &&
      user.id !== "" &&
      typeof user.email === "string" &&
      isPasswordHash(user.password_hash);
    if (!ok) throw new Error(problem);
  }
  return list as StoredUser[];
}

function readJson(file: string): unknown {
  const text = readFileSync(file, "utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON; fix it or delete it to start over.`);
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves half a file; mode 0600. */
function writePrivate(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600 });
  renameSync(temporary, file);
}
