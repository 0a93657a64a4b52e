/**
 * The local backend's data folder: created on first start with private permissions (folder, key files,
 * databases and their -wal and -shm files), separate keys and data per version, reused afterwards,
 * overridden (never rewritten) by the environment, the JSON user table of earlier versions migrated once,
 * and anything broken or weak refused with one line that says what to do.
 */
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { logIn } from "../../src/emulator/accounts.js";
import { AppDatabase, SCHEMA_VERSION } from "../../src/emulator/database.js";
import { optionsFromEnv } from "../../src/emulator/env.js";
import {
  FILES,
  LEGACY_USERS_FILE,
  MIGRATED_SUFFIX,
  openLocalData,
  VERSIONS,
} from "../../src/emulator/local-data.js";
import { startServer } from "../../src/emulator/server.js";
import { hashPassword, passwordMatches, SCRYPT_PARAMS } from "../../src/emulator/users.js";

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
  it("is created on first start: folder 0700, every file 0600, a 64-byte random secret per version", async () => {
    const dir = freshDir();
    const data = await openLocalData({ dir });
    expect(data.written).toEqual([
      FILES.live.keys,
      FILES.live.database,
      FILES["version-test"].keys,
      FILES["version-test"].database,
    ]);
    expect(mode(dir)).toBe(0o700);
    for (const version of VERSIONS) {
      const database = path.join(dir, FILES[version].database);
      for (const file of [
        path.join(dir, FILES[version].keys),
        database,
        `${database}-wal`,
        `${database}-shm`,
      ])
        expect(mode(file), file).toBe(0o600);
      const keys = readJson(dir, FILES[version].keys);
      expect(Object.keys(keys)).toEqual(["JWT Secret", "Issuer", "Audience"]);
      expect(Buffer.from(keys["JWT Secret"], "base64url")).toHaveLength(64);
      expect(data.versions[version].keys).toEqual(keys);
    }
    expect(data.versions.live.keys["JWT Secret"]).not.toBe(data.versions["version-test"].keys["JWT Secret"]);
    data.close();
  });

  it("creates the demo user in the development version only, as an scrypt hash, never in live", async () => {
    const dir = freshDir();
    const data = await openLocalData({ dir });
    const user = data.versions["version-test"].database.userByEmail("demo@example.com");
    expect(user?.id).toMatch(/^\d{13}x\d{18}$/);
    expect(user?.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(data.demo).toMatchObject({ email: "demo@example.com", userId: user?.id, passwordWorks: true });
    expect(data.versions.live.database.userByEmail("demo@example.com")).toBeUndefined();
    expect(data.versions.live.database.userCount()).toBe(0);
    for (const version of VERSIONS)
      expect(readFileSync(path.join(dir, FILES[version].database)).includes("demo-password")).toBe(false);
    data.close();
  });

  it("keeps a demo password the developer changed (no reset at start) unless DEMO_PASSWORD asks for one", async () => {
    const dir = freshDir();
    const first = await openLocalData({ dir });
    const db = first.versions["version-test"].database;
    db.setPassword(first.demo.userId, await hashPassword("the developer's own password"));
    first.close();
    const second = await openLocalData({ dir });
    expect(second.demo.passwordWorks).toBe(false);
    const kept = second.versions["version-test"].database;
    expect((await logIn(kept, "demo@example.com", "the developer's own password")).ok).toBe(true);
    second.close();
    const asked = await openLocalData({ dir, demo: { password: "asked-for-password" } });
    expect(asked.demo.passwordWorks).toBe(true);
    const development = asked.versions["version-test"].database;
    expect((await logIn(development, "demo@example.com", "asked-for-password")).ok).toBe(true);
    asked.close();
  });

  it("takes the published password away from the live demo user an earlier start created", async () => {
    const dir = freshDir();
    (await openLocalData({ dir })).close();
    // What earlier starts left in live: the demo user with the password the README and banner publish.
    const legacy = new AppDatabase(path.join(dir, FILES.live.database));
    const id = "1700000000000x100000000000000009";
    legacy.insertUser({ id, email: "demo@example.com", password_hash: await hashPassword("demo-password") });
    legacy.close();
    const data = await openLocalData({ dir });
    const live = data.versions.live.database;
    expect(live.userById(id)?.email).toBe("demo@example.com");
    expect((await logIn(live, "demo@example.com", "demo-password")).ok).toBe(false);
    expect(data.notes).toEqual([
      "The live demo@example.com, made by an earlier start with the published demo password, now has a random password: the demo user is the development version's only.",
    ]);
    data.close();
    const again = await openLocalData({ dir });
    expect(again.notes).toEqual([]);
    again.close();
  });

  it("reuses the folder on the next start, writing nothing, with the same keys and users", async () => {
    const dir = freshDir();
    const first = await openLocalData({ dir });
    const keys = VERSIONS.map((version) => first.versions[version].keys);
    first.close();
    const second = await openLocalData({ dir });
    expect(second.written).toEqual([]);
    expect(second.demo.userId).toBe(first.demo.userId);
    expect(VERSIONS.map((version) => second.versions[version].keys)).toEqual(keys);
    second.close();
  });

  it("creates the schema with a version, and refuses a database newer than the code", async () => {
    const dir = freshDir();
    (await openLocalData({ dir })).close();
    const file = path.join(dir, FILES.live.database);
    const raw = new Database(file);
    expect(raw.prepare("SELECT version FROM schema_version").all()).toEqual([{ version: SCHEMA_VERSION }]);
    raw.prepare("UPDATE schema_version SET version = ?").run(SCHEMA_VERSION + 1);
    raw.close();
    await expect(openLocalData({ dir })).rejects.toThrow(
      `${file} has schema version ${SCHEMA_VERSION + 1}, newer than this code's ${SCHEMA_VERSION}`,
    );
  });

  it("lets the environment override the live keys without writing them down", async () => {
    const dir = freshDir();
    (await openLocalData({ dir })).close();
    const stored = readJson(dir, FILES.live.keys);
    const secret = "an-overriding-secret-from-the-environment-0123456789";
    const data = await openLocalData({
      dir,
      keyOverrides: { secret, issuer: "https://app.test", audience: "ios" },
    });
    expect(data.versions.live.keys).toEqual({
      "JWT Secret": secret,
      Issuer: "https://app.test",
      Audience: "ios",
    });
    expect(data.versions.live.secretSource).toBe("JWT_SECRET");
    expect(data.versions["version-test"].keys).toEqual(readJson(dir, FILES["version-test"].keys));
    expect(readJson(dir, FILES.live.keys)).toEqual(stored);
    data.close();
  });

  it("makes sure of the demo credentials DEMO_EMAIL and DEMO_PASSWORD ask for, in development only", async () => {
    const dir = freshDir();
    (await openLocalData({ dir })).close();
    const custom = await openLocalData({
      dir,
      demo: { email: "ada@example.com", password: "it's a secret" },
    });
    const db = custom.versions["version-test"].database;
    expect((await logIn(db, "ada@example.com", "it's a secret")).ok).toBe(true);
    expect((await logIn(db, "demo@example.com", "demo-password")).ok).toBe(true);
    expect(custom.versions.live.database.userByEmail("ada@example.com")).toBeUndefined();
    custom.close();
    const changed = await openLocalData({ dir, demo: { password: "new-demo-password" } });
    const again = changed.versions["version-test"].database;
    expect((await logIn(again, "demo@example.com", "new-demo-password")).ok).toBe(true);
    expect((await logIn(again, "demo@example.com", "demo-password")).ok).toBe(false);
    expect(again.userCount()).toBe(2);
    changed.close();
  });

  it("migrates the users.json of an earlier version into both databases once, and renames it", async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const users = [
      {
        id: "1700000000000x100000000000000001",
        email: "old@example.com",
        password_hash: await hashPassword("old pw"),
      },
    ];
    writeFileSync(path.join(dir, LEGACY_USERS_FILE), JSON.stringify({ users }));
    const data = await openLocalData({ dir });
    expect(data.written).toContain(LEGACY_USERS_FILE + MIGRATED_SUFFIX);
    expect(existsSync(path.join(dir, LEGACY_USERS_FILE))).toBe(false);
    for (const version of VERSIONS) {
      const result = await logIn(data.versions[version].database, "old@example.com", "old pw");
      expect(result.ok && result.user.id).toBe(users[0]?.id);
    }
    data.close();
    const next = await openLocalData({ dir });
    expect(next.versions.live.database.userCount()).toBe(1);
    next.close();
  });

  it("refuses a broken users.json or keys file with a message naming it and saying what to do, changing nothing", async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, LEGACY_USERS_FILE),
      '{"users": [{"id": "1", "email": "a@b.c", "password_hash": "plain"}]}',
    );
    await expect(openLocalData({ dir })).rejects.toThrow(
      `${path.join(dir, LEGACY_USERS_FILE)} (the user table of an earlier version of this backend) must be`,
    );
    await expect(openLocalData({ dir })).rejects.toThrow(
      "fix it, or delete it to start with only the demo user.",
    );
    expect(readFileSync(path.join(dir, LEGACY_USERS_FILE), "utf8")).toContain("plain");
    expect(existsSync(path.join(dir, FILES.live.database))).toBe(false);
    rmSync(path.join(dir, LEGACY_USERS_FILE));
    writeFileSync(path.join(dir, FILES.live.keys), "{not json");
    await expect(openLocalData({ dir })).rejects.toThrow(
      `${path.join(dir, FILES.live.keys)} is not valid JSON`,
    );
    writeFileSync(path.join(dir, FILES.live.keys), '{"JWT Secret": 5}');
    await expect(openLocalData({ dir })).rejects.toThrow("must be one JSON object of plugin key captions");
  });

  it("refuses to start with a weak or missing JWT Secret, in one line naming the version and where it came from", async () => {
    const dir = freshDir();
    await expect(
      startServer({ port: 0, dataDir: dir, keyOverrides: { secret: "k7#Qz9!pLm2$" } }),
    ).rejects.toThrow(
      /^Cannot start: the live JWT Secret \(from JWT_SECRET\) is refused \(weak_key\): The JWT Secret plugin key is too short for HS256/,
    );
    const keys = readJson(dir, FILES["version-test"].keys);
    writeFileSync(path.join(dir, FILES["version-test"].keys), JSON.stringify({ ...keys, "JWT Secret": "" }));
    const error = await startServer({ port: 0, dataDir: dir }).catch((caught: Error) => caught);
    expect(String(error)).toBe(
      `Error: Cannot start: the version-test JWT Secret (from ${FILES["version-test"].keys}) is missing; delete that file to get a new random one.`,
    );
    writeFileSync(
      path.join(dir, FILES["version-test"].keys),
      JSON.stringify({ ...keys, "JWT Secret": "changeme".repeat(8) }),
    );
    await expect(startServer({ port: 0, dataDir: dir })).rejects.toThrow(
      /^Cannot start: the version-test JWT Secret/,
    );
  });
});

