/**
 * The local backend's data folder: created on first start with private permissions and a random secret,
 * reused afterwards, overridden (never rewritten) by the environment, and refused clearly when broken.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { optionsFromEnv } from "../../src/emulator/env.js";
import { KEYS_FILE, openLocalData, USERS_FILE } from "../../src/emulator/local-data.js";
import { hashPassword, passwordMatches, SCRYPT_PARAMS, UserStore } from "../../src/emulator/users.js";

const folders: string[] = [];
function freshDir(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "jwt-local-")), "data");
  folders.push(path.dirname(dir));
  return dir;
}
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const readJson = (dir: string, file: string) => JSON.parse(readFileSync(path.join(dir, file), "utf8"));
const mode = (file: string) => statSync(file).mode & 0o777;

describe("the local data folder", () => {
  it("is created on first start: folder 0700, files 0600, a 64-byte random secret, issuer and audience", async () => {
    const dir = freshDir();
    const data = await openLocalData({ dir });
    expect(data.written).toEqual([KEYS_FILE, USERS_FILE]);
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, KEYS_FILE))).toBe(0o600);
    expect(mode(path.join(dir, USERS_FILE))).toBe(0o600);
    const keys = readJson(dir, KEYS_FILE);
    expect(Object.keys(keys)).toEqual(["JWT Secret", "Issuer", "Audience"]);
    expect(Buffer.from(keys["JWT Secret"], "base64url")).toHaveLength(64);
    expect(keys["JWT Secret"]).toMatch(/^[\w-]{86}$/);
    expect(data.keys).toEqual(keys);
    const other = await openLocalData({ dir: freshDir() });
    expect(other.keys["JWT Secret"]).not.toBe(keys["JWT Secret"]);
  });

  it("seeds the demo user with an scrypt hash, never the password", async () => {
    const dir = freshDir();
    const data = await openLocalData({ dir });
    const [user, ...rest] = readJson(dir, USERS_FILE).users;
    expect(rest).toEqual([]);
    expect(user.email).toBe("demo@example.com");
    expect(user.id).toMatch(/^\d{13}x\d{18}$/);
    expect(user.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(readFileSync(path.join(dir, USERS_FILE), "utf8")).not.toContain("demo-password");
    expect(await data.users.logIn("demo@example.com", "demo-password")).toEqual({
      id: user.id,
      email: "demo@example.com",
    });
  });

  it("reuses the folder on the next start, writing nothing", async () => {
    const dir = freshDir();
    const first = await openLocalData({ dir });
    const second = await openLocalData({ dir });
    expect(second.written).toEqual([]);
    expect(second.keys).toEqual(first.keys);
    expect(second.users.all()).toEqual(first.users.all());
  });

  it("lets the environment override keys without writing them down", async () => {
    const dir = freshDir();
    await openLocalData({ dir });
    const stored = readJson(dir, KEYS_FILE);
    const secret = "an-overriding-secret-from-the-environment-0123456789";
    const data = await openLocalData({
      dir,
      keyOverrides: { secret, issuer: "https://app.test", audience: "ios" },
    });
    expect(data.keys).toEqual({ "JWT Secret": secret, Issuer: "https://app.test", Audience: "ios" });
    expect(readJson(dir, KEYS_FILE)).toEqual(stored);
  });

  it("makes sure of another demo user's credentials, and resets a demo password that changed", async () => {
    const dir = freshDir();
    await openLocalData({ dir });
    const custom = await openLocalData({
      dir,
      demo: { email: "ada@example.com", password: "it's a secret" },
    });
    expect(custom.written).toEqual([USERS_FILE]);
    expect(await custom.users.logIn("ada@example.com", "it's a secret")).toBeDefined();
    expect(await custom.users.logIn("demo@example.com", "demo-password")).toBeDefined();
    const changed = await openLocalData({ dir, demo: { password: "new-demo-password" } });
    expect(await changed.users.logIn("demo@example.com", "new-demo-password")).toBeDefined();
    expect(await changed.users.logIn("demo@example.com", "demo-password")).toBeUndefined();
    expect(readJson(dir, USERS_FILE).users).toHaveLength(2);
  });

  it("refuses a broken keys or users file with a message naming it, and never overwrites it", async () => {
    const dir = freshDir();
    await openLocalData({ dir });
    writeFileSync(path.join(dir, KEYS_FILE), "{not json");
    await expect(openLocalData({ dir })).rejects.toThrow(`${path.join(dir, KEYS_FILE)} is not valid JSON`);
    writeFileSync(path.join(dir, KEYS_FILE), '{"JWT Secret": 5}');
    await expect(openLocalData({ dir })).rejects.toThrow("must be one JSON object of plugin key captions");
    rmSync(path.join(dir, KEYS_FILE));
    writeFileSync(
      path.join(dir, USERS_FILE),
      '{"users": [{"id": "1", "email": "a@b.c", "password_hash": "plain"}]}',
    );
    await expect(openLocalData({ dir })).rejects.toThrow(`${path.join(dir, USERS_FILE)} must be {"users"`);
    expect(readFileSync(path.join(dir, USERS_FILE), "utf8")).toContain("plain");
  });
});

describe("passwords", () => {
  it("are hashed with a fresh salt each time and checked against their own parameters", async () => {
    const a = await hashPassword("correct horse");
    const b = await hashPassword("correct horse");
    expect(a).not.toBe(b);
    expect(a.startsWith(`scrypt$${SCRYPT_PARAMS.N}$${SCRYPT_PARAMS.r}$${SCRYPT_PARAMS.p}$`)).toBe(true);
    expect(await passwordMatches("correct horse", a)).toBe(true);
    expect(await passwordMatches("correct horsE", a)).toBe(false);
    expect(await passwordMatches("", a)).toBe(false);
    const cheaper = a.replace("$16384$", "$1024$");
    expect(await passwordMatches("correct horse", cheaper)).toBe(false);
  });

  it("refuse hashes with parameters out of bounds instead of running them", async () => {
    expect(await passwordMatches("x", "scrypt$3$8$1$AAAA$AAAA")).toBe(false);
    expect(await passwordMatches("x", `scrypt$${2 ** 21}$8$1$AAAA$AAAA`)).toBe(false);
    expect(await passwordMatches("x", "bcrypt$2b$10$abc")).toBe(false);
  });

  it("log in an unknown email and a wrong password alike: no user", async () => {
    const store = new UserStore([
      { id: "u1", email: "a@example.com", password_hash: await hashPassword("pw") },
    ]);
    expect(await store.logIn("a@example.com", "pw")).toEqual({ id: "u1", email: "a@example.com" });
    expect(await store.logIn("a@example.com", "nope")).toBeUndefined();
    expect(await store.logIn("b@example.com", "pw")).toBeUndefined();
    expect(await store.logIn("__proto__", "pw")).toBeUndefined();
    expect(store.findById("u1")).toEqual({ id: "u1", email: "a@example.com" });
    expect(store.findById("toString")).toBeUndefined();
  });
});

describe("settings from the environment", () => {
  it("reads every variable, with the data folder under the repository by default", () => {
    const options = optionsFromEnv(
      {
        PORT: "9000",
        HOST: "127.0.0.2",
        TOKEN_TTL_SECONDS: "60",
        REFRESH_GRACE_SECONDS: "0",
        JWT_SECRET: "s",
        JWT_ISSUER: "i",
        JWT_AUDIENCE: "a",
        DEMO_EMAIL: "e@x.y",
        DEMO_PASSWORD: "p",
      },
      "/repo",
    );
    expect(options).toEqual({
      port: 9000,
      host: "127.0.0.2",
      dataDir: "/repo/.local",
      tokenTtlSeconds: 60,
      refreshGraceSeconds: 0,
      keyOverrides: { secret: "s", issuer: "i", audience: "a" },
      demo: { email: "e@x.y", password: "p" },
    });
    expect(optionsFromEnv({ LOCAL_DATA_DIR: "/tmp/x" }, "/repo").dataDir).toBe("/tmp/x");
    expect(optionsFromEnv({ PORT: "" }, "/repo").port).toBeUndefined();
  });

  for (const [name, value] of [
    ["PORT", "80a"],
    ["PORT", "70000"],
    ["PORT", "-1"],
    ["TOKEN_TTL_SECONDS", "0"],
    ["TOKEN_TTL_SECONDS", "1.5"],
    ["REFRESH_GRACE_SECONDS", "soon"],
  ] as const) {
    it(`refuses ${name}=${value} with a message naming it`, () => {
      expect(() => optionsFromEnv({ [name]: value }, "/repo")).toThrow(
        new RegExp(`^${name} must be a whole number`),
      );
    });
  }
});
