/**
 * Every documented request of the recommended workflows (app/app.ts, run by the interpreter) over real
 * HTTP, with Bubble's answers: `200 {"status":"success","response":{...}}`, a refusal one with only
 * error_code and error_message. The workflows run the built actions/; the server's clock is moved forward
 * instead of waiting for an expiry or a window; the request log and records say what Bubble would bill.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionsDirOf } from "../../src/emulator/runtime.js";
import { claimsOf, DEMO, headerOf, type Pair, startTestServer, type TestServer } from "./support.js";

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** The response of a refusal: exactly error_code and error_message, in the 200 success envelope. */
function expectRefusal(answer: { status: number; json: unknown }, code: string): void {
  expect(answer.status).toBe(200);
  expect(answer.json).toEqual({
    status: "success",
    response: { error_code: code, error_message: expect.stringMatching(/^[A-Z].*\.$/) },
  });
}

/** The costs the last log line reports (plugin actions, searches, writes). */
function lastCosts(server: TestServer): string {
  return / (actions=\d+ searches=\d+ writes=\d+) wu=\d/.exec(server.logs.at(-1) ?? "")?.[1] ?? "none";
}

/** The session workflows' parameters for a pair: its session_id with one of its tokens. */
const refreshOf = (pair: Pair) => ({ refresh_token: pair.refresh_token, session_id: pair.session_id });
const accessOf = (pair: Pair) => ({ token: pair.token, session_id: pair.session_id });

