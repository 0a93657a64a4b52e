/**
 * The workflows of docs/sessions.md over real HTTP, with Bubble's answers: every answer of a workflow is
 * `200 {"status":"success","response":{...}}`, a refusal one with only error_code and error_message. The
 * workflows run the built actions/; the request log counts what Bubble would bill.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionsDirOf } from "../../src/emulator/runtime.js";
import { claimsOf, DEMO, headerOf, startTestServer, type TestServer, waitUntilPast } from "./support.js";

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** The response of a refusal: exactly error_code and error_message, in the 200 success envelope. */
function expectRefusal(answer: { status: number; json: unknown }, code: string): void {
  expect(answer.status).toBe(200);
  expect(answer.json).toEqual({
    status: "success",
    response: { error_code: code, error_message: expect.stringMatching(/^[A-Z].*\.$/) },
  });
}

/** The costs the last log line reports. */
function lastCosts(server: TestServer): string {
  return / (actions=\d+ searches=\d+ writes=\d+)/.exec(server.logs.at(-1) ?? "")?.[1] ?? "none";
}

const RETRY_WINDOW_SECONDS = 4;

describe("the session workflows", () => {
  let server: TestServer;
  beforeAll(async () => {
    // A window a loaded machine's back-to-back retry always falls inside; the reuse case waits it out.
    // The lockout's clock stands still, so its waits never run out under a test (tokens keep real time).
    const lockoutClock = Date.now();
    server = await startTestServer({
      settings: { refreshRetryWindowSeconds: RETRY_WINDOW_SECONDS },
      clock: () => lockoutClock,
    });
  });
  afterAll(() => server.stop());

  it("signup → login → protected-action → refresh-token → protected-action, each at the cost docs/sessions.md gives", async () => {
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
    expect(pair.token).toMatch(JWT_SHAPE);
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

    const work = await server.post("protected-action", { token: pair.token, note: "hello", count: 3 });
    expect(work.json).toEqual({
      status: "success",
      response: { user_id: userId, email: credentials.email, parameters: { note: "hello", count: 3 } },
    });
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=0");

    const refresh = await server.post("refresh-token", { refresh_token: pair.refresh_token });
    expect(refresh.status).toBe(200);
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=1");
    const renewed = refresh.json.response;
    expect(renewed.session_id).toBe(pair.session_id);
    expect(renewed.refresh_token).not.toBe(pair.refresh_token);
    expect(claimsOf(renewed.refresh_token).auth_time).toBe(access.auth_time);

    const strict = await server.post("protected-action-strict", { token: renewed.token });
    expect(strict.json.response.user_id).toBe(userId);
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=0");
  });

  it("a retry within the window answers a pair whose refresh token works next, without a write", async () => {
    const pair = await server.login();
    const first = await server.post("refresh-token", { refresh_token: pair.refresh_token });
    const retry = await server.post("refresh-token", { refresh_token: pair.refresh_token });
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=0");
    expect(claimsOf(retry.json.response.refresh_token).jti).toBe(
      claimsOf(first.json.response.refresh_token).jti,
    );
    const next = await server.post("refresh-token", { refresh_token: retry.json.response.refresh_token });
    expect(next.json.response.refresh_token).toMatch(JWT_SHAPE);
  });

  it("reuse after the window revokes the session: the thief's and the user's refresh tokens both fail", async () => {
    const pair = await server.login();
    const rotated = (await server.post("refresh-token", { refresh_token: pair.refresh_token })).json.response;
    await waitUntilPast(Date.now() + RETRY_WINDOW_SECONDS * 1000 + 50);
    expectRefusal(
      await server.post("refresh-token", { refresh_token: pair.refresh_token }),
      "refresh_token_reused",
    );
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=1");
    expectRefusal(await server.post("refresh-token", { refresh_token: rotated.refresh_token }), "revoked");
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=0");
    expectRefusal(await server.post("protected-action-strict", { token: rotated.token }), "revoked");
  });

  it("logout ends the session: refresh and the strict workflow refuse it at once, protected-action until expiry", async () => {
    const pair = await server.login();
    const out = await server.post("logout", { refresh_token: pair.refresh_token });
    expect(out.json).toEqual({ status: "success", response: { session_id: pair.session_id } });
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=1");
    expectRefusal(await server.post("refresh-token", { refresh_token: pair.refresh_token }), "revoked");
    expectRefusal(await server.post("protected-action-strict", { token: pair.token }), "revoked");
    expect((await server.post("protected-action", { token: pair.token })).json.response.user_id).toBe(
      pair.user_id,
    );
    expectRefusal(await server.post("logout", { refresh_token: pair.refresh_token }), "revoked");
  });

  it("logout with only the access token ends the session too", async () => {
    const pair = await server.login();
    const out = await server.post("logout", { token: pair.token });
    expect(out.json.response.session_id).toBe(pair.session_id);
    expectRefusal(await server.post("refresh-token", { refresh_token: pair.refresh_token }), "revoked");
    expectRefusal(await server.post("logout", {}), "missing_token");
  });

  it("logout-everywhere ends every session of the user in one write, and a later login works", async () => {
    const credentials = { email: "grace@example.com", password: "another good password" };
    await server.post("signup", credentials);
    const phone = await server.login(credentials);
    const laptop = await server.login(credentials);
    const everywhere = await server.post("logout-everywhere", { token: phone.token });
    expect(everywhere.json).toEqual({ status: "success", response: { user_id: phone.user_id } });
    expect(lastCosts(server)).toBe("actions=1 searches=1 writes=1");
    for (const session of [phone, laptop]) {
      expectRefusal(await server.post("refresh-token", { refresh_token: session.refresh_token }), "revoked");
      expectRefusal(await server.post("protected-action-strict", { token: session.token }), "revoked");
    }
    const again = await server.login(credentials);
    expect(
      (await server.post("refresh-token", { refresh_token: again.refresh_token })).json.response.token,
    ).toMatch(JWT_SHAPE);
  });

  it("refuses each token where the other belongs (wrong_token_type), and a forged session (revoked)", async () => {
    const pair = await server.login();
    expectRefusal(await server.post("refresh-token", { refresh_token: pair.token }), "wrong_token_type");
    expectRefusal(await server.post("protected-action", { token: pair.refresh_token }), "wrong_token_type");
    const forged = await server.craft({ sid: "no-such-session" }, server.secret(), "at+jwt");
    expectRefusal(await server.post("protected-action-strict", { token: forged }), "revoked");
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
    expect(
      (await server.post("login", { email: "  Demo@Example.COM ", password: DEMO.password })).json.response
        .token,
    ).toMatch(JWT_SHAPE);
  });

  it("makes an email wait after 5 failed logins, known or not, even for the right password", async () => {
    const credentials = { email: "lock@example.com", password: "the right password" };
    await server.post("signup", credentials);
    for (let i = 0; i < 5; i++)
      expectRefusal(await server.post("login", { ...credentials, password: "wrong" }), "invalid_credentials");
    expectRefusal(await server.post("login", { ...credentials, password: "wrong" }), "too_many_attempts");
    expectRefusal(await server.post("login", credentials), "too_many_attempts");
    for (let i = 0; i < 5; i++) await server.post("login", { email: "ghost@example.com", password: "x" });
    expectRefusal(
      await server.post("login", { email: "ghost@example.com", password: "x" }),
      "too_many_attempts",
    );
    // An email longer than any account's only counts against the client's address.
    for (let i = 0; i < 6; i++)
      expectRefusal(
        await server.post("login", { email: `${"x".repeat(300)}@example.com`, password: "x" }),
        "invalid_credentials",
      );
    // Another email is not affected.
    expect((await server.login()).token).toMatch(JWT_SHAPE);
  });

  it("the plugin's refusals reach the client as error_code and error_message", async () => {
    expectRefusal(await server.post("protected-action", { token: "not.a.token" }), "malformed");
    expectRefusal(await server.post("protected-action", { token: "a".repeat(16_385) }), "token_too_large");
    const other = await server.craft({}, "a-different-secret-the-server-never-saw-0123456789", "at+jwt");
    expectRefusal(await server.post("protected-action", { token: other }), "invalid_signature");
    const expired = await server.craft(
      { exp: Math.floor(Date.now() / 1000) - 30 },
      server.secret(),
      "at+jwt",
    );
    expectRefusal(await server.post("protected-action", { token: expired }), "expired");
    const gone = await server.craft({ sub: "1700000000000x999999999999999999" }, server.secret(), "at+jwt");
    expectRefusal(await server.post("protected-action", { token: gone }), "user_not_found");
    expectRefusal(await server.post("logout-everywhere", { token: gone }), "user_not_found");
  });

  it("development (/version-test/) has its own keys and users: tokens of one version fail in the other", async () => {
    expect(server.secret("version-test")).not.toBe(server.secret("live"));
    const dev = (await server.post("/version-test/api/1.1/wf/login", DEMO)).json.response;
    expect(claimsOf(dev.token).iss).toBe("local-bubble-app/version-test");
    const work = await server.post("/version-test/api/1.1/wf/protected-action/", { token: dev.token });
    expect(work.json.response.user_id).toBe(dev.user_id);
    const live = await server.login();
    expect(live.user_id).not.toBe(dev.user_id);
    expectRefusal(await server.post("protected-action", { token: dev.token }), "invalid_signature");
    expectRefusal(
      await server.post("/version-test/api/1.1/wf/refresh-token", { refresh_token: live.refresh_token }),
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
    const { token, refresh_token } = login.json.response;
    const work = await server.post(
      "protected-action",
      new URLSearchParams({ token, a: "1 2" }).toString(),
      form,
    );
    expect(work.json.response.parameters).toEqual({ a: "1 2" });
    const refresh = await server.post("refresh-token", `refresh_token=${refresh_token}`, form);
    expect(refresh.json.response.token).toMatch(JWT_SHAPE);
  });

  it("never logs a token, a password or a secret, and logs one line per request", async () => {
    const before = server.logs.length;
    const pair = await server.login();
    await server.post("protected-action", { token: pair.token, note: "private note" });
    await server.post("protected-action", {}, { Authorization: `Bearer ${pair.token}` });
    const renewed = (await server.post("refresh-token", { refresh_token: pair.refresh_token })).json.response;
    await server.post("login", { email: DEMO.email, password: "wrong-password-42" });
    await server.post("signup", { email: "logged@example.com", password: "signup-password-99" });
    await server.post("protected-action?token=abc", { token: `${renewed.token}x` });
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
      /^\S+ POST \(other path\) 404 \d+ms NOT_FOUND actions=0 searches=0 writes=0$/,
    );
    expect(server.logs[before]).toMatch(
      /^\S+Z POST \/api\/1\.1\/wf\/login 200 \d+ms ok actions=1 searches=0 writes=1 \| JWT generate: \{"outcome":"ok","sub":"\d+x\d+","jti":"[\w-]+"\}$/,
    );
  });
});

