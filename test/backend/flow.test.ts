/**
 * The seed's flow over real HTTP: a client logs in, calls a protected workflow, refreshes its token and
 * is refused whenever its token should not be accepted. The workflows run the built actions/.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer, waitUntilPast } from "./support.js";

const DEMO = { email: "demo@example.com", password: "demo-password" };
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString("utf8"));
}

describe("the local backend's workflows", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("login → protected-action → refresh-token → protected-action, with the answers the seed describes", async () => {
    const login = await server.post("login", DEMO);
    expect(login.status).toBe(200);
    expect(login.json.status).toBe("success");
    const { token, expires_at, user_id } = login.json.response;
    expect(token).toMatch(JWT_SHAPE);
    expect(user_id).toBe(server.demoUserId());
    expect(Object.keys(login.json.response).sort()).toEqual(["expires_at", "token", "user_id"]);
    const claims = claimsOf(token);
    expect(claims).toMatchObject({
      sub: user_id,
      email: DEMO.email,
      iss: "local-bubble-app",
      aud: "mobile-app",
    });
    expect(Date.parse(expires_at) / 1000).toBe(claims.exp);
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);

    const work = await server.post("protected-action", { token, note: "hello", count: 3 });
    expect(work.status).toBe(200);
    expect(work.json).toEqual({
      status: "success",
      response: { user_id, email: DEMO.email, parameters: { note: "hello", count: 3 } },
    });

    const refresh = await server.post("refresh-token", { token });
    expect(refresh.status).toBe(200);
    const renewed = refresh.json.response.token;
    expect(renewed).toMatch(JWT_SHAPE);
    expect(renewed).not.toBe(token);
    expect(refresh.json.response.user_id).toBe(user_id);
    expect(claimsOf(renewed).jti).not.toBe(claims.jti);
    expect(claimsOf(renewed).auth_time).toBe(claims.auth_time);

    const again = await server.post("protected-action", { token: renewed });
    expect(again.status).toBe(200);
    expect(again.json.response.user_id).toBe(user_id);
  });

  it("refuses the token a refresh replaced, for protected-action and for another refresh (revoked)", async () => {
    const { token } = (await server.post("login", DEMO)).json.response;
    expect((await server.post("refresh-token", { token })).status).toBe(200);
    for (const workflow of ["protected-action", "refresh-token"]) {
      const answer = await server.post(workflow, { token });
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({
        status: "error",
        error_code: "revoked",
        message: "The token has been revoked.",
      });
    }
  });

  it("of two simultaneous refreshes of one token, exactly one succeeds", async () => {
    const { token } = (await server.post("login", DEMO)).json.response;
    const answers = await Promise.all([1, 2, 3].map(() => server.post("refresh-token", { token })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401, 401]);
    expect(answers.filter((answer) => answer.status === 401).map((a) => a.json.error_code)).toEqual([
      "revoked",
      "revoked",
    ]);
  });

  it("answers the same 401 invalid_credentials for a wrong password and an unknown email", async () => {
    const wrongPassword = await server.post("login", { email: DEMO.email, password: "not-it" });
    const unknownEmail = await server.post("login", { email: "nobody@example.com", password: DEMO.password });
    const wrongCase = await server.post("login", {
      email: DEMO.email,
      password: DEMO.password.toUpperCase(),
    });
    for (const answer of [wrongPassword, unknownEmail, wrongCase]) {
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({
        status: "error",
        error_code: "invalid_credentials",
        message: "The email or password is not correct.",
      });
    }
  });

  it("finds the user whatever the email's case and surrounding spaces", async () => {
    const login = await server.post("login", { email: "  Demo@Example.COM ", password: DEMO.password });
    expect(login.status).toBe(200);
  });

  it("serves the same workflows under /version-test/", async () => {
    const login = await server.post("/version-test/api/1.1/wf/login", DEMO);
    expect(login.status).toBe(200);
    const { token } = login.json.response;
    const work = await server.post("/version-test/api/1.1/wf/protected-action/", { token });
    expect(work.status).toBe(200);
    const refresh = await server.post("/version-test/api/1.1/wf/refresh-token", { token });
    expect(refresh.status).toBe(200);
  });

  it("takes the token from Authorization: Bearer, in any case of the scheme", async () => {
    const { token } = (await server.post("login", DEMO)).json.response;
    for (const scheme of ["Bearer", "bearer", "BEARER"]) {
      const work = await server.post(
        "protected-action",
        { note: "x" },
        { Authorization: `${scheme} ${token}` },
      );
      expect(work.status, scheme).toBe(200);
      expect(work.json.response.parameters).toEqual({ note: "x" });
    }
    const refresh = await server.post("refresh-token", {}, { Authorization: `Bearer ${token}` });
    expect(refresh.status).toBe(200);
  });

  it("prefers the token parameter over the Authorization header", async () => {
    const { token } = (await server.post("login", DEMO)).json.response;
    const bad = await server.post(
      "protected-action",
      { token: `${token}x` },
      { Authorization: `Bearer ${token}` },
    );
    expect(bad.status).toBe(401);
    expect(bad.json.error_code).toBe("invalid_signature");
  });

  it("accepts form-encoded bodies, as curl -d sends them", async () => {
    const form = { "Content-Type": "application/x-www-form-urlencoded" };
    const body = new URLSearchParams(DEMO).toString();
    const login = await server.post("login", body, form);
    expect(login.status).toBe(200);
    const { token } = login.json.response;
    const work = await server.post(
      "protected-action",
      new URLSearchParams({ token, a: "1 2" }).toString(),
      form,
    );
    expect(work.json.response.parameters).toEqual({ a: "1 2" });
    const refresh = await server.post("refresh-token", `token=${token}`, form);
    expect(refresh.status).toBe(200);
  });

  describe("refuses tokens it should not accept, with 401 and the plugin's error code", () => {
    const refusals: [string, (s: TestServer) => Record<string, unknown>, Record<string, string>, string][] = [
      ["no token at all", () => ({}), {}, "missing_token"],
      ["an empty token", () => ({ token: "" }), {}, "missing_token"],
      ["a bare Bearer header", () => ({}), { Authorization: "Bearer " }, "missing_token"],
      ["a Basic header", () => ({}), { Authorization: "Basic ZGVtbzpkZW1v" }, "missing_token"],
      ["garbage", () => ({ token: "not.a.token" }), {}, "malformed"],
      ["a token over 16,384 characters", () => ({ token: "a".repeat(16_385) }), {}, "token_too_large"],
      [
        "a token signed with another secret",
        (s) => ({ token: s.craft({}, "a-different-secret-the-server-never-saw-0123456789") }),
        {},
        "invalid_signature",
      ],
      ["a token whose claims were edited", (s) => ({ token: tamper(s.craft()) }), {}, "invalid_signature"],
      ["alg none", (s) => ({ token: unsigned(s.craft()) }), {}, "algorithm_not_allowed"],
      ["another issuer", (s) => ({ token: s.craft({ iss: "someone-else" }) }), {}, "issuer_mismatch"],
      ["another audience", (s) => ({ token: s.craft({ aud: "web" }) }), {}, "audience_mismatch"],
      ["a token with no exp", (s) => ({ token: s.craft({ exp: undefined }) }), {}, "missing_claim"],
      [
        "a token from the future",
        (s) => ({ token: s.craft({ nbf: Math.floor(Date.now() / 1000) + 600 }) }),
        {},
        "not_yet_valid",
      ],
      [
        "an expired token",
        (s) => ({ token: s.craft({ exp: Math.floor(Date.now() / 1000) - 30 }) }),
        {},
        "expired",
      ],
    ];
    for (const [name, body, headers, code] of refusals) {
      it(`protected-action: ${name} → ${code}`, async () => {
        const answer = await server.post("protected-action", body(server), headers);
        expect(answer.status).toBe(401);
        expect(answer.json.status).toBe("error");
        expect(answer.json.error_code).toBe(code);
        expect(answer.json.message).toMatch(/^[A-Z].*\.$/);
      });
    }

    it("protected-action and refresh-token: a valid token of a user who no longer exists → user_not_found", async () => {
      const token = server.craft({ sub: "1700000000000x999999999999999999" });
      for (const workflow of ["protected-action", "refresh-token"]) {
        const answer = await server.post(workflow, { token });
        expect(answer.status).toBe(401);
        expect(answer.json.error_code).toBe("user_not_found");
      }
    });

    it("refresh-token: a tampered token → invalid_signature, no token → missing_token", async () => {
      const tampered = await server.post("refresh-token", { token: tamper(server.craft()) });
      expect(tampered.status).toBe(401);
      expect(tampered.json).toMatchObject({ status: "error", error_code: "invalid_signature" });
      const missing = await server.post("refresh-token", {});
      expect(missing.status).toBe(401);
      expect(missing.json.error_code).toBe("missing_token");
    });

    it("refresh-token: a token expired longer ago than the grace period → expired", async () => {
      const answer = await server.post("refresh-token", {
        token: server.craft({ exp: Math.floor(Date.now() / 1000) - server.refreshGraceSeconds - 5 }),
      });
      expect(answer.status).toBe(401);
      expect(answer.json.error_code).toBe("expired");
    });

    it("refresh-token: a token expired within the grace period is renewed", async () => {
      const answer = await server.post("refresh-token", {
        token: server.craft({ exp: Math.floor(Date.now() / 1000) - 60 }),
      });
      expect(answer.status).toBe(200);
      expect(answer.json.response.token).toMatch(JWT_SHAPE);
    });
  });

  it("never logs a token, a password or the secret, and logs one line per request", async () => {
    const before = server.logs.length;
    const login = await server.post("login", DEMO);
    const { token } = login.json.response;
    await server.post("protected-action", { token, note: "private note" });
    await server.post("protected-action", {}, { Authorization: `Bearer ${token}` });
    const renewed = (await server.post("refresh-token", { token })).json.response.token;
    await server.post("login", { email: DEMO.email, password: "wrong-password-42" });
    await server.post("protected-action?token=abc", { token: tamper(renewed) });
    await server.post(`/api/1.1/wf/${token}`, {});
    expect(server.logs.length - before).toBe(7);
    const all = server.logs.join("\n");
    for (const secret of [
      token,
      renewed,
      DEMO.password,
      "wrong-password-42",
      server.secret(),
      "private note",
    ]) {
      expect(all).not.toContain(secret);
    }
    for (const signature of [token, renewed].map((t) => t.split(".")[2] as string))
      expect(all).not.toContain(signature);
    expect(server.logs.at(-1)).toMatch(/^\S+ POST \(other path\) 404 \d+ms not_found$/);
    expect(server.logs[before]).toMatch(
      /^\S+Z POST \/api\/1\.1\/wf\/login 200 \d+ms ok \| JWT generate: \{"outcome":"ok","sub":"\d+x\d+","jti":"[\w-]+"\}$/,
    );
  });
});

describe("token lifetime and grace (TOKEN_TTL_SECONDS)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ tokenTtlSeconds: 1, refreshGraceSeconds: 60 });
  });
  afterAll(() => server.stop());

  it("a 1-second token is refused as expired once it has expired, and refreshed within the grace period", async () => {
    const login = await server.post("login", DEMO);
    const { token, expires_at } = login.json.response;
    const claims = claimsOf(token);
    expect((claims.exp as number) - (claims.iat as number)).toBe(1);
    await waitUntilPast(expires_at);

    const work = await server.post("protected-action", { token });
    expect(work.status).toBe(401);
    expect(work.json).toEqual({ status: "error", error_code: "expired", message: "The token has expired." });

    const refresh = await server.post("refresh-token", { token });
    expect(refresh.status).toBe(200);
    const renewed = refresh.json.response.token;
    const renewedClaims = claimsOf(renewed);
    expect((renewedClaims.exp as number) - (renewedClaims.iat as number)).toBe(1);
    expect((await server.post("protected-action", { token: renewed })).status).toBe(200);
  });
});

describe("a configuration error thrown by an action", () => {
  let server: TestServer;
  beforeAll(async () => {
    // Too short for HS256: the plugin's actions throw, as they would stop a Bubble workflow.
    server = await startTestServer({ keyOverrides: { secret: "k7#Qz9!pLm2$" } });
  });
  afterAll(() => server.stop());

  it("answers 500 with a safe message, logs the plugin's message, and keeps serving", async () => {
    for (let i = 0; i < 2; i++) {
      const answer = await server.post("login", DEMO);
      expect(answer.status).toBe(500);
      expect(answer.json).toEqual({
        status: "error",
        error_code: "server_error",
        message: "The workflow stopped on a server error; the backend's log says why.",
      });
    }
    const line = server.logs.at(-1) as string;
    expect(line).toMatch(
      / 500 \d+ms server_error \| JWT plugin: The JWT Secret plugin key is too short for HS256/,
    );
    expect(line).not.toContain("k7#Qz9!pLm2$");
    const verify = await server.post("protected-action", { token: "a.b.c" });
    expect(verify.status).toBe(500);
  });
});

/** The same token with one character of its claims changed (and still valid base64url JSON). */
function tamper(token: string): string {
  const [header, payload, signature] = token.split(".") as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  claims.email = "mallory@example.com";
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
}

/** The token re-headed as alg none with no signature. */
function unsigned(token: string): string {
  const payload = token.split(".")[1] as string;
  return `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${payload}.`;
}
