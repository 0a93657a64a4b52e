/**
 * Simultaneous requests, as docs/sessions.md promises them: N refreshes of one refresh token never revoke
 * the session and every answer's refresh token works next; 100 clients doing the whole flow at once each
 * get their own answers; of simultaneous signups of one email exactly one wins. Loopback only, bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimsOf, startTestServer, type TestServer } from "./support.js";

describe("concurrency", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("20 simultaneous refreshes of one refresh token: none revokes, one writes, every answer's refresh token works next", async () => {
    const pair = await server.login();
    const before = server.logs.length;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => server.post("refresh-token", { refresh_token: pair.refresh_token })),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.json.response.error_code).toBeUndefined();
      expect(answer.json.response.session_id).toBe(pair.session_id);
    }
    const lines = server.logs.slice(before);
    expect(lines.filter((line) => / writes=1 /.test(line))).toHaveLength(1);
    expect(lines.filter((line) => / writes=0 /.test(line))).toHaveLength(19);
    const successors = new Set(answers.map((answer) => claimsOf(answer.json.response.refresh_token).jti));
    expect(successors.size).toBe(1);

    // Whichever answer the client kept, its refresh token rotates next (each one once: they share a jti,
    // so after the first the others are retries within the window).
    const next = await Promise.all(
      answers.map((answer) =>
        server.post("refresh-token", { refresh_token: answer.json.response.refresh_token }),
      ),
    );
    for (const answer of next) expect(answer.json.response.refresh_token).toEqual(expect.any(String));
    const strict = await server.post("protected-action-strict", { token: next[0]?.json.response.token });
    expect(strict.json.response.user_id).toBe(pair.user_id);
  }, 60_000);

  it("100 clients each log in, call protected-action, refresh and call it again, with zero errors", async () => {
    const client = async (n: number) => {
      const pair = await server.login();
      const first = await server.post("protected-action", { token: pair.token, client: n });
      const refresh = (await server.post("refresh-token", { refresh_token: pair.refresh_token })).json
        .response;
      const second = await server.post("protected-action-strict", { token: refresh.token });
      return { pair, refresh, echoed: first.json.response.parameters?.client, second: second.json.response };
    };
    const results = await Promise.all(Array.from({ length: 100 }, (_, n) => client(n)));
    for (const [n, result] of results.entries()) {
      expect(result.echoed, `client ${n} got its own answer`).toBe(n);
      expect(result.refresh.session_id, `client ${n}`).toBe(result.pair.session_id);
      expect(result.second.user_id, `client ${n}`).toBe(result.pair.user_id);
    }
    expect(new Set(results.map((result) => result.pair.session_id)).size).toBe(100);
  }, 90_000);

  it("of 10 simultaneous signups of one email, exactly one creates the user", async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        server.post("signup", { email: "race@example.com", password: "a password for the race" }),
      ),
    );
    const codes = answers.map((answer) => answer.json.response.error_code ?? "ok");
    expect(codes.filter((code) => code === "ok")).toHaveLength(1);
    expect(codes.filter((code) => code === "email_taken")).toHaveLength(9);
  }, 60_000);
});