describe("the one-token flow (token-login, token-refresh, token-protected-action)", () => {
  let server: TestServer;
  beforeAll(async () => {
    // Long enough that a loaded machine still calls with the token before it expires; the test then waits it out.
    server = await startTestServer({ settings: { tokenTtlSeconds: 4, refreshGraceSeconds: 60 } });
  });
  afterAll(() => server.stop());

  it("logs in, works, refreshes (revoking the old token in the database) and refuses the old one", async () => {
    const login = await server.post("token-login", DEMO);
    expect(Object.keys(login.json.response).sort()).toEqual(["expires_at", "token"]);
    const userId = claimsOf(login.json.response.token).sub;
    const { token, expires_at } = login.json.response;
    expect(headerOf(token).typ).toBe("JWT");
    expect(expires_at).toBe((claimsOf(token).exp as number) * 1000);
    const work = await server.post("token-protected-action", { token, note: "x" });
    expect(work.json.response.parameters).toEqual({ note: "x" });
    expect(lastCosts(server)).toBe("actions=1 searches=2 writes=0");

    await waitUntilPast(expires_at);
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

  it("of simultaneous refreshes of one token, exactly one succeeds", async () => {
    const { token } = (await server.post("token-login", DEMO)).json.response;
    const answers = await Promise.all([1, 2, 3].map(() => server.post("token-refresh", { token })));
    const codes = answers.map((answer) => answer.json.response.error_code ?? "ok").sort();
    expect(codes).toEqual(["ok", "revoked", "revoked"]);
  });

  it("refuses a session-flow access token, which Refresh does not renew", async () => {
    const pair = await server.login();
    const answer = await server.post("token-refresh", { token: pair.token });
    expect(answer.json.response.error_code).toEqual(expect.any(String));
    expect(answer.json.response.token).toBeUndefined();
  });
});

describe("an action that stops the workflow by throwing", () => {
  let server: TestServer;
  let actionsDir: string;
  beforeAll(async () => {
    // The built actions, with Generate replaced by one that throws as the plugin does on a broken key.
    actionsDir = mkdtempSync(path.join(tmpdir(), "jwt-actions-"));
    cpSync(actionsDirOf(process.cwd()), actionsDir, { recursive: true });
    for (const id of readdirSync(actionsDir)) {
      const params = JSON.parse(readFileSync(path.join(actionsDir, id, "params.json"), "utf8"));
      if (params.display === "JWT - Generate token")
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

  it("answers 500 SERVER_ERROR without the reason, logs the plugin's message, and keeps serving", async () => {
    for (let i = 0; i < 2; i++) {
      const answer = await server.post("login", DEMO);
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
      / 500 \d+ms server_error actions=1 searches=0 writes=0 \| The JWT Secret plugin key is unusable in this test\.$/,
    );
    expectRefusal(await server.post("protected-action", { token: "a.b.c" }), "malformed");
  });
});