describe("the session workflows", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("signup → login → protected-action → refresh-token → protected-action, each at most 1 plugin action, 1 search, 1 write", async () => {
    const credentials = { email: "ada@example.com", password: "correct horse battery" };
    const signup = await server.post("signup", credentials);
    expect(signup.status).toBe(200);
    expect(Object.keys(signup.json.response)).toEqual(["user_id"]);
    expect(lastCosts(server)).toBe("actions=0 searches=0 writes=1");
    const userId = signup.json.response.user_id;

    const login = await server.post("login", credentials);
    expect(login.status).toBe(200);
    expect(lastCosts(server)).toBe("actions=1 searches=0 writes=1");
    const pair = login.json.response;
    expect(Object.keys(pair).sort()).toEqual(
      ["expires_at", "refresh_expires_at", "refresh_token", "session_id", "token", "user_id"].sort(),
    );
    expect(pair.user_id).toBe(userId);
    expect(headerOf(pair.token).typ).toBe("at+jwt");
    expect(headerOf(pair.refresh_token).typ).toBe("refresh+jwt");
    const access = claimsOf(pair.token);
    expect(access).toMatchObject({
      sub: userId,
      sid: pair.session_id,
      iss: "local-bubble-app",
      aud: "mobile-app",
    });
    expect(pair.expires_at).toBe((access.exp as number) * 1000);
    expect((access.exp as number) - (access.iat as number)).toBe(900);
    expect(pair.refresh_expires_at).toBe((claimsOf(pair.refresh_token).exp as number) * 1000);

    const work = await server.post("protected-action", { ...accessOf(pair), note: "hello", count: 3 });
    expect(work.json).toEqual({
      status: "success",
      response: { user_id: userId, email: credentials.email, parameters: { note: "hello", count: 3 } },
    });
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=0");

    const refresh = await server.post("refresh-token", refreshOf(pair));
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=1");
    const renewed = refresh.json.response;
    expect(Object.keys(renewed).sort()).toEqual(Object.keys(pair).sort());
    expect(renewed.session_id).toBe(pair.session_id);
    expect(renewed.user_id).toBe(userId);
    expect(renewed.refresh_token).not.toBe(pair.refresh_token);
    expect(claimsOf(renewed.refresh_token).auth_time).toBe(access.auth_time);

    const again = await server.post("protected-action", accessOf(renewed));
    expect(again.json.response.user_id).toBe(userId);
  });

  it("a retry within the window answers a pair whose refresh token works next, without a write", async () => {
    const pair = await server.login();
    const first = await server.post("refresh-token", refreshOf(pair));
    server.advance(29_000);
    const retry = await server.post("refresh-token", refreshOf(pair));
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=0");
    expect(claimsOf(retry.json.response.refresh_token).jti).toBe(
      claimsOf(first.json.response.refresh_token).jti,
    );
    const next = await server.post("refresh-token", refreshOf(retry.json.response));
    expect(next.json.response.refresh_token).toMatch(JWT_SHAPE);
  });

  it("reuse after the window revokes the session: the thief's and the user's tokens all fail at once", async () => {
    const pair = await server.login();
    const rotated = (await server.post("refresh-token", refreshOf(pair))).json.response;
    server.advance(31_000);
    expectRefusal(await server.post("refresh-token", refreshOf(pair)), "refresh_token_reused");
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=1");
    expectRefusal(await server.post("refresh-token", refreshOf(rotated)), "revoked");
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=0");
    expectRefusal(await server.post("protected-action", accessOf(rotated)), "revoked");
  });

  it("logout with the refresh token ends the session: refresh and protected-action refuse it at once", async () => {
    const pair = await server.login();
    const out = await server.post("logout", refreshOf(pair));
    expect(out.json).toEqual({ status: "success", response: { session_id: pair.session_id } });
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=1");
    expectRefusal(await server.post("refresh-token", refreshOf(pair)), "revoked");
    expectRefusal(await server.post("protected-action", accessOf(pair)), "revoked");
    expectRefusal(await server.post("logout", refreshOf(pair)), "revoked");
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=0");
  });

  it("logout with only the access token ends the session too; with no token it is missing_token", async () => {
    const pair = await server.login();
    const out = await server.post("logout", accessOf(pair));
    expect(out.json.response).toEqual({ session_id: pair.session_id });
    expectRefusal(await server.post("refresh-token", refreshOf(pair)), "revoked");
    const other = await server.login();
    expectRefusal(await server.post("logout", { session_id: other.session_id }), "missing_token");
    expect((await server.post("refresh-token", refreshOf(other))).json.response.token).toMatch(JWT_SHAPE);
  });

  it("logout-everywhere ends every session of the user in one write, and a later login works", async () => {
    const credentials = { email: "grace@example.com", password: "another good password" };
    await server.post("signup", credentials);
    const phone = await server.login(credentials);
    const laptop = await server.login(credentials);
    const everywhere = await server.post("logout-everywhere", accessOf(phone));
    expect(everywhere.json).toEqual({ status: "success", response: { user_id: phone.user_id } });
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=1");
    for (const session of [phone, laptop]) {
      expectRefusal(await server.post("refresh-token", refreshOf(session)), "revoked");
      expectRefusal(await server.post("protected-action", accessOf(session)), "revoked");
    }
    server.advance(1_000);
    const again = await server.login(credentials);
    expect((await server.post("refresh-token", refreshOf(again))).json.response.token).toMatch(JWT_SHAPE);
  });

  it("refuses another user's session_id without revoking that session, and without selecting it", async () => {
    const credentials = { email: "mallory@example.com", password: "mallory's password" };
    await server.post("signup", credentials);
    const mallory = await server.login(credentials);
    const victim = await server.login();
    const crossed = { session_id: victim.session_id };
    expectRefusal(
      await server.post("refresh-token", { ...crossed, refresh_token: mallory.refresh_token }),
      "revoked",
    );
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=0");
    expectRefusal(await server.post("protected-action", { ...crossed, token: mallory.token }), "revoked");
    expectRefusal(
      await server.post("logout", { ...crossed, refresh_token: mallory.refresh_token }),
      "revoked",
    );
    expectRefusal(await server.post("logout-everywhere", { ...crossed, token: mallory.token }), "revoked");
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=0");
    // The victim's session is untouched: it works and rotates as before.
    expect((await server.post("protected-action", accessOf(victim))).json.response.user_id).toBe(
      victim.user_id,
    );
    expect((await server.post("refresh-token", refreshOf(victim))).json.response.token).toMatch(JWT_SHAPE);
  });

  it("refuses each token where the other belongs, a one-token token in a session workflow, and a forged session", async () => {
    const pair = await server.login();
    expectRefusal(
      await server.post("refresh-token", { ...refreshOf(pair), refresh_token: pair.token }),
      "wrong_token_type",
    );
    expectRefusal(
      await server.post("protected-action", { ...accessOf(pair), token: pair.refresh_token }),
      "wrong_token_type",
    );
    const oneToken = (await server.post("token-login", DEMO)).json.response.token;
    expectRefusal(
      await server.post("protected-action", { ...accessOf(pair), token: oneToken }),
      "wrong_token_type",
    );
    const forged = await server.craft({ sid: "no-such-session" }, server.secret(), "at+jwt");
    expectRefusal(
      await server.post("protected-action", { token: forged, session_id: "no-such-session" }),
      "revoked",
    );
    // An empty search (no such session) hands the plugin empty values: refused, never a row.
    expectRefusal(
      await server.post("protected-action", { token: pair.token, session_id: "nothing-like-it" }),
      "revoked",
    );
  });

  it("answers expired once the access token's 15 minutes have passed, and refresh-token renews it", async () => {
    const pair = await server.login();
    server.advance(901_000);
    expectRefusal(await server.post("protected-action", accessOf(pair)), "expired");
    const renewed = (await server.post("refresh-token", refreshOf(pair))).json.response;
    expect((await server.post("protected-action", accessOf(renewed))).json.response.user_id).toBe(
      pair.user_id,
    );
  });

  it("signup refuses a taken email, a weak password and an invalid email", async () => {
    expectRefusal(
      await server.post("signup", { email: " Demo@Example.com", password: "long enough pw" }),
      "email_taken",
    );
    expectRefusal(
      await server.post("signup", { email: "new@example.com", password: "short" }),
      "weak_password",
    );
    expectRefusal(
      await server.post("signup", { email: "not an email", password: "long enough pw" }),
      "invalid_email",
    );
    expect(lastCosts(server)).toBe("actions=0 searches=0 writes=0");
  });

  it("answers the same invalid_credentials for a wrong password and an unknown email, whatever the email's case", async () => {
    for (const body of [
      { email: DEMO.email, password: "not-it" },
      { email: "nobody@example.com", password: DEMO.password },
      { email: DEMO.email, password: DEMO.password.toUpperCase() },
    ]) {
      expectRefusal(await server.post("login", body), "invalid_credentials");
    }
    const login = await server.post("login", { email: "  Demo@Example.COM ", password: DEMO.password });
    expect(login.json.response.token).toMatch(JWT_SHAPE);
  });

  it("locks an email after 5 failed logins, known or not, even for the right password, until 15 minutes pass", async () => {
    const credentials = { email: "lock@example.com", password: "the right password" };
    await server.post("signup", credentials);
    for (let i = 0; i < 4; i++)
      expectRefusal(await server.post("login", { ...credentials, password: "wrong" }), "invalid_credentials");
    expectRefusal(await server.post("login", { ...credentials, password: "wrong" }), "too_many_attempts");
    expectRefusal(await server.post("login", credentials), "too_many_attempts");
    for (let i = 0; i < 5; i++) await server.post("login", { email: "ghost@example.com", password: "x" });
    expectRefusal(
      await server.post("login", { email: "ghost@example.com", password: "x" }),
      "too_many_attempts",
    );
    for (let i = 0; i < 6; i++)
      expectRefusal(
        await server.post("login", { email: `${"x".repeat(300)}@example.com`, password: "x" }),
        "invalid_credentials",
      );
    expect((await server.login()).token).toMatch(JWT_SHAPE);
    server.advance(15 * 60_000 + 1_000);
    expect((await server.login(credentials)).token).toMatch(JWT_SHAPE);
  });

  it("the plugin's refusals reach the client as error_code and error_message", async () => {
    const pair = await server.login();
    expectRefusal(
      await server.post("protected-action", { ...accessOf(pair), token: "not.a.token" }),
      "malformed",
    );
    expectRefusal(
      await server.post("protected-action", { ...accessOf(pair), token: "a".repeat(16_385) }),
      "token_too_large",
    );
    const other = await server.craft(
      { sid: pair.session_id },
      "a-different-secret-the-server-never-saw-0123456789",
      "at+jwt",
    );
    expectRefusal(
      await server.post("protected-action", { ...accessOf(pair), token: other }),
      "invalid_signature",
    );
  });

  it("development (/version-test/) has its own keys and users: tokens of one version fail in the other", async () => {
    expect(server.secret("version-test")).not.toBe(server.secret("live"));
    const dev = (await server.post("/version-test/api/1.1/wf/login", DEMO)).json.response;
    expect(claimsOf(dev.token).iss).toBe("local-bubble-app/version-test");
    const work = await server.post("/version-test/api/1.1/wf/protected-action/", accessOf(dev));
    expect(work.json.response.user_id).toBe(dev.user_id);
    const live = await server.login();
    expect(live.user_id).not.toBe(dev.user_id);
    expectRefusal(
      await server.post("protected-action", { ...accessOf(live), token: dev.token }),
      "invalid_signature",
    );
    expectRefusal(
      await server.post("/version-test/api/1.1/wf/refresh-token", {
        ...refreshOf(dev),
        refresh_token: live.refresh_token,
      }),
      "invalid_signature",
    );
    await server.post("/version-test/api/1.1/wf/signup", {
      email: "dev-only@example.com",
      password: "dev password 1",
    });
    expectRefusal(
      await server.post("login", { email: "dev-only@example.com", password: "dev password 1" }),
      "invalid_credentials",
    );
  });

  it("accepts form-encoded bodies, as curl -d sends them", async () => {
    const form = { "Content-Type": "application/x-www-form-urlencoded" };
    const login = await server.post("login", new URLSearchParams(DEMO).toString(), form);
    const { token, refresh_token, session_id } = login.json.response;
    const work = await server.post(
      "protected-action",
      new URLSearchParams({ token, session_id, a: "1 2" }).toString(),
      form,
    );
    expect(work.json.response.parameters).toEqual({ a: "1 2" });
    const refresh = await server.post(
      "refresh-token",
      new URLSearchParams({ refresh_token, session_id }).toString(),
      form,
    );
    expect(refresh.json.response.token).toMatch(JWT_SHAPE);
  });

  it("keeps a record of each request: every step with its status and Only-when note, the cost in WU, ids only", async () => {
    const pair = await server.login();
    const before = server.records.length;
    await server.post("refresh-token", refreshOf(pair));
    await server.post("protected-action", { ...accessOf(pair), token: "junk" });
    const [rotation, refused] = server.records.slice(before);
    expect(rotation).toMatchObject({
      version: "live",
      workflow: "refresh-token",
      httpStatus: 200,
      outcome: "ok",
      userId: pair.user_id,
      sessionId: pair.session_id,
      cost: { actions: 1, searches: 1, writes: 1 },
    });
    expect(rotation?.steps).toEqual([
      { index: "1", label: "Trigger find-session", status: "ran" },
      { index: "1.1", label: "Return data", status: "ran" },
      { index: "2", label: "JWT - Session", status: "ran" },
      { index: "3", label: "Make changes to Result of step 1's session", status: "ran" },
      {
        index: "4",
        label: "Make changes to Result of step 1's session",
        status: "skipped",
        note: "Only when Result of step 2's revoke is yes: no",
      },
      { index: "5", label: "Return data from API", status: "ran" },
    ]);
    // Bubble's table: the API call, 5 actions run, 1 plugin call (plus its milliseconds), 1 search and
    // the Session and User it read, 1 write.
    expect(rotation?.cost.wu).toBeGreaterThanOrEqual(0.01 + 5 * 0.6 + 0.2 + 0.3 + 2 * 0.015 + 0.5);
    expect(rotation?.cost.wu).toBeLessThan(4.2);
    expect(refused?.outcome).toBe("malformed");
    expect(refused?.steps.map((step) => `${step.index} ${step.status}`)).toEqual([
      "1 ran",
      "1.1 ran",
      "2 ran",
      "3 ran",
      "4 terminated",
    ]);
    expect(JSON.stringify(server.records)).not.toContain(pair.refresh_token.split(".")[2] as string);
  });

  it("never logs a token, a password or a secret, and logs one line per request", async () => {
    const before = server.logs.length;
    const pair = await server.login();
    await server.post("protected-action", { ...accessOf(pair), note: "private note" });
    await server.post("protected-action", {}, { Authorization: `Bearer ${pair.token}` });
    const renewed = (await server.post("refresh-token", refreshOf(pair))).json.response;
    await server.post("login", { email: DEMO.email, password: "wrong-password-42" });
    await server.post("signup", { email: "logged@example.com", password: "signup-password-99" });
    await server.post("protected-action?token=abc", { ...accessOf(pair), token: `${renewed.token}x` });
    await server.post(`/api/1.1/wf/${pair.token}`, {});
    expect(server.logs.length - before).toBe(8);
    const all = server.logs.join("\n");
    for (const secret of [
      pair.token,
      pair.refresh_token,
      renewed.token,
      renewed.refresh_token,
      DEMO.password,
      "wrong-password-42",
      "signup-password-99",
      server.secret("live"),
      server.secret("version-test"),
      "private note",
    ]) {
      expect(all).not.toContain(secret);
    }
    for (const token of [pair.token, pair.refresh_token, renewed.token])
      expect(all).not.toContain(token.split(".")[2] as string);
    expect(server.logs.at(-1)).toMatch(
      /^\S+ POST \(other path\) 404 \d+ms NOT_FOUND actions=0 searches=0 writes=0 wu=0$/,
    );
    expect(server.logs[before]).toMatch(
      /^\S+Z POST \/api\/1\.1\/wf\/login 200 \d+ms ok actions=1 searches=0 writes=1 wu=[\d.]+ steps: 1 Log the user in ran; 2 JWT - Generate token ran; 3 Create a new Session ran; 4 Return data from API ran \| JWT generate: \{"outcome":"ok","sub":"\d+x\d+","jti":"[\w-]+"\}$/,
    );
  });
});