describe("the local data folder is refused when others could have written it", () => {
  it("creates a missing folder 0700, and refuses one writable by group or others, saying how to fix it", async () => {
    const dir = freshDir();
    (await openLocalData({ dir })).close();
    expect(mode(dir)).toBe(0o700);
    chmodSync(dir, 0o777);
    const error = await openLocalData({ dir }).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `Cannot start: ${dir} is writable by other users (mode 777), so its keys could have been replaced; run chmod 700 '${dir}' and start again.`,
    );
    chmodSync(dir, 0o770);
    await expect(openLocalData({ dir })).rejects.toThrow("(mode 770)");
    chmodSync(dir, 0o700);
    (await openLocalData({ dir })).close();
  });

  it("refuses a key file or database writable by others, or owned by another user, in one line", async () => {
    const dir = freshDir();
    (await openLocalData({ dir })).close();
    const keys = path.join(dir, FILES.live.keys);
    chmodSync(keys, 0o666);
    await expect(openLocalData({ dir })).rejects.toThrow(
      `Cannot start: ${keys} is writable by other users (mode 666), so its keys could have been replaced; run chmod 600 '${keys}' and start again.`,
    );
    chmodSync(keys, 0o600);
    const database = path.join(dir, FILES["version-test"].database);
    chmodSync(database, 0o646);
    await expect(openLocalData({ dir })).rejects.toThrow(`${database} is writable by other users (mode 646)`);
    chmodSync(database, 0o600);
    // A file someone else planted (0644 is what a planted key file had): the folder is another user's too
    // when run as them, so the check is made against the user this process runs as.
    const someoneElse = (process.getuid?.() ?? 0) + 1;
    const error = await openLocalData({ dir, owner: someoneElse }).catch((caught: Error) => caught);
    expect((error as Error).message).toBe(
      `Cannot start: ${dir} belongs to another user (uid ${process.getuid?.()}), so its keys could have been planted; point LOCAL_DATA_DIR at a folder of your own, or delete it to start afresh.`,
    );
    (await openLocalData({ dir })).close();
  });

  it("accepts a folder reached through a link of the developer's, and refuses a key file that is a link", async () => {
    const dir = freshDir();
    (await openLocalData({ dir })).close();
    const link = `${dir}-link`;
    symlinkSync(dir, link);
    (await openLocalData({ dir: link })).close();
    const keys = path.join(dir, FILES.live.keys);
    renameSync(keys, `${keys}.elsewhere`);
    symlinkSync(`${keys}.elsewhere`, keys);
    await expect(openLocalData({ dir })).rejects.toThrow(
      `Cannot start: ${keys} is a symbolic link, so its keys could come from anywhere; replace it with the file itself.`,
    );
  });

  it("refuses a data folder inside the repository unless git ignores it", async () => {
    const repository = mkdtempSync(path.join(tmpdir(), "jwt-repo-"));
    folders.push(repository);
    execFileSync("git", ["-C", repository, "init", "-q"]);
    writeFileSync(path.join(repository, ".gitignore"), "/.local/\n");
    const tracked = path.join(repository, "data");
    await expect(openLocalData({ dir: tracked, repository })).rejects.toThrow(
      `Cannot start: the data folder ${tracked} is inside the repository and not git-ignored, so its keys could be committed; add /data/ to .gitignore or set LOCAL_DATA_DIR to a folder outside the repository.`,
    );
    expect(existsSync(tracked)).toBe(false);
    (await openLocalData({ dir: path.join(repository, ".local"), repository })).close();
    (await openLocalData({ dir: path.join(repository, ".local", "nested"), repository })).close();
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
    expect(await passwordMatches("correct horse", a.replace("$16384$", "$1024$"))).toBe(false);
  });

  it("refuse hashes with parameters out of bounds instead of running them", async () => {
    expect(await passwordMatches("x", "scrypt$3$8$1$AAAA$AAAA")).toBe(false);
    expect(await passwordMatches("x", `scrypt$${2 ** 21}$8$1$AAAA$AAAA`)).toBe(false);
    expect(await passwordMatches("x", "bcrypt$2b$10$abc")).toBe(false);
  });
});

