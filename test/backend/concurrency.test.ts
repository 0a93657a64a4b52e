/**
 * Simultaneous requests, as docs/sessions.md promises them, with no transaction around a workflow (each
 * search and write its own statement, as on Bubble): N refreshes of one refresh token never revoke the
 * session and every answer's refresh token works next; 100 clients doing the whole flow at once each get
 * their own answers; of simultaneous signups of one email exactly one wins. Loopback only, bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimsOf, startTestServer, type TestServer } from "./support.js";

describe("concurrency", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("20 simultaneous refreshes of one refresh token: none revokes, each answers the same successor, and it works next", async () => {
    const pair = await server.login();
    const session = { session_id: pair.session_id };
    const before = server.logs.length;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        server.post("refresh-token", { ...session, refresh_token: pair.refresh_token }),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.json.response.error_code).toBeUndefined();
      expect(answer.json.response.session_id).toBe(pair.session_id);
    }
    // Every request that read the row before the first write rotates, writing the same values; the rest
    // are retries. No request revokes.
    const lines = server.logs.slice(before);
    expect(lines.filter((line) => / writes=1 /.test(line)).length).toBeGreaterThanOrEqual(1);
    expect(lines.every((line) => / writes=[01] /.test(line))).toBe(true);
    expect(lines.some((line) => /4 Make changes to Result of step 1's session ran/.test(line))).toBe(false);
    const successors = new Set(answers.map((answer) => claimsOf(answer.json.response.refresh_token).jti));
    expect(successors.size).toBe(1);

    // Whichever answer the client kept, its refresh token rotates next (they share a jti: after the first,
    // the others are retries within the window).
    const next = await Promise.all(
      answers.map((answer) =>
        server.post("refresh-token", { ...session, refresh_token: answer.json.response.refresh_token }),
      ),
    );
    for (const answer of next) expect(answer.json.response.refresh_token).toEqual(expect.any(String));
    const work = await server.post("protected-action", { ...session, token: next[0]?.json.response.token });
    expect(work.json.response.user_id).toBe(pair.user_id);
  }, 60_000);

  it("100 clients each log in, call protected-action, refresh and call it again, with zero errors", async () => {
    const client = async (n: number) => {
      const pair = await server.login();
      const session = { session_id: pair.session_id };
      const first = await server.post("protected-action", { ...session, token: pair.token, client: n });
      const refresh = (await server.post("refresh-token", { ...session, refresh_token: pair.refresh_token }))
        .json.response;
      const second = await server.post("protected-action", { ...session, token: refresh.token });
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