describe("the one-token flow (token-login, token-refresh, token-protected-action)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ settings: { tokenTtlSeconds: 60, refreshGraceSeconds: 300 } });
  });
  afterAll(() => server.stop());

  it("logs in, works, refreshes within the grace period (revoking the old token) and refuses the old one", async () => {
    const login = await server.post("token-login", DEMO);
    expect(Object.keys(login.json.response).sort()).toEqual(["expires_at", "token"]);
    const { token, expires_at } = login.json.response;
    const userId = claimsOf(token).sub;
    expect(headerOf(token).typ).toBe("JWT");
    expect(expires_at).toBe((claimsOf(token).exp as number) * 1000);
    const work = await server.post("token-protected-action", { token, note: "x" });
    expect(work.json.response).toEqual({ user_id: userId, email: DEMO.email, parameters: { note: "x" } });
    expect(lastCosts(server)).toBe("actions=1 searches=2 writes=0");

    server.advance(61_000);
    expectRefusal(await server.post("token-protected-action", { token }), "expired");
    const refresh = await server.post("token-refresh", { token });
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=1");
    const renewed = refresh.json.response.token;
    expect(claimsOf(renewed).auth_time).toBe(claimsOf(token).auth_time);
    expectRefusal(await server.post("token-refresh", { token }), "revoked");
    expect((await server.post("token-protected-action", { token: renewed })).json.response.user_id).toBe(
      userId,
    );
  });

  it("keeps the old token revoked until its own exp plus the grace period, past the new token's expiry", async () => {
    const { token } = (await server.post("token-login", DEMO)).json.response;
    server.advance(70_000);
    const renewed = (await server.post("token-refresh", { token })).json.response;
    // The new token has expired too (60 s), the old one is still inside its 300 s grace: still revoked.
    server.advance(70_000);
    expect(server.now()).toBeGreaterThan(renewed.expires_at);
    expectRefusal(await server.post("token-refresh", { token }), "revoked");
  });

  it("after simultaneous refreshes of one token (no transaction, as in Bubble), the old token is refused", async () => {
    const { token } = (await server.post("token-login", DEMO)).json.response;
    const answers = await Promise.all([1, 2, 3].map(() => server.post("token-refresh", { token })));
    for (const answer of answers) {
      const response = answer.json.response;
      if (response.error_code === undefined) expect(response.token).toMatch(JWT_SHAPE);
      else expect(response.error_code).toBe("revoked");
    }
    expectRefusal(await server.post("token-refresh", { token }), "revoked");
  });

  it("refuses a session refresh token at token-refresh, so it never renews outside the session decision", async () => {
    const pair = await server.login();
    expectRefusal(await server.post("token-refresh", { token: pair.refresh_token }), "wrong_token_type");
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=0");
    const access = await server.post("token-refresh", { token: pair.token });
    expect(access.json.response.error_code).toEqual(expect.any(String));
    expect(access.json.response.token).toBeUndefined();
  });

  it("answers user_not_found for a valid token whose user does not exist", async () => {
    const gone = await server.craft({ sub: "1700000000000x999999999999999999" });
    expectRefusal(await server.post("token-protected-action", { token: gone }), "user_not_found");
  });
});

