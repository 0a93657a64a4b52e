/**
 * "Log the user in"'s failed-login lockout over HTTP: concurrent guesses cannot slip past it, a stranger's
 * guesses from another address do not lock the owner out, and the wait grows instead of a hard lock.
 * Loopback only: the stranger connects from 127.0.0.2 (every 127.x address is this machine's).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logIn, signUp } from "../../src/emulator/accounts.js";
import { AppDatabase } from "../../src/emulator/database.js";
import {
  enter,
  fail,
  LOCKOUT_RULE,
  type LockoutRule,
  lockoutKeys,
  settle,
  waitAfter,
} from "../../src/emulator/lockout.js";
import { startTestServer, type TestServer } from "./support.js";

/** POSTs JSON to a workflow from a chosen loopback address; the answer's `response`. */
function postFrom(
  server: TestServer,
  localAddress: string,
  workflow: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const outgoing = httpRequest(`${server.url}/api/1.1/wf/${workflow}`, {
      method: "POST",
      localAddress,
      agent: false,
      headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) },
    });
    outgoing.on("response", (response) => {
      let answer = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        answer += chunk;
      });
      response.on("end", () => resolve(JSON.parse(answer).response ?? {}));
    });
    outgoing.on("error", reject);
    outgoing.end(text);
  });
}

/** An HTTP answer's error_code, "ok" when it has none (what the server said, not what a call threw). */
const answerCode = (answer: Record<string, unknown>) => (answer.error_code as string | undefined) ?? "ok";

describe("the failed-login lockout over HTTP", () => {
  let server: TestServer;
  let clock = Date.now();
  beforeAll(async () => {
    server = await startTestServer({ now: () => clock });
  });
  afterAll(() => server.stop());

  async function account(name: string): Promise<{ email: string; password: string }> {
    const user = { email: `${name}@example.com`, password: `the right password of ${name}` };
    expect(answerCode((await server.post("signup", user)).json.response)).toBe("ok");
    return user;
  }

  it("of 60 simultaneous guesses, 59 wrong and the right one among them, none logs in", async () => {
    const user = await account("concurrent");
    const guesses = Array.from({ length: 60 }, (_, n) =>
      n === 30 ? user : { email: user.email, password: `wrong guess ${n}` },
    );
    const answers = await Promise.all(guesses.map((guess) => postFrom(server, "127.0.0.3", "login", guess)));
    expect(answers.filter((answer) => answerCode(answer) === "ok")).toEqual([]);
    expect(
      answers.filter((answer) => answerCode(answer) === "invalid_credentials").length,
    ).toBeLessThanOrEqual(5);
  }, 60_000);

  it("a burst of 200 guesses with the right password last does not log in", async () => {
    const user = await account("burst");
    const guesses = Array.from({ length: 200 }, (_, n) =>
      n === 199 ? user : { email: user.email, password: `wrong guess ${n}` },
    );
    const answers = await Promise.all(guesses.map((guess) => postFrom(server, "127.0.0.4", "login", guess)));
    expect(answerCode(answers[199] ?? {})).toBe("too_many_attempts");
    expect(answers.filter((answer) => answerCode(answer) === "ok")).toEqual([]);
  }, 60_000);

  it("30 simultaneous logins with the right password from one address all succeed (checks beyond 5 wait their turn)", async () => {
    const user = await account("simultaneous");
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => postFrom(server, "127.0.0.6", "login", user)),
    );
    expect(answers.map(answerCode)).toEqual(Array(30).fill("ok"));
  }, 60_000);

  it("a stranger's failed guesses from another address do not lock the owner out", async () => {
    const owner = await account("owner");
    for (let n = 0; n < 8; n++)
      await postFrom(server, "127.0.0.2", "login", { email: owner.email, password: `stranger ${n}` });
    expect(answerCode(await postFrom(server, "127.0.0.2", "login", owner))).toBe("too_many_attempts");
    expect(answerCode(await postFrom(server, "127.0.0.1", "login", owner))).toBe("ok");
  }, 60_000);

  it("after 5 failures the wait grows (1 s, 2 s, 4 s...) and the right password works once it is over", async () => {
    const user = await account("backoff");
    const from = "127.0.0.5";
    const wrong = { email: user.email, password: "not the password" };
    for (let n = 0; n < 5; n++)
      expect(answerCode(await postFrom(server, from, "login", wrong))).toBe("invalid_credentials");
    expect(answerCode(await postFrom(server, from, "login", user))).toBe("too_many_attempts");
    clock += 1_000;
    expect(answerCode(await postFrom(server, from, "login", wrong))).toBe("invalid_credentials");
    clock += 1_999;
    expect(answerCode(await postFrom(server, from, "login", user))).toBe("too_many_attempts");
    clock += 1;
    expect(answerCode(await postFrom(server, from, "login", user))).toBe("ok");
    // A success clears that address's count for the account: five free failures again.
    for (let n = 0; n < 5; n++)
      expect(answerCode(await postFrom(server, from, "login", wrong))).toBe("invalid_credentials");
  }, 60_000);
});

