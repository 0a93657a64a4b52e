/**
 * 100 clients at once, each doing the whole seed flow over its own requests: every answer is right, no
 * client sees another's token, and every refresh is honoured exactly once. Loopback only, bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support.js";

const CLIENTS = 100;
const DEMO = { email: "demo@example.com", password: "demo-password" };

describe("100 concurrent clients", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("each logs in, calls protected-action, refreshes and calls it again, with zero errors", async () => {
    const client = async (n: number) => {
      const statuses: number[] = [];
      const login = await server.post("login", DEMO);
      statuses.push(login.status);
      const { token } = login.json.response;
      const first = await server.post("protected-action", { token, client: n });
      statuses.push(first.status);
      const refresh = await server.post("refresh-token", { token });
      statuses.push(refresh.status);
      const renewed = refresh.json.response?.token as string;
      const second = await server.post("protected-action", {}, { Authorization: `Bearer ${renewed}` });
      statuses.push(second.status);
      return {
        statuses,
        token,
        renewed,
        echoed: first.json.response?.parameters.client,
        second: second.json,
      };
    };
    const results = await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));

    for (const [n, result] of results.entries()) {
      expect(result.statuses, `client ${n}`).toEqual([200, 200, 200, 200]);
      expect(result.echoed, `client ${n} got its own answer`).toBe(n);
      expect(result.second.response.user_id).toBe(server.demoUserId());
    }
    const tokens = new Set(results.flatMap((result) => [result.token, result.renewed]));
    expect(tokens.size).toBe(2 * CLIENTS);
    expect(server.logs.filter((line) => / 200 \d+ms ok /.test(line))).toHaveLength(4 * CLIENTS);
  }, 60_000);
});