describe("an action that stops the workflow by throwing", () => {
  let server: TestServer;
  let actionsDir: string;
  beforeAll(async () => {
    // The built actions, with Session replaced by one that throws as the plugin does on a broken key.
    actionsDir = mkdtempSync(path.join(tmpdir(), "jwt-actions-"));
    cpSync(actionsDirOf(process.cwd()), actionsDir, { recursive: true });
    for (const id of readdirSync(actionsDir)) {
      const params = JSON.parse(readFileSync(path.join(actionsDir, id, "params.json"), "utf8"));
      if (params.display === "JWT - Session")
        writeFileSync(
          path.join(actionsDir, id, "server.js"),
          'async function(properties, context) { throw new Error("The JWT Secret plugin key is unusable in this test."); }',
        );
    }
    server = await startTestServer({ actionsDir });
  });
  afterAll(async () => {
    await server.stop();
    rmSync(actionsDir, { recursive: true, force: true });
  });

  it("answers 500 SERVER_ERROR without the reason, logs the plugin's message and the failed step, and keeps serving", async () => {
    const pair = await server.login();
    for (let i = 0; i < 2; i++) {
      const answer = await server.post("refresh-token", refreshOf(pair));
      expect(answer.status).toBe(500);
      expect(answer.json).toEqual({
        statusCode: 500,
        body: {
          status: "SERVER_ERROR",
          message: "The workflow stopped on a server error; the backend's log says why.",
        },
      });
    }
    expect(server.logs.at(-1)).toMatch(
      / 500 \d+ms server_error actions=1 searches=1 writes=0 wu=[\d.]+ steps: 1 Trigger find-session ran; 1\.1 Return data ran; 2 JWT - Session failed \(The JWT Secret plugin key is unusable in this test\.\) \| The JWT Secret plugin key is unusable in this test\.$/,
    );
    expect(server.records.at(-1)?.steps.at(-1)).toMatchObject({ index: "2", status: "failed" });
    expect((await server.post("token-login", DEMO)).json.response.token).toMatch(JWT_SHAPE);
  });
});
