/**
 * Every kind of bad request gets a clear answer in Bubble's shape, and the server keeps serving after
 * each one: after every case below, a client with a good token is still answered.
 */
import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES, MAX_DEPTH } from "../../src/emulator/request-body.js";
import { BEARER_REFUSAL } from "../../src/emulator/server.js";
import { DEMO, rawRequest, startTestServer, type TestServer } from "./support.js";

describe("bad input to the local backend", () => {
  let server: TestServer;
  let token: string;
  let sessionId: string;
  let wf: string;
  beforeAll(async () => {
    server = await startTestServer();
    ({ token, session_id: sessionId } = await server.login());
    wf = `${server.url}/api/1.1/wf`;
  });
  afterAll(() => server.stop());

  afterEach(async () => {
    const answer = await server.post("protected-action", { token, session_id: sessionId });
    expect(answer.status, "the server still serves after the case").toBe(200);
    expect(answer.json.response.user_id).toEqual(expect.any(String));
  });

  function expectError(answer: { status: number; body: string }, status: number, code: string): void {
    expect(answer.status).toBe(status);
    const json = JSON.parse(answer.body);
    expect(json).toEqual({ statusCode: status, body: { status: code, message: expect.any(String) } });
    expect(json.body.message).toMatch(/^[A-Z]/);
  }

  it(`accepts a body of exactly ${MAX_BODY_BYTES} bytes`, async () => {
    const body = JSON.stringify({ token, session_id: sessionId, pad: "" });
    const padded = JSON.stringify({
      token,
      session_id: sessionId,
      pad: "x".repeat(MAX_BODY_BYTES - Buffer.byteLength(body)),
    });
    expect(Buffer.byteLength(padded)).toBe(MAX_BODY_BYTES);
    const answer = await server.post("protected-action", padded);
    expect(answer.status).toBe(200);
  });

  it("answers 413 to a body one byte over the limit, by its Content-Length", async () => {
    const body = JSON.stringify({ token, session_id: sessionId, pad: "" });
    const padded = JSON.stringify({
      token,
      session_id: sessionId,
      pad: "x".repeat(MAX_BODY_BYTES + 1 - Buffer.byteLength(body)),
    });
    const answer = await rawRequest(`${wf}/protected-action`, {
      headers: { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(padded)) },
      chunks: [padded],
    });
    expectError(answer, 413, "BODY_TOO_LARGE");
    expect(answer.headers.connection).toBe("close");
  });

  it("answers 413 to a chunked body that grows past the limit, and reads no more of it", async () => {
    const chunk = Buffer.alloc(16 * 1024, "a");
    const answer = await rawRequest(`${wf}/login`, {
      headers: { "Content-Type": "application/json", "Transfer-Encoding": "chunked" },
      chunks: Array.from({ length: 64 }, () => chunk),
    });
    expectError(answer, 413, "BODY_TOO_LARGE");
  });

  it("answers 400 invalid_json to malformed JSON, without quoting it", async () => {
    const answer = await rawRequest(`${wf}/login`, {
      headers: { "Content-Type": "application/json" },
      chunks: ['{"email": "demo@example.com", "password": "secret-in-a-broken-body"'],
    });
    expectError(answer, 400, "INVALID_JSON");
    expect(answer.body).not.toContain("secret-in-a-broken-body");
    expect(JSON.parse(answer.body).body.message).toBe(
      'The request body is not valid JSON; send one object such as {"email": "...", "password": "..."}.',
    );
  });

  for (const body of ["[1, 2]", '"text"', "null", "42"]) {
    it(`answers 400 invalid_json to JSON that is not one object: ${body}`, async () => {
      const answer = await rawRequest(`${wf}/protected-action`, {
        headers: { "Content-Type": "application/json" },
        chunks: [body],
      });
      expectError(answer, 400, "INVALID_JSON");
    });
  }

  it("answers 415 to a body that is neither JSON nor form-encoded", async () => {
    const answer = await rawRequest(`${wf}/login`, {
      headers: { "Content-Type": "text/plain" },
      chunks: ["email=demo@example.com"],
    });
    expectError(answer, 415, "UNSUPPORTED_MEDIA_TYPE");
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
      expectError(answer, 404, "NOT_FOUND");
      expect(JSON.parse(answer.body).body.message).toContain("logout-everywhere");
    });
  }

  for (const method of ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
    it(`answers 405 with Allow: POST to ${method} on a workflow`, async () => {
      const answer = await rawRequest(`${wf}/login`, { method });
      expectError(answer, 405, "METHOD_NOT_ALLOWED");
      expect(answer.headers.allow).toBe("POST");
    });
  }

  it("answers 405 with Allow: POST and no body to HEAD", async () => {
    const answer = await rawRequest(`${wf}/login`, { method: "HEAD" });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe("POST");
    expect(answer.body).toBe("");
  });

  const missing: [string, Record<string, unknown>, string][] = [
    ["login", { email: DEMO.email }, "password"],
    ["login", { password: DEMO.password }, "email"],
    ["login", {}, "email"],
    ["login", { email: "", password: DEMO.password }, "email"],
    ["signup", { email: "x@example.com" }, "password"],
    ["refresh-token", {}, "refresh_token"],
    ["refresh-token", { refresh_token: "a.b.c" }, "session_id"],
    ["protected-action", { note: "no token" }, "token"],
    ["protected-action", { token: "a.b.c" }, "session_id"],
    ["logout", { refresh_token: "a.b.c" }, "session_id"],
    ["logout-everywhere", {}, "token"],
    ["token-refresh", { token: "" }, "token"],
  ];
  for (const [workflow, body, parameter] of missing) {
    it(`answers Bubble's 400 MISSING_DATA to ${workflow} without ${parameter}`, async () => {
      const answer = await server.post(workflow, body);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({
        statusCode: 400,
        body: {
          status: "MISSING_DATA",
          message: `Missing parameter for workflow ${workflow}: parameter ${parameter}`,
        },
      });
    });
  }

  for (const [workflow, body] of [
    ["login", { email: 42, password: DEMO.password }],
    ["login", { email: DEMO.email, password: {} }],
    ["protected-action", { token: ["a"] }],
    ["refresh-token", { refresh_token: 1 }],
  ] as const) {
    it(`answers 400 INVALID_DATA to ${workflow} with ${JSON.stringify(body)}`, async () => {
      const answer = await server.post(workflow, body);
      expect(answer.status).toBe(400);
      expect(answer.json.body.status).toBe("INVALID_DATA");
    });
  }

  it("treats an empty JSON body as no parameters", async () => {
    const answer = await rawRequest(`${wf}/protected-action`, {
      headers: { "Content-Type": "application/json" },
    });
    expectError(answer, 400, "MISSING_DATA");
  });

  it("answers Bubble's 401 to an Authorization: Bearer header, whatever the token, and logs a hint", async () => {
    for (const header of [`Bearer ${token}`, "bearer x", "BEARER", "Bearer "]) {
      const answer = await server.post(
        "protected-action",
        { token, session_id: sessionId },
        { Authorization: header },
      );
      expect(answer.status, header).toBe(401);
      expect(answer.json).toEqual(BEARER_REFUSAL);
    }
    expect(server.logs.at(-1)).toMatch(
      / 401 \d+ms bearer_refused .*\| hint: .*send the JWT as the token parameter$/,
    );
    const query = await server.post("protected-action?api_token=abc", { token, session_id: sessionId });
    expect(query.status).toBe(401);
    expect(query.json).toEqual(BEARER_REFUSAL);
    expect(server.logs.at(-1)).toContain("the api_token query parameter");
    const basic = await server.post(
      "protected-action",
      { token, session_id: sessionId },
      { Authorization: "Basic ZGVtbzpkZW1v" },
    );
    expect(basic.status).toBe(200);
  });

  for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"]) {
    it(`answers 404 to the workflow ${name} (no lookup reaches Object.prototype)`, async () => {
      const answer = await rawRequest(`${wf}/${name}`, { chunks: ["{}"] });
      expectError(answer, 404, "NOT_FOUND");
    });
  }

  it(`refuses a parameter nested deeper than ${MAX_DEPTH} levels, even with a valid token, and takes ${MAX_DEPTH}`, async () => {
    const deep = `{"token": ${JSON.stringify(token)}, "session_id": ${JSON.stringify(sessionId)}, "note": ${"[".repeat(5_000)}${"]".repeat(5_000)}}`;
    const answer = await rawRequest(`${wf}/protected-action`, {
      headers: { "Content-Type": "application/json" },
      chunks: [deep],
    });
    expectError(answer, 400, "INVALID_DATA");
    const limit = `{"token": ${JSON.stringify(token)}, "session_id": ${JSON.stringify(sessionId)}, "note": ${"[".repeat(MAX_DEPTH - 1)}${"]".repeat(MAX_DEPTH - 1)}}`;
    expect((await server.post("protected-action", limit)).status).toBe(200);
    const over = `{"token": ${JSON.stringify(token)}, "session_id": ${JSON.stringify(sessionId)}, "note": ${"[".repeat(MAX_DEPTH)}${"]".repeat(MAX_DEPTH)}}`;
    expect((await server.post("protected-action", over)).status).toBe(400);
    const brackets = `{"token": ${JSON.stringify(token)}, "session_id": ${JSON.stringify(sessionId)}, "note": "${"[".repeat(5_000)}\\"{"}`;
    expect((await server.post("protected-action", brackets)).json.response.parameters.note).toHaveLength(
      5_002,
    );
  });

  it("treats __proto__ and other inherited names as plain parameters", async () => {
    const body = `{"token": ${JSON.stringify(token)}, "session_id": ${JSON.stringify(sessionId)}, "__proto__": {"token": "x"}, "constructor": 1, "hasOwnProperty": "y"}`;
    const answer = await server.post("protected-action", body);
    expect(answer.json.response.parameters).toEqual(
      JSON.parse('{"__proto__": {"token": "x"}, "constructor": 1, "hasOwnProperty": "y"}'),
    );
    const noToken = await server.post("protected-action", '{"__proto__": {"token": "inherited"}}');
    expect(noToken.json.body.status).toBe("MISSING_DATA");
    const form = await server.post("login", "__proto__=x&email=demo%40example.com", {
      "Content-Type": "application/x-www-form-urlencoded",
    });
    expect(form.json.body.message).toBe("Missing parameter for workflow login: parameter password");
  });

  it("lets Node answer 431 to headers over 32 KB", async () => {
    const answer = await rawRequest(`${wf}/protected-action`, {
      headers: { "Content-Type": "application/json", "X-Padding": "p".repeat(40 * 1024) },
      chunks: ["{}"],
    });
    expect(answer.status).toBe(431);
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
      server.logs.some((line) => / POST \/api\/1\.1\/wf\/login 400 \d+ms INCOMPLETE_BODY /.test(line));
    for (let i = 0; i < 100 && !logged(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (i === 2) socket.destroy();
    }
    expect(logged()).toBe(true);
  });

  it("logs a client that hangs up before its answer, and keeps serving", async () => {
    const body = JSON.stringify(DEMO);
    const before = server.logs.length;
    const socket = connect(server.port, "127.0.0.1");
    await new Promise((resolve) => socket.on("connect", resolve));
    socket.write(
      `POST /api/1.1/wf/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    // Gone while the login's scrypt runs, before the answer is written.
    await new Promise((resolve) => setTimeout(resolve, 10));
    socket.destroy();
    const line = () =>
      server.logs.slice(before).find((logged) => / POST \/api\/1\.1\/wf\/login /.test(logged));
    for (let i = 0; i < 200 && !line(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(line()).toMatch(/wf\/login 200 \d+ms ok actions=1 searches=0 writes=1 /);
  });

  it("logged one line per request, with method, path, status and milliseconds", () => {
    const lines = server.logs;
    expect(lines.some((line) => / POST \/api\/1\.1\/wf\/login 413 \d+ms BODY_TOO_LARGE /.test(line))).toBe(
      true,
    );
    expect(lines.some((line) => / GET \/api\/1\.1\/wf\/login 405 \d+ms METHOD_NOT_ALLOWED /.test(line))).toBe(
      true,
    );
    expect(lines.some((line) => / POST \(other path\) 404 \d+ms NOT_FOUND /.test(line))).toBe(true);
    expect(lines.join("\n")).not.toContain(token);
    expect(lines.join("\n")).not.toContain("secret-in-a-broken-body");
  });
});