describe("the lockout's rules (units, injected clock)", () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });
  function database(): AppDatabase {
    const dir = mkdtempSync(path.join(tmpdir(), "jwt-lockout-"));
    folders.push(dir);
    return new AppDatabase(path.join(dir, "t.sqlite"));
  }
  const rule: LockoutRule = { ...LOCKOUT_RULE, capacity: 6 };

  /** One wrong guess at `now`: admitted and failed, or refused (false). */
  async function guess(db: AppDatabase, keys: ReturnType<typeof lockoutKeys>, now: number) {
    const admission = await enter(db, keys, () => now, rule);
    if (admission) fail(db, admission, now, rule);
    return admission !== undefined;
  }

  it("cannot be flushed of a victim's recent failures by made-up emails: a full table refuses new keys", async () => {
    const db = database();
    const victim = lockoutKeys("victim@example.com", "198.51.100.7", rule);
    for (let n = 0; n < 4; n++) expect(await guess(db, victim, 1_000 + n)).toBe(true);
    // Made-up emails from many addresses: two keys each, until the table is full.
    const refused: number[] = [];
    for (let n = 0; n < 10; n++) {
      if (!(await guess(db, lockoutKeys(`made-up-${n}@example.com`, `203.0.113.${n}`, rule), 2_000 + n)))
        refused.push(n);
    }
    expect(refused).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(db.loginFailures(victim[0]?.key ?? "")?.failures).toBe(4);
    // The victim's 5th failure still counts, and the 6th attempt waits.
    expect(await guess(db, victim, 3_000)).toBe(true);
    expect(await guess(db, victim, 3_001)).toBe(false);
    // An hour after their last failure, keys are forgotten and make room.
    const late = lockoutKeys("late@example.com", "203.0.113.99", rule);
    expect(await guess(db, late, 3_000 + rule.forgetMs)).toBe(true);
    db.close();
  });

  it("counts before the password check and re-checks after: a failure counted meanwhile refuses the right password", async () => {
    const db = database();
    const keys = lockoutKeys("owner@example.com", "198.51.100.8", rule);
    for (let n = 0; n < 5; n++) await guess(db, keys, 10_000);
    // The wait after 5 failures is 1 s: the right password is admitted at 11,000 and counted (6)...
    const right = await enter(db, keys, () => 11_000, rule);
    expect(db.loginFailures(keys[0]?.key ?? "")?.failures).toBe(6);
    // ...a wrong guess is admitted once the next wait (2 s) is over and fails while the right one's check
    // still runs...
    expect(await guess(db, keys, 13_000)).toBe(true);
    // ...so the right one, settling after it, is refused; its own count is taken back.
    expect(settle(db, right as NonNullable<typeof right>, 13_001, rule)).toBe(false);
    expect(db.loginFailures(keys[0]?.key ?? "")?.failures).toBe(6);
    // Without a failure in between, a success settles and clears the account-and-address count only.
    const next = await enter(db, keys, () => 13_000 + 4_000, rule);
    expect(settle(db, next as NonNullable<typeof next>, 17_001, rule)).toBe(true);
    expect(db.loginFailures(keys[0]?.key ?? "")).toBeUndefined();
    expect(db.loginFailures(keys[1]?.key ?? "")?.failures).toBe(6);
    db.close();
  });

  it("does not count attempts still being checked as failures in the re-check, and lets the next in line wait for them", async () => {
    const db = database();
    const keys = lockoutKeys("busy@example.com", "198.51.100.11", rule);
    // Five right passwords being checked at once hold the count at 5: a sixth waits for them...
    const checks = await Promise.all(Array.from({ length: 5 }, () => enter(db, keys, () => 20_000, rule)));
    let sixth: unknown;
    const waiting = enter(db, keys, () => 20_000, rule).then((admission) => {
      sixth = admission;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(sixth).toBeUndefined();
    // ...and each success settles (no failure ended meanwhile), letting the sixth in.
    for (const check of checks)
      expect(settle(db, check as NonNullable<typeof check>, 20_000, rule)).toBe(true);
    await waiting;
    expect(sixth).toBeDefined();
    expect(settle(db, sixth as NonNullable<(typeof checks)[number]>, 20_000, rule)).toBe(true);
    // Four right passwords and one wrong at once, the wrong one ending first: the right ones' re-checks
    // count that one failure, not the checks still running, and all four go ahead.
    const other = lockoutKeys("busy@example.com", "198.51.100.12", rule);
    const rights = await Promise.all(Array.from({ length: 4 }, () => enter(db, other, () => 30_000, rule)));
    expect(await guess(db, other, 30_000)).toBe(true);
    for (const check of rights)
      expect(settle(db, check as NonNullable<typeof check>, 30_001, rule)).toBe(true);
    db.close();
  });

  it("waits 1 s after the 5th failure, doubling, at most 15 minutes; a success of the same address clears it", async () => {
    expect([4, 5, 6, 7, 15, 40].map((failures) => waitAfter(failures, 5))).toEqual([
      0, 1_000, 2_000, 4_000, 900_000, 900_000,
    ]);
    const db = database();
    await signUp(db, "wait@example.com", "the right password");
    const from = (clientAddress: string, now: number, password = "wrong password") =>
      logIn(db, "wait@example.com", password, { clientAddress, now }).then((r) => (r.ok ? "ok" : r.code));
    for (let n = 0; n < 5; n++) expect(await from("198.51.100.9", 0)).toBe("invalid_credentials");
    expect(await from("198.51.100.9", 999, "the right password")).toBe("too_many_attempts");
    expect(await from("198.51.100.10", 999, "the right password")).toBe("ok");
    expect(await from("198.51.100.9", 1_000, "the right password")).toBe("ok");
    db.close();
  });

  it("keys a client by its address: IPv4-mapped IPv6 as IPv4, IPv6 by its /64", () => {
    const client = (address: string) => lockoutKeys(undefined, address)[0]?.key;
    expect(client("::ffff:127.0.0.1")).toBe("client 127.0.0.1");
    expect(client("2001:db8:1:2:aaaa::1")).toBe("client 2001:db8:1:2::/64");
    expect(client("2001:db8:1:2::ffff")).toBe(client("2001:0db8:0001:0002:1:2:3:4"));
    expect(client("::1")).toBe("client 0:0:0:0::/64");
    expect(lockoutKeys("A@Example.com ", "10.0.0.1").map((k) => k.key)).toEqual([
      "account a@example.com client 10.0.0.1",
      "client 10.0.0.1",
    ]);
  });
});