describe("settings from the environment", () => {
  it("reads every variable, with the data folder under the repository by default", () => {
    const options = optionsFromEnv(
      {
        PORT: "9000",
        HOST: "127.0.0.2",
        ACCESS_TOKEN_TTL_SECONDS: "600",
        REFRESH_TOKEN_TTL_SECONDS: "86400",
        REFRESH_RETRY_WINDOW_SECONDS: "10",
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
      settings: {
        accessTokenTtlSeconds: 600,
        refreshTokenTtlSeconds: 86400,
        refreshRetryWindowSeconds: 10,
        tokenTtlSeconds: 60,
        refreshGraceSeconds: 0,
      },
      keyOverrides: { secret: "s", issuer: "i", audience: "a" },
      demo: { email: "e@x.y", password: "p" },
    });
    expect(optionsFromEnv({ LOCAL_DATA_DIR: "/tmp/x" }, "/repo").dataDir).toBe("/tmp/x");
    expect(optionsFromEnv({ PORT: "" }, "/repo")).toMatchObject({ port: undefined, settings: {} });
  });

  for (const [name, value] of [
    ["PORT", "80a"],
    ["PORT", "70000"],
    ["PORT", "-1"],
    ["TOKEN_TTL_SECONDS", "0"],
    ["TOKEN_TTL_SECONDS", "1.5"],
    ["ACCESS_TOKEN_TTL_SECONDS", "15777001"],
    ["REFRESH_TOKEN_TTL_SECONDS", "59"],
    ["REFRESH_RETRY_WINDOW_SECONDS", "3601"],
    ["REFRESH_GRACE_SECONDS", "soon"],
  ] as const) {
    it(`refuses ${name}=${value} with a message naming it`, () => {
      expect(() => optionsFromEnv({ [name]: value }, "/repo")).toThrow(
        new RegExp(`^${name} must be a whole number`),
      );
    });
  }
});
