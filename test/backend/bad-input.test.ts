/**
 * Every kind of bad request gets a clear answer with a stable code, and the server keeps serving after
 * each one: after every case below, a client with a good token is still answered 200.
 */
import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/emulator/request-body.js";
import { rawRequest, startTestServer, type TestServer } from "./support.js";

const DEMO = { email: "demo@example.com", password: "demo-password" };

describe("bad input to the local backend", () => {
  let server: TestServer;
  let token: string;
  let wf: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = (await server.post("login", DEMO)).json.response.token;
    wf = `${server.url}/api/1.1/wf`;
  });
  afterAll(() => server.stop());

  afterEach(async () => {
    const answer = await server.post("protected-action", { token });
    expect(answer.status, "the server still serves after the case").toBe(200);
  });

  function expectError(answer: { status: number; body: string }, status: number, code: string): void {
    expect(answer.status).toBe(status);
    const json = JSON.parse(answer.body);
    expect(json).toEqual({ status: "error", error_code: code, message: expect.any(String) });
    expect(json.message).toMatch(/^[A-Z].*\.$/);
  }

  it(`accepts a body of exactly ${MAX_BODY_BYTES} bytes`, async () => {
    const body = JSON.stringify({ token, pad: "" });
    const padded = JSON.stringify({ token, pad: "x".repeat(MAX_BODY_BYTES - Buffer.byteLength(body)) });
    expect(Buffer.byteLength(padded)).toBe(MAX_BODY_BYTES);
    const answer = await server.post("protected-action", padded);
    expect(answer.status).toBe(200);
  });

  it("answers 413 to a body one byte over the limit, by its Content-Length", async () => {
    const body = JSON.stringify({ token, pad: "" });
    const padded = JSON.stringify({ token, pad: "x".repeat(MAX_BODY_BYTES + 1 - Buffer.byteLength(body)) });
    const answer = await rawRequest(`${wf}/protected-action`, {
      headers: { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(padded)) },
      chunks: [padded],
    });
    expectError(answer, 413, "body_too_large");
    expect(answer.headers.connection).toBe("close");
  });

  it("answers 413 to a chunked body that grows past the limit, and reads no more of it", async () => {
    const chunk = Buffer.alloc(16 * 1024, "a");
    const answer = await rawRequest(`${wf}/login`, {
      headers: { "Content-Type": "application/json", "Transfer-Encoding": "chunked" },
      chunks: Array.from({ length: 64 }, () => chunk),
    });
    expectError(answer, 413, "body_too_large");
  });

  it("answers 400 invalid_json to malformed JSON, without quoting it", async () => {
    const answer = await rawRequest(`${wf}/login`, {
      headers: { "Content-Type": "application/json" },
      chunks: ['{"email": "demo@example.com", "password": "secret-in-a-broken-body"'],
    });
    expectError(answer, 400, "invalid_json");
    expect(answer.body).not.toContain("secret-in-a-broken-body");
    expect(JSON.parse(answer.body).message).toBe(
      'The request body is not valid JSON; send one object such as {"email": "...", "password": "..."}.',
    );
  });

  for (const body of ["[1, 2]", '"text"', "null", "42"]) {
    it(`answers 400 invalid_json to JSON that is not one object: ${body}`, async () => {
      const answer = await rawRequest(`${wf}/protected-action`, {
        headers: { "Content-Type": "application/json" },
        chunks: [body],
      });
      expectError(answer, 400, "invalid_json");
    });
  }

  it("answers 415 to a body that is neither JSON nor form-encoded", async () => {
    const answer = await rawRequest(`${wf}/login`, {
      headers: { "Content-Type": "text/plain" },
      chunks: ["email=demo@example.com"],
    });
    expectError(answer, 415, "unsupported_media_type");
  });

  for (const path of [
    "/api/1.1/wf/no-such-workflow",
    "/",
    "/api/1.1/wf/",
    "/api/1.1/obj/user",
    "/version-test/",
  ]) {
    it(`answers 404 not_found to ${path}`, async () => {
      const answer = await rawRequest(`${server.url}${path}`, { chunks: ["{}"] });
      expectError(answer, 404, "not_found");
      expect(JSON.parse(answer.body).message).toContain("POST /api/1.1/wf/protected-action");
    });
  }

  for (const method of ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
    it(`answers 405 with Allow: POST to ${method} on a workflow`, async () => {
      const answer = await rawRequest(`${wf}/login`, { method });
      expectError(answer, 405, "method_not_allowed");
      expect(answer.headers.allow).toBe("POST");
    });
  }

  it("answers 405 with Allow: POST and no body to HEAD", async () => {
    const answer = await rawRequest(`${wf}/login`, { method: "HEAD" });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe("POST");
    expect(answer.body).toBe("");
  });

  const parameterCases: [string, string, Record<string, unknown>, number, string][] = [
    ["login without a password", "login", { email: DEMO.email }, 400, "missing_parameter"],
    ["login without an email", "login", { password: DEMO.password }, 400, "missing_parameter"],
    ["login with an empty body", "login", {}, 400, "missing_parameter"],
    ["login with an empty email", "login", { email: "", password: DEMO.password }, 400, "missing_parameter"],
    [
      "login with a number as email",
      "login",
      { email: 42, password: DEMO.password },
      400,
      "invalid_parameter",
    ],
    [
      "login with an object as password",
      "login",
      { email: DEMO.email, password: {} },
      400,
      "invalid_parameter",
    ],
    ["protected-action with a list as token", "protected-action", { token: ["a"] }, 400, "invalid_parameter"],
    ["refresh-token with a number as token", "refresh-token", { token: 1 }, 400, "invalid_parameter"],
  ];
  for (const [name, workflow, body, status, code] of parameterCases) {
    it(`answers ${status} ${code} to ${name}`, async () => {
      const answer = await server.post(workflow, body);
      expect(answer.status).toBe(status);
      expect(answer.json.error_code).toBe(code);
    });
  }

  it("names the missing parameter in the message", async () => {
    const answer = await server.post("login", { email: DEMO.email });
    expect(answer.json.message).toBe("The password parameter is required.");
  });

  it("treats an empty JSON body as no parameters", async () => {
    const answer = await rawRequest(`${wf}/protected-action`, {
      headers: { "Content-Type": "application/json" },
    });
    expectError(answer, 401, "missing_token");
  });

  it("lets Node answer 431 to headers over 32 KB", async () => {
    const answer = await rawRequest(`${wf}/protected-action`, {
      headers: { "Content-Type": "application/json", "X-Padding": "p".repeat(40 * 1024) },
      chunks: ["{}"],
    });
    expect(answer.status).toBe(431);
  });

  it("takes a token of 16,385 characters in the Authorization header and lets the plugin refuse it", async () => {
    const answer = await rawRequest(`${wf}/protected-action`, {
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${"a".repeat(16_385)}` },
      chunks: ["{}"],
    });
    expectError(answer, 401, "token_too_large");
  });

  it("survives bytes that are not HTTP at all", async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, "127.0.0.1", () => socket.write("NOT HTTP AT ALL\r\n\r\n"));
      let text = "";
      socket.on("data", (data) => {
        text += data.toString("latin1");
      });
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
  });

  it("logs a client that hangs up mid-body as incomplete_body", async () => {
    const socket = connect(server.port, "127.0.0.1");
    socket.write(
      "POST /api/1.1/wf/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    const logged = () =>
      server.logs.some((line) => / POST \/api\/1\.1\/wf\/login 400 \d+ms incomplete_body$/.test(line));
    for (let i = 0; i < 100 && !logged(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (i === 2) socket.destroy();
    }
    expect(logged()).toBe(true);
  });

  it("logged one line per request, with method, path, status and milliseconds", () => {
    const lines = server.logs;
    expect(lines.some((line) => / POST \/api\/1\.1\/wf\/login 413 \d+ms body_too_large$/.test(line))).toBe(
      true,
    );
    expect(lines.some((line) => / GET \/api\/1\.1\/wf\/login 405 \d+ms method_not_allowed$/.test(line))).toBe(
      true,
    );
    expect(lines.some((line) => / POST \(other path\) 404 \d+ms not_found$/.test(line))).toBe(true);
    expect(lines.join("\n")).not.toContain(token);
    expect(lines.join("\n")).not.toContain("secret-in-a-broken-body");
  });
});
