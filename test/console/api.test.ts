/**
 * The console over HTTP, without a browser: what it refuses (foreign hosts, cross-site changes), that its
 * answers carry no key, secret, password hash or token, and that a pasted token is neither stored nor logged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest, startTestServer, type TestServer } from "../backend/support.js";

let server: TestServer;
const signup = { email: "console-api@example.com", password: "a-long-enough-password" };

beforeAll(async () => {
  server = await startTestServer();
  await server.post("signup", signup);
});
afterAll(async () => server.stop());

const get = (path: string, headers: Record<string, string> = {}) =>
  rawRequest(`${server.url}${path}`, { method: "GET", headers });

describe("console over HTTP", () => {
  it("serves its page with a policy that loads nothing from outside and cannot be framed", async () => {
    const page = await get("/");
    expect(page.status).toBe(200);
    expect(page.body).toContain("<title>Local Bubble backend");
    const policy = String(page.headers["content-security-policy"]);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(page.headers["x-frame-options"]).toBe("DENY");
    expect(page.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  });

  it("refuses a Host that does not name loopback (a page reaching it through DNS rebinding)", async () => {
    for (const host of ["evil.example", "127.0.0.1.evil.example", "10.0.0.5:8787"]) {
      const answer = await get("/console/api/sessions", { Host: host });
      expect(answer.status, host).toBe(403);
    }
    expect((await get("/console/api/sessions", { Host: "localhost:1" })).status).toBe(200);
  });

  it("refuses changes that are not JSON from its own origin, and makes none of them", async () => {
    const user = (await server.login(signup)).user_id;
    const attempts: Record<string, string>[] = [
      { "Content-Type": "text/plain" },
      { "Content-Type": "application/x-www-form-urlencoded" },
      { "Content-Type": "application/json", Origin: "https://evil.example" },
      { "Content-Type": "application/json", "Sec-Fetch-Site": "cross-site" },
    ];
    for (const headers of attempts) {
      const answer = await rawRequest(`${server.url}/console/api/delete-user`, {
        headers,
        chunks: [JSON.stringify({ user_id: user })],
      });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
    }
    const sessions = JSON.parse((await get("/console/api/sessions")).body);
    expect(sessions.users.some((u: { id: string }) => u.id === user)).toBe(true);
  });

  it("answers with no key, secret, password hash or token", async () => {
    const pair = await server.login(signup);
    await server.post("refresh-token", { refresh_token: pair.refresh_token, session_id: pair.session_id });
    const bodies = [
      (await get("/console/api/sessions")).body,
      (await get("/console/api/requests")).body,
      (await get("/console/api/sessions?version=test")).body,
    ].join("\n");
    expect(bodies).not.toContain(server.secret());
    expect(bodies).not.toContain(pair.token);
    expect(bodies).not.toContain(pair.refresh_token);
    expect(bodies).not.toMatch(/scrypt\$/);
    expect(bodies).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\./);
  });

  it("inspects a pasted token without answering, storing or logging it", async () => {
    const pair = await server.login(signup);
    const logsBefore = server.logs.length;
    const requestsBefore = server.requests.list().length;
    const answer = await rawRequest(`${server.url}/console/api/inspect`, {
      headers: { "Content-Type": "application/json" },
      chunks: [JSON.stringify({ token: pair.token })],
    });
    expect(answer.status).toBe(200);
    const inspection = JSON.parse(answer.body);
    expect(inspection.claims.sub).toBe(pair.user_id);
    expect(inspection.claims.sid).toBe(pair.session_id);
    expect(inspection.header.typ).toBe("at+jwt");
    expect(inspection.verify.valid).toBe(true);
    expect(answer.body).not.toContain(pair.token);
    expect(answer.body).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\./);
    expect(server.logs.slice(logsBefore).join("\n")).not.toContain(pair.token);
    expect(server.requests.list()).toHaveLength(requestsBefore);
  });

  it("ends a session, logs a user out everywhere and deletes a user through the app's own data", async () => {
    const pair = await server.login(signup);
    const change = (path: string, body: unknown) =>
      rawRequest(`${server.url}/console/api/${path}`, {
        headers: { "Content-Type": "application/json" },
        chunks: [JSON.stringify(body)],
      });
    expect(JSON.parse((await change("end-session", { session_id: pair.session_id })).body)).toEqual({
      ok: true,
    });
    const refused = await server.post("refresh-token", {
      refresh_token: pair.refresh_token,
      session_id: pair.session_id,
    });
    expect(refused.json.response.error_code).toBe("revoked");
    expect(JSON.parse((await change("end-session", { session_id: "no-such-session" })).body).ok).toBe(false);

    const second = await server.login(signup);
    await change("log-out-everywhere", { user_id: second.user_id });
    const afterEverywhere = await server.post("refresh-token", {
      refresh_token: second.refresh_token,
      session_id: second.session_id,
    });
    expect(afterEverywhere.json.response.error_code).toBe("revoked");

    await change("delete-user", { user_id: second.user_id });
    const login = await server.post("login", signup);
    expect(login.json.response?.error_code ?? login.json.body?.status).toBeTruthy();
    const workflows = server.requests.list().map((r) => r.workflow);
    expect(workflows).toEqual(
      expect.arrayContaining(["console: end session", "console: log out everywhere", "console: delete user"]),
    );
  });
});
