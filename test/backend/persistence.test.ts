/**
 * Nothing answered is lost: the backend is stopped (SIGTERM) or killed (SIGKILL, mid-run) and started
 * again on the same LOCAL_DATA_DIR, and every user, session, rotation, logout, revoked token and
 * failed-login count it answered for is still there.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { claimsOf, DEMO, spawnBackend } from "./support.js";

const dataRoot = mkdtempSync(path.join(tmpdir(), "jwt-persist-"));
afterAll(() => rmSync(dataRoot, { recursive: true, force: true }));

describe("restart persistence", () => {
  it("keeps users, sessions, rotations, logouts, revoked tokens and lockouts across a stop and a start", async () => {
    const env = { LOCAL_DATA_DIR: path.join(dataRoot, "stop") };
    const first = await spawnBackend(env);
    const credentials = { email: "kept@example.com", password: "kept password 1" };
    expect((await first.post("signup", credentials)).response.user_id).toEqual(expect.any(String));
    const pair = (await first.post("login", credentials)).response;
    const rotated = (
      await first.post("refresh-token", { refresh_token: pair.refresh_token, session_id: pair.session_id })
    ).response;
    const ended = (await first.post("login", credentials)).response;
    await first.post("logout", { refresh_token: ended.refresh_token, session_id: ended.session_id });
    const old = (await first.post("token-login", DEMO)).response;
    const renewed = (await first.post("token-refresh", { token: old.token })).response;
    for (let i = 0; i < 5; i++) await first.post("login", { email: "locked@example.com", password: "guess" });
    first.child.kill("SIGTERM");
    expect(await first.exited).toEqual({ code: 0, signal: null });

    const second = await spawnBackend(env);
    expect(second.output()).not.toContain("(wrote");
    expect((await second.post("login", credentials)).response.token).toEqual(expect.any(String));
    const next = (
      await second.post("refresh-token", {
        refresh_token: rotated.refresh_token,
        session_id: pair.session_id,
      })
    ).response;
    expect(next.session_id).toBe(pair.session_id);
    expect(
      (
        await second.post("refresh-token", {
          refresh_token: ended.refresh_token,
          session_id: ended.session_id,
        })
      ).response.error_code,
    ).toBe("revoked");
    expect((await second.post("token-refresh", { token: old.token })).response.error_code).toBe("revoked");
    expect((await second.post("token-protected-action", { token: renewed.token })).response.user_id).toBe(
      claimsOf(old.token).sub,
    );
    expect(
      (await second.post("login", { email: "locked@example.com", password: "guess" })).response.error_code,
    ).toBe("too_many_attempts");
    second.child.kill("SIGTERM");
    await second.exited;
  }, 120_000);

  it("loses nothing it answered when killed with SIGKILL in the middle of a burst of signups and refreshes", async () => {
    const env = { LOCAL_DATA_DIR: path.join(dataRoot, "kill") };
    const first = await spawnBackend(env);
    const pair = (await first.post("login", DEMO)).response;
    const answered: { email: string; password: string }[] = [];
    let latestRefresh = pair.refresh_token as string;
    const signups = Array.from({ length: 40 }, async (_, i) => {
      const credentials = { email: `burst${i}@example.com`, password: `burst password ${i}` };
      const answer = await first.post("signup", credentials).catch(() => undefined);
      if (answer?.response?.user_id) answered.push(credentials);
    });
    const refreshes = (async () => {
      for (let i = 0; i < 40; i++) {
        const answer = await first
          .post("refresh-token", { refresh_token: latestRefresh, session_id: pair.session_id })
          .catch(() => undefined);
        if (!answer?.response?.refresh_token) return;
        latestRefresh = answer.response.refresh_token;
      }
    })();
    // Kill once some answers have arrived and others are still in flight.
    for (let i = 0; i < 400 && answered.length < 5; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    first.child.kill("SIGKILL");
    await Promise.all([...signups, refreshes]);
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(answered.length).toBeGreaterThanOrEqual(5);

    const second = await spawnBackend(env);
    for (const credentials of answered)
      expect((await second.post("login", credentials)).response.user_id, credentials.email).toEqual(
        expect.any(String),
      );
    // The last refresh token the client was answered is the one the session accepts (or a retry of it).
    const next = (
      await second.post("refresh-token", { refresh_token: latestRefresh, session_id: pair.session_id })
    ).response;
    expect(next.error_code).toBeUndefined();
    expect(next.session_id).toBe(pair.session_id);
    second.child.kill("SIGTERM");
    await second.exited;
  }, 120_000);

  it("two backends on one LOCAL_DATA_DIR: 20 simultaneous refreshes of one token, split between them, revoke nothing and leave one working successor", async () => {
    const env = { LOCAL_DATA_DIR: path.join(dataRoot, "shared") };
    const first = await spawnBackend(env);
    const second = await spawnBackend(env);
    const pair = (await first.post("login", DEMO)).response;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? first : second).post("refresh-token", {
          refresh_token: pair.refresh_token,
          session_id: pair.session_id,
        }),
      ),
    );
    for (const answer of answers) expect(answer.response.error_code).toBeUndefined();
    expect(new Set(answers.map((answer) => claimsOf(answer.response.refresh_token).jti)).size).toBe(1);
    const logged = () =>
      `${first.output()}\n${second.output()}`
        .split("\n")
        .filter((line) => /wf\/refresh-token 200 /.test(line));
    // The log lines follow the answers through the children's pipes.
    for (let i = 0; i < 200 && logged().length < 20; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logged()).toHaveLength(20);
    // No transaction around a workflow, as in Bubble: every request that found current_jti = previous_jti
    // writes the same values; the others are retries. None revokes.
    const writes = logged().filter((line) => / writes=1 /.test(line)).length;
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(logged().some((line) => /4 Make changes to Result of step 1's session ran/.test(line))).toBe(
      false,
    );
    const next = (
      await second.post("refresh-token", {
        refresh_token: answers[0]?.response.refresh_token,
        session_id: pair.session_id,
      })
    ).response;
    expect(next.session_id).toBe(pair.session_id);
    for (const backend of [first, second]) backend.child.kill("SIGTERM");
    await Promise.all([first.exited, second.exited]);
  }, 120_000);
});
