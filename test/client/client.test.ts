/**
 * The client against an in-test fake of the session workflows (fake-backend.ts): the envelope, the
 * session_id sent back, the single-flight refresh, the retry of a lost refresh answer, the end of a session
 * (told once), logout racing a refresh, redirects never followed, storage, and errors that never carry a
 * token. Time is a test clock the tests move (clock.ts): nothing waits for an expiry. The same behaviour
 * against the real local backend is in backend.test.ts.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type BubbleClient,
  BubbleClientError,
  BubbleHttpError,
  type ClientOptions,
  createClient,
  memoryStorage,
  NetworkError,
  type SessionEndReason,
  SessionError,
  type SessionInfo,
  type SessionStorage,
  UsageError,
  WorkflowError,
} from "../../client/src/index.js";
import { testClock } from "./clock.js";
import { fakeBackend } from "./fake-backend.js";

const APP = "https://myapp.bubbleapps.io";
const EMAIL = "ada@example.com";
const PASSWORD = "correct horse battery staple";

/** A fake backend with one user, on a test clock of its own (`backend.clock`) for it and its clients. */
function setup(options: Parameters<typeof fakeBackend>[0] = {}) {
  const clock = testClock();
  const backend = fakeBackend({ now: clock.now, ...options });
  backend.addUser(EMAIL, PASSWORD);
  return Object.assign(backend, { clock });
}

/** A promise and its resolve, to hold a request until the test lets it go. */
function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Every text a token could hide in: the error's message, its JSON, and its own enumerable properties. */
function exposedText(error: unknown): string {
  return `${String((error as Error).message)} ${JSON.stringify(error)} ${JSON.stringify({ ...(error as object) })}`;
}

describe("the client's requests", () => {
  it("posts JSON to the live and the test version, the token as a parameter and never as a header", async () => {
    for (const [version, prefix] of [
      ["live", `${APP}/api/1.1/wf/`],
      ["test", `${APP}/version-test/api/1.1/wf/`],
    ] as const) {
      const backend = setup();
      const client = createClient({ appUrl: `${APP}/`, version, fetch: backend.fetch });
      await client.logIn(EMAIL, PASSWORD);
      const answer = await client.call("protected-action", { note: "hello" });
      expect(answer).toMatchObject({ user_id: "user-1", email: EMAIL, parameters: { note: "hello" } });
      const [login, call] = backend.requests;
      expect(login?.url).toBe(`${prefix}login`);
      expect(call?.url).toBe(`${prefix}protected-action`);
      expect(call?.headers["content-type"]).toBe("application/json");
      expect(call?.headers.authorization).toBeUndefined();
      expect(call?.body.token).toMatch(/^eyJ/);
    }
  });

  it("sends the session_id login answered with every refresh, call, logout and logout-everywhere", async () => {
    const backend = setup({ tokenTtlMs: 1000 });
    const client = createClient({
      appUrl: APP,
      fetch: backend.fetch,
      clock: backend.clock,
      refreshMargin: 0,
    });
    const { sessionId } = await client.logIn(EMAIL, PASSWORD);
    expect(sessionId).toMatch(/^[0-9a-f]{12}$/);
    await client.call("protected-action", { note: "a" });
    backend.clock.advance(1000);
    await client.call("protected-action", { note: "b" });
    await client.logOutEverywhere();
    await client.logIn(EMAIL, PASSWORD);
    await client.logOut();
    const sent = backend.requests.map((r) => [r.workflow, Object.keys(r.body).sort()]);
    expect(sent).toEqual([
      ["login", ["email", "password"]],
      ["protected-action", ["note", "session_id", "token"]],
      ["refresh-token", ["refresh_token", "session_id"]],
      ["protected-action", ["note", "session_id", "token"]],
      ["logout-everywhere", ["session_id", "token"]],
      ["login", ["email", "password"]],
      ["logout", ["refresh_token", "session_id"]],
    ]);
    expect(backend.requests.slice(1, 5).every((r) => r.body.session_id === sessionId)).toBe(true);
    expect(backend.requests[6]?.body.session_id).not.toBe(sessionId);
  });

  it("a session_id that is not the token's (a tampered storage) is refused as revoked, and revokes nothing", async () => {
    const backend = setup();
    const mine = memoryStorage();
    const client = createClient({ appUrl: APP, clock: backend.clock, fetch: backend.fetch, storage: mine });
    const other = createClient({ appUrl: APP, clock: backend.clock, fetch: backend.fetch });
    const { sessionId: otherId } = await other.logIn(EMAIL, PASSWORD);
    const { sessionId } = await client.logIn(EMAIL, PASSWORD);
    const stored = JSON.parse((await mine.get("bubble_jwt_session")) as string);
    await mine.set("bubble_jwt_session", JSON.stringify({ ...stored, sessionId: otherId }));
    const tampered = createClient({ appUrl: APP, clock: backend.clock, fetch: backend.fetch, storage: mine });
    await expect(tampered.call("protected-action")).rejects.toMatchObject({
      code: "revoked",
      reason: "revoked",
    });
    expect(backend.requests.slice(-2).map((r) => [r.workflow, r.body.session_id])).toEqual([
      ["protected-action", otherId],
      ["refresh-token", otherId],
    ]);
    expect(backend.session(otherId)?.revoked).toBe(false);
    expect(backend.session(sessionId)?.revoked).toBe(false);
    await expect(other.call("protected-action")).resolves.toMatchObject({ user_id: "user-1" });
  });

  it("refuses a login answer without its session_id, and a refresh answer for another session", async () => {
    const answer = (response: object) => new Response(JSON.stringify({ status: "success", response }));
    const pair = { user_id: "u", token: "t", expires_at: 1, refresh_token: "r" };
    const noSession = createClient({ appUrl: APP, fetch: async () => answer(pair) });
    await expect(noSession.logIn(EMAIL, PASSWORD)).rejects.toMatchObject({
      code: "bad_response",
      message: expect.stringContaining("session_id"),
    });
    const clock = testClock();
    const elsewhere = createClient({
      appUrl: APP,
      clock,
      refreshMargin: 0,
      fetch: async (url) =>
        answer({ ...pair, expires_at: clock.now() + 1000, session_id: url.endsWith("/login") ? "s1" : "s2" }),
    });
    await elsewhere.logIn(EMAIL, PASSWORD);
    clock.advance(1000);
    await expect(elsewhere.call("protected-action")).rejects.toMatchObject({ code: "bad_response" });
    expect((await elsewhere.session())?.sessionId).toBe("s1");
  });

  it("takes other workflow names", async () => {
    const backend = setup();
    const client = createClient({ appUrl: APP, fetch: backend.fetch, workflows: { login: "sign-in" } });
    await expect(client.logIn(EMAIL, PASSWORD)).rejects.toMatchObject({ code: "not_found", status: 404 });
    expect(backend.requests[0]?.workflow).toBe("sign-in");
  });

  it("signs up, then logs in", async () => {
    const backend = fakeBackend();
    const client = createClient({ appUrl: APP, fetch: backend.fetch });
    const session = await client.signUp("new@example.com", "a long enough password");
    expect(session.userId).toBe("user-1");
    expect(backend.requests.map((r) => r.workflow)).toEqual(["signup", "login"]);
    await expect(client.signUp("new@example.com", "another password")).rejects.toMatchObject({
      name: "WorkflowError",
      code: "email_taken",
    });
  });

  it("reads a refusal inside Bubble's 200 envelope as a WorkflowError with its code", async () => {
    const client = createClient({ appUrl: APP, fetch: setup().fetch });
    const error = await client.logIn(EMAIL, "wrong").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowError);
    expect(error).toBeInstanceOf(BubbleClientError);
    expect(error).toMatchObject({ code: "invalid_credentials", workflow: "login", status: 200 });
    expect(await client.session()).toBeNull();
  });

  it("reads Bubble's MISSING_DATA 400, its 401, a 5xx and an answer that is not the envelope", async () => {
    const answers: Array<[number, string, string]> = [
      [
        400,
        '{"statusCode":400,"body":{"status":"MISSING_DATA","message":"Missing parameter for workflow login: parameter email"}}',
        "missing_data",
      ],
      [401, '{"error_class":"Unauthorized","message":"Invalid or expired token"}', "unauthorized"],
      [502, "<html>Bad gateway</html>", "server_error"],
      [200, "<html>maintenance</html>", "bad_response"],
      [200, '{"status":"success","response":{"user_id":"u"}}', "bad_response"],
    ];
    for (const [status, body, code] of answers) {
      const fetch = async () => new Response(body, { status });
      const error = await createClient({ appUrl: APP, fetch })
        .logIn(EMAIL, PASSWORD)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BubbleHttpError);
      expect(error).toMatchObject({ code, status });
    }
    const missing = await createClient({
      appUrl: APP,
      fetch: async () => new Response(answers[0]?.[1], { status: 400 }),
    })
      .logIn(EMAIL, PASSWORD)
      .catch((e: Error) => e.message);
    expect(missing).toContain("parameter email");
  });

  it("reads the local backend's refusals (a 4xx with error_code at the top)", async () => {
    const fetch = async () =>
      new Response(
        '{"status":"error","error_code":"invalid_credentials","message":"Wrong email or password."}',
        {
          status: 401,
        },
      );
    const error = await createClient({ appUrl: APP, fetch })
      .logIn(EMAIL, PASSWORD)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "WorkflowError", code: "invalid_credentials", status: 401 });
    expect((error as Error).message).toBe("Wrong email or password.");
  });

  it("turns a failed fetch into a NetworkError and a hung one into a timeout", async () => {
    const offline = createClient({
      appUrl: APP,
      fetch: async () => {
        throw new TypeError("Network request failed");
      },
    });
    await expect(offline.logIn(EMAIL, PASSWORD)).rejects.toMatchObject({
      name: "NetworkError",
      code: "network_error",
    });
    const hung = createClient({
      appUrl: APP,
      requestTimeout: 50,
      fetch: (_url, init) =>
        new Promise((_resolve, reject) =>
          init.signal?.addEventListener("abort", () => reject(new Error("aborted"))),
        ),
    });
    const error = await hung.logIn(EMAIL, PASSWORD).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: "timeout" });
  });

  it("reads dates as milliseconds or ISO texts", async () => {
    for (const isoDates of [false, true]) {
      const backend = setup({ isoDates, tokenTtlMs: 600_000 });
      const client = createClient({ appUrl: APP, fetch: backend.fetch, clock: backend.clock });
      const session = await client.logIn(EMAIL, PASSWORD);
      expect(session.expiresAt.getTime()).toBe(backend.clock.now() + 600_000);
      expect(session.refreshExpiresAt).toBeInstanceOf(Date);
      expect(Object.keys(session).sort()).toEqual(["expiresAt", "refreshExpiresAt", "sessionId", "userId"]);
    }
  });

  it("refuses options and arguments it cannot work with", () => {
    const fetch = setup().fetch;
    for (const appUrl of [
      "myapp.bubbleapps.io",
      "http://myapp.bubbleapps.io",
      "https://a.io/?x=1",
      "ftp://a.io",
    ]) {
      expect(() => createClient({ appUrl, fetch })).toThrow(UsageError);
    }
    expect(() => createClient({ appUrl: "http://127.0.0.1:8787", fetch })).not.toThrow();
    expect(() => createClient({ appUrl: "http://192.168.1.20:8787", fetch, allowHttp: true })).not.toThrow();
    expect(() => createClient({ appUrl: APP, fetch, version: "prod" as "live" })).toThrow(UsageError);
    expect(() => createClient({ appUrl: APP, fetch, refreshMargin: -1 })).toThrow(UsageError);
    expect(() => createClient({ appUrl: APP, fetch, workflows: { login: "../admin" } })).toThrow(UsageError);
    expect(() => createClient({ appUrl: APP, fetch, clock: { now: () => 0 } as never })).toThrow(UsageError);
  });

  it("refuses a call before login, a call with its own token or session_id, and a workflow name with a path", async () => {
    const client = createClient({ appUrl: APP, fetch: setup().fetch });
    await expect(client.call("protected-action")).rejects.toMatchObject({
      name: "SessionError",
      code: "not_signed_in",
    });
    await client.logIn(EMAIL, PASSWORD);
    await expect(client.call("protected-action", { token: "x" })).rejects.toBeInstanceOf(UsageError);
    await expect(client.call("protected-action", { session_id: "x" })).rejects.toBeInstanceOf(UsageError);
    await expect(client.call("a/b")).rejects.toBeInstanceOf(UsageError);
  });
});

describe("refresh", () => {
  const TTL = 300;

  it("refreshes before a call when the token expires within the margin (at most half its life)", async () => {
    const backend = setup({ tokenTtlMs: 2 * TTL });
    const client = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: backend.fetch,
      refreshMargin: 60_000,
    });
    await client.logIn(EMAIL, PASSWORD);
    await client.call("protected-action");
    expect(backend.count("refresh-token")).toBe(0);
    backend.clock.advance(TTL + 50);
    await client.call("protected-action");
    expect(backend.count("refresh-token")).toBe(1);
  });

  it("refreshes and retries once when a workflow answers expired", async () => {
    const backend = setup();
    let first = true;
    const seen: string[] = [];
    const client = createClient({
      appUrl: APP,
      clock: backend.clock,
      refreshMargin: 0,
      fetch: async (url, init) => {
        const workflow = url.slice(url.lastIndexOf("/") + 1);
        seen.push(workflow);
        // The server says expired although the device's clock does not (a clock behind the server's).
        if (first && workflow === "protected-action") {
          first = false;
          return new Response(
            '{"status":"success","response":{"error_code":"expired","error_message":"Expired."}}',
          );
        }
        return backend.fetch(url, init);
      },
    });
    await client.logIn(EMAIL, PASSWORD);
    await expect(client.call("protected-action", { n: 1 })).resolves.toMatchObject({ parameters: { n: 1 } });
    expect(seen).toEqual(["login", "protected-action", "refresh-token", "protected-action"]);
  });

  it("lets a refresh settle the other refusals of the token: a retry, or the end of the session", async () => {
    for (const code of ["invalid_signature", "user_not_found", "revoked", "session_expired"]) {
      const backend = setup();
      let refuse = true;
      const client = createClient({
        appUrl: APP,
        clock: backend.clock,
        fetch: async (url, init) => {
          if (refuse && url.endsWith("/protected-action")) {
            refuse = false;
            return new Response(`{"status":"success","response":{"error_code":"${code}"}}`);
          }
          return backend.fetch(url, init);
        },
      });
      await client.logIn(EMAIL, PASSWORD);
      await expect(client.call("protected-action")).resolves.toMatchObject({ user_id: "user-1" });
      expect(backend.count("refresh-token")).toBe(1);
    }
    // A refusal that no new token cures is the app's to handle, without a refresh.
    const backend = setup();
    const client = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: async (url, init) =>
        url.endsWith("/protected-action")
          ? new Response('{"status":"success","response":{"error_code":"not_enough_credits"}}')
          : backend.fetch(url, init),
    });
    await client.logIn(EMAIL, PASSWORD);
    await expect(client.call("protected-action")).rejects.toMatchObject({ code: "not_enough_credits" });
    expect(backend.count("refresh-token")).toBe(0);
  });

  it("does not retry a second time when the retried call answers expired again", async () => {
    const backend = setup();
    const client = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: async (url, init) =>
        url.endsWith("/protected-action")
          ? new Response('{"status":"success","response":{"error_code":"expired"}}')
          : backend.fetch(url, init),
    });
    await client.logIn(EMAIL, PASSWORD);
    await expect(client.call("protected-action")).rejects.toMatchObject({
      name: "WorkflowError",
      code: "expired",
    });
    expect(backend.count("refresh-token")).toBe(1);
  });

  it("makes one refresh for 20 concurrent calls after expiry", async () => {
    const backend = setup({ tokenTtlMs: TTL });
    const client = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: backend.fetch,
      refreshMargin: 0,
    });
    await client.logIn(EMAIL, PASSWORD);
    backend.clock.advance(TTL + 50);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, n) => client.call("protected-action", { n })),
    );
    expect(answers.map((a) => (a.parameters as { n: number }).n)).toEqual(
      Array.from({ length: 20 }, (_, n) => n),
    );
    expect(backend.count("refresh-token")).toBe(1);
    expect(backend.count("protected-action")).toBe(20);
  });

  it("sends a refresh whose answer was lost again with the same refresh token, and keeps the session", async () => {
    const backend = setup({ tokenTtlMs: TTL });
    let drop = 2;
    const client = createClient({
      appUrl: APP,
      clock: backend.clock,
      refreshMargin: 0,
      fetch: async (url, init) => {
        const answer = await backend.fetch(url, init);
        if (url.endsWith("/refresh-token") && drop-- > 0) throw new TypeError("Network request failed");
        return answer;
      },
    });
    const ended = vi.fn();
    client.onSessionEnd(ended);
    await client.logIn(EMAIL, PASSWORD);
    backend.clock.advance(TTL + 50);
    await expect(client.call("protected-action")).resolves.toMatchObject({ user_id: "user-1" });
    const refreshes = backend.requests.filter((r) => r.workflow === "refresh-token");
    expect(refreshes).toHaveLength(3);
    expect(new Set(refreshes.map((r) => r.body.refresh_token)).size).toBe(1);
    // The kept pair rotates normally next time.
    backend.clock.advance(TTL + 50);
    await client.call("protected-action");
    expect(backend.count("refresh-token")).toBe(4);
    expect(ended).not.toHaveBeenCalled();
  });

  it("sends a refresh whose answer never came (the request deadline) again with the same refresh token", async () => {
    const backend = setup({ tokenTtlMs: TTL });
    let hang = 1;
    const client = createClient({
      appUrl: APP,
      clock: backend.clock,
      refreshMargin: 0,
      requestTimeout: 50,
      fetch: async (url, init) => {
        const answer = await backend.fetch(url, init);
        if (url.endsWith("/refresh-token") && hang-- > 0) return new Promise<Response>(() => {});
        return answer;
      },
    });
    await client.logIn(EMAIL, PASSWORD);
    backend.clock.advance(TTL + 50);
    await expect(client.call("protected-action")).resolves.toMatchObject({ user_id: "user-1" });
    const refreshes = backend.requests.filter((r) => r.workflow === "refresh-token");
    expect(refreshes.map((r) => r.body.refresh_token)).toEqual([
      refreshes[0]?.body.refresh_token,
      refreshes[0]?.body.refresh_token,
    ]);
  });

  it("stops resending a lost refresh before the retry window closes, and keeps the session", async () => {
    const backend = setup({ tokenTtlMs: TTL });
    let attempts = 0;
    const client = createClient({
      appUrl: APP,
      clock: backend.clock,
      refreshMargin: 0,
      refreshRetryWindow: 1000,
      fetch: async (url, init) => {
        if (!url.endsWith("/refresh-token")) return backend.fetch(url, init);
        attempts++;
        throw new TypeError("Network request failed");
      },
    });
    await client.logIn(EMAIL, PASSWORD);
    backend.clock.advance(TTL + 50);
    const error = await client.call("protected-action").catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "NetworkError", code: "network_error", workflow: "refresh-token" });
    // Sent at 0, 250 and 750 ms; the next, at 1750 ms, would not be inside 80% of the 1000 ms window.
    expect(attempts).toBe(3);
    expect(await client.session()).not.toBeNull();
  });

  it("does not resend a refresh the server refused, nor one refused by Bubble as MISSING_DATA", async () => {
    const backend = setup({ tokenTtlMs: TTL });
    const client = createClient({
      appUrl: APP,
      clock: backend.clock,
      refreshMargin: 0,
      fetch: async (url, init) =>
        url.endsWith("/refresh-token")
          ? backend.fetch(url, { ...init, body: "{}" })
          : backend.fetch(url, init),
    });
    await client.logIn(EMAIL, PASSWORD);
    backend.clock.advance(TTL + 50);
    await expect(client.call("protected-action")).rejects.toMatchObject({
      code: "missing_data",
      status: 400,
    });
    expect(backend.count("refresh-token")).toBe(1);
    expect(await client.session()).not.toBeNull();
  });

  it("ends the session once, for every waiting call, when the server detects reuse", async () => {
    const backend = setup({ tokenTtlMs: TTL, retryWindowMs: 0 });
    const storage = memoryStorage();
    const client = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: backend.fetch,
      storage,
      refreshMargin: 0,
    });
    const ended = vi.fn();
    client.onSessionEnd(ended);
    await client.logIn(EMAIL, PASSWORD);
    // A thief's copy of the stored session rotates first.
    const stolen = memoryStorage();
    await stolen.set("bubble_jwt_session", (await storage.get("bubble_jwt_session")) as string);
    const thief = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: backend.fetch,
      storage: stolen,
      refreshMargin: 0,
    });
    const thiefEnded = vi.fn();
    thief.onSessionEnd(thiefEnded);
    backend.clock.advance(TTL + 50);
    await thief.call("protected-action");
    backend.clock.advance(5);
    const errors = await Promise.all(
      Array.from({ length: 5 }, () => client.call("protected-action").catch((e: unknown) => e)),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(SessionError);
      expect(error).toMatchObject({ code: "refresh_token_reused", reason: "refresh_token_reused" });
    }
    expect(backend.count("refresh-token")).toBe(2);
    expect(ended).toHaveBeenCalledTimes(1);
    expect(ended.mock.calls[0]?.[0]).toBe("refresh_token_reused");
    expect(ended.mock.calls[0]?.[1]).toMatchObject({ userId: "user-1" });
    expect(await client.session()).toBeNull();
    expect(await storage.get("bubble_jwt_session")).toBeNull();
    // The thief's session is the same session: revoked with it at its next refresh.
    backend.clock.advance(TTL + 50);
    await expect(thief.call("protected-action")).rejects.toMatchObject({
      code: "revoked",
      reason: "revoked",
    });
    expect(thiefEnded).toHaveBeenCalledWith("revoked", expect.objectContaining({ userId: "user-1" }));
  });
});

/** An HTTP server on 127.0.0.1 whose answers `answer` writes; its URL, the bodies it got, and close(). */
async function loopbackServer(
  answer: (request: IncomingMessage, body: string) => Promise<Response> | Response,
): Promise<{ url: string; bodies: string[]; close: () => Promise<void> }> {
  const bodies: string[] = [];
  const server: Server = createServer(async (request, response) => {
    let body = "";
    for await (const chunk of request) body += chunk;
    bodies.push(body);
    const reply = await answer(request, body);
    response.writeHead(reply.status, Object.fromEntries(reply.headers.entries()));
    response.end(await reply.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("redirects", () => {
  // The app (an allowed https host, served here on loopback) starts answering 307 to a plain-http host, the
  // thief's: a fetch that follows it sends the same body there, password and tokens included.
  const backend = setup({ tokenTtlMs: 1000 });
  let redirecting = false;
  let app: Awaited<ReturnType<typeof loopbackServer>>;
  let thief: Awaited<ReturnType<typeof loopbackServer>>;
  beforeAll(async () => {
    thief = await loopbackServer(
      () => new Response('{"status":"success","response":{"user_id":"thief","session_id":"thief"}}'),
    );
    app = await loopbackServer((request, body) =>
      redirecting
        ? new Response(null, { status: 307, headers: { Location: `${thief.url}${request.url}` } })
        : backend.fetch(`${APP}${request.url}`, { method: "POST", body }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await thief?.close();
  });

  it("never follows a 307 to a plain-http host: the password and the tokens never reach it", async () => {
    // Node's own fetch, sent to the loopback server that stands for the app's https address (as a DNS
    // answer would: the answer keeps the address the client asked for).
    const fetch = async (url: string, init: RequestInit) => {
      const answer = await globalThis.fetch(url.replace(APP, app.url), init);
      return new Response(answer.body, { status: answer.status, headers: answer.headers });
    };
    const client = createClient({ appUrl: APP, fetch, clock: backend.clock, refreshMargin: 0 });
    await client.logIn(EMAIL, PASSWORD);
    redirecting = true;
    const attempts = [
      () => client.logIn(EMAIL, PASSWORD),
      () => client.call("protected-action", { note: "hello" }),
      () => {
        backend.clock.advance(1000);
        return client.call("protected-action");
      },
      () => client.logOut(),
    ];
    for (const attempt of attempts) {
      await expect(attempt()).rejects.toMatchObject({
        name: "BubbleHttpError",
        code: "redirect",
        status: 307,
      });
    }
    expect(thief.bodies).toEqual([]);
    // Four requests reached the app after the first login, none more: a redirect is not resent anywhere.
    expect(app.bodies).toHaveLength(5);
  });

  it("refuses every redirect status, a browser's opaque redirect, and an answer a fetch got by following one", async () => {
    const answers: Array<[string, () => Response]> = [
      ...[301, 302, 303, 307, 308].map(
        (status) =>
          [
            String(status),
            () => new Response(null, { status, headers: { Location: "http://thief.example/" } }),
          ] as [string, () => Response],
      ),
      [
        "opaqueredirect",
        () => Object.defineProperty(new Response(null), "type", { value: "opaqueredirect" }),
      ],
      ["redirected", () => Object.defineProperty(new Response("{}"), "redirected", { value: true })],
      [
        "another url",
        () => Object.defineProperty(new Response("{}"), "url", { value: "http://thief.example/" }),
      ],
    ];
    for (const [what, answer] of answers) {
      const sent: RequestInit[] = [];
      const client = createClient({
        appUrl: APP,
        fetch: async (_url, init) => {
          sent.push(init);
          return answer();
        },
      });
      await expect(client.logIn(EMAIL, PASSWORD), what).rejects.toMatchObject({ code: "redirect" });
      expect(sent.map((init) => init.redirect)).toEqual(["manual"]);
    }
    // The same address spelled otherwise (host case, default port) is no redirect.
    const spelled = createClient({
      appUrl: "https://MyApp.bubbleapps.io:443",
      fetch: async (url, init) =>
        Object.defineProperty(await setup().fetch(url, init), "url", { value: `${APP}/api/1.1/wf/login` }),
    });
    await expect(spelled.logIn(EMAIL, PASSWORD)).resolves.toMatchObject({ userId: "user-1" });
  });
});

describe("logout, storage and errors", () => {
  it("logs out on the server and here, once, and a new login works", async () => {
    const backend = setup();
    const storage = memoryStorage();
    const client = createClient({ appUrl: APP, clock: backend.clock, fetch: backend.fetch, storage });
    const ended = vi.fn();
    client.onSessionEnd(ended);
    const { sessionId } = await client.logIn(EMAIL, PASSWORD);
    await client.logOut();
    await client.logOut();
    expect(backend.requests.at(-1)?.workflow).toBe("logout");
    expect(backend.requests.at(-1)?.body).toEqual({
      refresh_token: expect.stringMatching(/^eyJ/),
      session_id: sessionId,
    });
    expect(backend.session(sessionId)?.revoked).toBe(true);
    expect(ended.mock.calls).toEqual([["logged_out", expect.objectContaining({ sessionId })]]);
    expect(await client.session()).toBeNull();
    expect(await storage.get("bubble_jwt_session")).toBeNull();
    await expect(client.call("protected-action")).rejects.toMatchObject({ code: "not_signed_in" });
    await client.logIn(EMAIL, PASSWORD);
    await expect(client.call("protected-action")).resolves.toMatchObject({ user_id: "user-1" });
  });

  it("logOut() ends the session while a refresh races it, the logout answer delayed, and nothing goes out after", async () => {
    for (const first of ["logOut", "refresh"] as const) {
      const backend = setup({ tokenTtlMs: 1000 });
      const storage = memoryStorage();
      const refreshSent = deferred();
      const refreshHeld = deferred();
      const logoutHeld = deferred();
      const client = createClient({
        appUrl: APP,
        clock: backend.clock,
        storage,
        refreshMargin: 0,
        fetch: async (url, init) => {
          // The logout reaches the server late (a slow network): after the refresh racing it.
          if (url.endsWith("/logout")) await logoutHeld.promise;
          if (url.endsWith("/refresh-token")) {
            refreshSent.resolve();
            await refreshHeld.promise;
          }
          const answer = await backend.fetch(url, init);
          if (url.endsWith("/refresh-token")) logoutHeld.resolve();
          return answer;
        },
      });
      const ended = vi.fn();
      client.onSessionEnd(ended);
      const { sessionId } = await client.logIn(EMAIL, PASSWORD);
      backend.clock.advance(1000);
      let loggingOut: Promise<void>;
      let racing: Promise<unknown>;
      if (first === "logOut") {
        loggingOut = client.logOut();
        racing = client.call("protected-action").catch((e: unknown) => e);
        refreshHeld.resolve();
        // Where the refresh never starts, nothing holds the logout back.
        racing.finally(logoutHeld.resolve);
      } else {
        racing = client.call("protected-action").catch((e: unknown) => e);
        await refreshSent.promise;
        loggingOut = client.logOut();
        refreshHeld.resolve();
      }
      await loggingOut;
      // The racing call finds the session ended, without a reason of its own: the listeners were told one.
      expect(await racing, first).toMatchObject({
        name: "SessionError",
        code: "not_signed_in",
        reason: null,
      });
      expect(ended.mock.calls, first).toEqual([["logged_out", expect.objectContaining({ sessionId })]]);
      expect(await client.session(), first).toBeNull();
      expect(await storage.get("bubble_jwt_session"), first).toBeNull();
      expect(backend.session(sessionId)?.revoked, first).toBe(true);
      const sent = backend.requests.length;
      await expect(client.call("protected-action"), first).rejects.toMatchObject({ code: "not_signed_in" });
      expect(backend.requests.length, first).toBe(sent);
    }
  });

  it("ends the session here even when logout cannot reach the server, and says so", async () => {
    const backend = setup();
    const client = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: async (url, init) => {
        if (url.endsWith("/logout")) throw new TypeError("Network request failed");
        return backend.fetch(url, init);
      },
    });
    await client.logIn(EMAIL, PASSWORD);
    await expect(client.logOut()).rejects.toMatchObject({ code: "network_error" });
    expect(await client.session()).toBeNull();
  });

  it("logs out everywhere: another device's session ends at its next call, its access token still valid", async () => {
    const backend = setup();
    const phone = createClient({ appUrl: APP, clock: backend.clock, fetch: backend.fetch, refreshMargin: 0 });
    const tablet = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: backend.fetch,
      refreshMargin: 0,
    });
    const phoneEnded = vi.fn();
    const tabletEnded = vi.fn();
    phone.onSessionEnd(phoneEnded);
    tablet.onSessionEnd(tabletEnded);
    await tablet.logIn(EMAIL, PASSWORD);
    backend.clock.advance(5);
    const { sessionId } = await phone.logIn(EMAIL, PASSWORD);
    await phone.logOutEverywhere();
    expect(backend.requests.at(-1)).toMatchObject({
      workflow: "logout-everywhere",
      body: { token: expect.any(String), session_id: sessionId },
    });
    expect(phoneEnded.mock.calls).toEqual([["logged_out", expect.anything()]]);
    await expect(tablet.call("protected-action")).rejects.toMatchObject({
      name: "SessionError",
      reason: "revoked",
    });
    expect(tabletEnded.mock.calls).toEqual([["revoked", expect.anything()]]);
  });

  it("keeps the session when logout-everywhere fails, so the user can try again", async () => {
    const backend = setup();
    const client = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: async (url, init) =>
        url.endsWith("/logout-everywhere") ? new Response("", { status: 503 }) : backend.fetch(url, init),
    });
    await client.logIn(EMAIL, PASSWORD);
    await expect(client.logOutEverywhere()).rejects.toMatchObject({ code: "server_error", status: 503 });
    expect(await client.session()).not.toBeNull();
  });

  it("resumes the session from storage in a new client, and refreshes it from there", async () => {
    const backend = setup({ tokenTtlMs: 300 });
    const values = new Map<string, string>();
    const storage: SessionStorage = {
      get: async (key) => values.get(key),
      set: async (key, value) => {
        values.set(key, value);
      },
      remove: async (key) => {
        values.delete(key);
      },
    };
    const first = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: backend.fetch,
      storage,
      refreshMargin: 0,
    });
    const signedIn = await first.logIn(EMAIL, PASSWORD);
    expect([...values.keys()]).toEqual(["bubble_jwt_session"]);
    const second = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: backend.fetch,
      storage,
      refreshMargin: 0,
    });
    expect(await second.session()).toEqual(signedIn);
    backend.clock.advance(350);
    await expect(second.call("protected-action")).resolves.toMatchObject({ user_id: "user-1" });
    const third = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: backend.fetch,
      storage,
      refreshMargin: 0,
    });
    const resumed = await third.session();
    expect(resumed?.expiresAt.getTime()).toBeGreaterThan(signedIn.expiresAt.getTime());
    await third.logOut();
    expect(values.size).toBe(0);
  });

  it("reports a failing storage as a StorageError without the value it was given", async () => {
    const storage: SessionStorage = {
      get: async () => null,
      set: async (_key, value) => {
        throw new Error(`Keychain locked, could not write ${value}`);
      },
      remove: async () => {},
    };
    const client = createClient({ appUrl: APP, fetch: setup().fetch, storage });
    const error = await client.logIn(EMAIL, PASSWORD).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "StorageError", code: "storage_failed" });
    expect((error as Error).message).toContain("Keychain locked");
    expect((error as Error).message).not.toMatch(/eyJ/);
  });

  it("treats a damaged stored value, or one without its session_id, as no session", async () => {
    const withoutSessionId = JSON.stringify({
      version: 1,
      userId: "u",
      sessionId: null,
      token: "t",
      expiresAt: 1,
      refreshToken: "r",
      refreshExpiresAt: null,
      receivedAt: 1,
    });
    for (const stored of ["not json", '{"version":1,"userId":"u"}', '"text"', "null", withoutSessionId]) {
      const storage = memoryStorage();
      await storage.set("bubble_jwt_session", stored);
      const client = createClient({ appUrl: APP, fetch: setup().fetch, storage });
      expect(await client.session()).toBeNull();
    }
  });

  it("never puts a token into an error, even when a workflow's message echoes it", async () => {
    const backend = setup({ tokenTtlMs: 300 });
    let token = "";
    const client = createClient({
      appUrl: APP,
      clock: backend.clock,
      refreshMargin: 0,
      refreshRetryWindow: 0,
      fetch: async (url, init) => {
        const body = JSON.parse(String(init.body));
        token = body.token ?? body.refresh_token ?? token;
        if (url.endsWith("/protected-action")) {
          return new Response(
            JSON.stringify({
              status: "success",
              response: { error_code: "bad", error_message: `Refused ${token}` },
            }),
          );
        }
        if (url.endsWith("/refresh-token")) throw new TypeError(`fetch failed for ${token}`);
        return backend.fetch(url, init);
      },
    });
    await client.logIn(EMAIL, PASSWORD);
    const refused = await client.call("protected-action").catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "bad" });
    expect(token).toMatch(/^eyJ/);
    expect(exposedText(refused)).not.toContain(token);
    expect((refused as Error).message).toBe("Refused [token]");
    backend.clock.advance(350);
    const lost = await client.call("protected-action").catch((e: unknown) => e);
    expect(lost).toMatchObject({ code: "network_error" });
    expect(exposedText(lost)).not.toContain(token);
  });
});

describe("onSessionEnd: told once per ended session, for each reason", () => {
  type Ended = Array<[SessionEndReason, SessionInfo]>;

  /** A client on `backend` whose ends are recorded, and what comes after an end: none of it tells again. */
  function watched(backend: ReturnType<typeof setup>, options: Partial<ClientOptions> = {}) {
    const client = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: backend.fetch,
      refreshMargin: 0,
      ...options,
    });
    const ended: Ended = [];
    client.onSessionEnd((reason, info) => ended.push([reason, info]));
    const aftermath = async () => {
      await Promise.all(Array.from({ length: 3 }, () => client.call("protected-action").catch(() => {})));
      await client.logOutEverywhere().catch(() => {});
      await client.logOut();
      expect(await client.session()).toBeNull();
    };
    return { client, ended, aftermath };
  }

  const once = (ended: Ended, reason: SessionEndReason, sessionId: string) =>
    expect(ended).toEqual([[reason, expect.objectContaining({ sessionId })]]);

  it("logged_out: logOut(), then calls and logouts", async () => {
    const backend = setup();
    const { client, ended, aftermath } = watched(backend);
    const { sessionId } = await client.logIn(EMAIL, PASSWORD);
    await client.logOut();
    await aftermath();
    once(ended, "logged_out", sessionId);
  });

  it("logged_out: logOutEverywhere(), then calls and logouts", async () => {
    const backend = setup();
    const { client, ended, aftermath } = watched(backend);
    const { sessionId } = await client.logIn(EMAIL, PASSWORD);
    await client.logOutEverywhere();
    await aftermath();
    once(ended, "logged_out", sessionId);
  });

  it("logged_out: a new logIn() ends the previous session once, and the new one on its own logout", async () => {
    const backend = setup();
    const { client, ended } = watched(backend);
    const first = await client.logIn(EMAIL, PASSWORD);
    backend.clock.advance(1);
    const second = await client.logIn(EMAIL, PASSWORD);
    await client.call("protected-action");
    await client.logOut();
    await client.logOut();
    expect(ended).toEqual([
      ["logged_out", expect.objectContaining({ sessionId: first.sessionId })],
      ["logged_out", expect.objectContaining({ sessionId: second.sessionId })],
    ]);
  });

  it("logged_out: another client on the same storage logged out", async () => {
    const backend = setup({ tokenTtlMs: 1000 });
    const storage = memoryStorage();
    const other = createClient({ appUrl: APP, clock: backend.clock, fetch: backend.fetch, storage });
    const { client, ended, aftermath } = watched(backend, { storage });
    const { sessionId } = await other.logIn(EMAIL, PASSWORD);
    expect((await client.session())?.sessionId).toBe(sessionId);
    await other.logOut();
    backend.clock.advance(1000);
    await aftermath();
    once(ended, "logged_out", sessionId);
  });

  it("session_expired: the login passed its maximum age", async () => {
    const backend = setup({ tokenTtlMs: 1000, maxSessionMs: 5000 });
    const { client, ended, aftermath } = watched(backend);
    const { sessionId } = await client.logIn(EMAIL, PASSWORD);
    backend.clock.advance(5000);
    await expect(client.call("protected-action")).rejects.toMatchObject({ reason: "session_expired" });
    await aftermath();
    once(ended, "session_expired", sessionId);
  });

  it("refresh_token_reused: a copy of the refresh token rotated first", async () => {
    const backend = setup({ tokenTtlMs: 1000, retryWindowMs: 0 });
    const storage = memoryStorage();
    const { client, ended, aftermath } = watched(backend, { storage });
    const { sessionId } = await client.logIn(EMAIL, PASSWORD);
    const copy = memoryStorage();
    await copy.set("bubble_jwt_session", (await storage.get("bubble_jwt_session")) as string);
    const thief = createClient({ appUrl: APP, clock: backend.clock, fetch: backend.fetch, storage: copy });
    backend.clock.advance(1000);
    await thief.call("protected-action");
    backend.clock.advance(1);
    const waiting = await Promise.all(
      Array.from({ length: 5 }, () => client.call("protected-action").catch((e: unknown) => e)),
    );
    expect(waiting.every((e) => (e as SessionError).reason === "refresh_token_reused")).toBe(true);
    await aftermath();
    once(ended, "refresh_token_reused", sessionId);
  });

  it("revoked: the user logged out everywhere on another device (refused at once, still in its token's life)", async () => {
    const backend = setup();
    const { client, ended, aftermath } = watched(backend);
    const { sessionId } = await client.logIn(EMAIL, PASSWORD);
    const phone = createClient({ appUrl: APP, clock: backend.clock, fetch: backend.fetch });
    backend.clock.advance(1);
    await phone.logIn(EMAIL, PASSWORD);
    await phone.logOutEverywhere();
    const waiting = await Promise.all(
      Array.from({ length: 5 }, () => client.call("protected-action").catch((e: unknown) => e)),
    );
    expect(waiting.every((e) => e instanceof SessionError)).toBe(true);
    await aftermath();
    once(ended, "revoked", sessionId);
  });

  it("invalid_session: the server refuses the refresh token itself", async () => {
    const backend = setup({ tokenTtlMs: 1000 });
    const { client, ended, aftermath } = watched(backend, {
      // As after the app's secret changed: the refresh token no longer verifies.
      fetch: (url, init) =>
        url.endsWith("/refresh-token")
          ? backend.fetch(url, {
              ...init,
              body: String(init.body).replace(/"refresh_token":"/, '"refresh_token":"x'),
            })
          : backend.fetch(url, init),
    });
    const { sessionId } = await client.logIn(EMAIL, PASSWORD);
    backend.clock.advance(1000);
    await expect(client.call("protected-action")).rejects.toMatchObject({
      code: "invalid_signature",
      reason: "invalid_session",
    });
    await aftermath();
    once(ended, "invalid_session", sessionId);
  });
});

describe("no token in an error, however it is encoded", () => {
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  const b64url = (text: string) => Buffer.from(text).toString("base64url");
  const everyCharEscaped = (text: string) =>
    [...text].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`).join("");
  /** What a server or a library could write a token as, in a message. */
  const encodings: Record<string, (token: string) => string> = {
    raw: (t) => t,
    base64: (t) => b64(t),
    base64url: (t) => b64url(t),
    "base64 of a JSON object holding it": (t) => b64(JSON.stringify({ debug: { token: t } })),
    "base64 of a text with it after 1 character": (t) => b64(`x${t}`),
    "base64 of a text with it after 2 characters": (t) => b64(`xy${t}`),
    "base64 glued to a word": (t) => `token=${b64(t)}`,
    "base64 glued to letters (another alignment)": (t) => `ref${b64(t)}`,
    "base64 in 76-character lines": (t) => (b64(`Bearer ${t}`).match(/.{1,76}/g) ?? []).join("\r\n"),
    "base64 of base64": (t) => b64(b64(t)),
    "percent-encoded base64": (t) => encodeURIComponent(b64(`${t}??>`)),
    "percent-encoded base64url of JSON": (t) => encodeURIComponent(b64url(JSON.stringify([t]))),
    "every character percent-encoded": (t) => everyCharEscaped(t),
    hex: (t) => Buffer.from(t).toString("hex"),
    "hex, after an odd number of hex digits": (t) => `a${Buffer.from(t).toString("hex")}`,
    "percent-encoded twice": (t) => encodeURIComponent(everyCharEscaped(t)),
  };

  it("keeps a token out of every error, raw, base64, base64url, hex or percent-encoded, in its message or code", async () => {
    for (const [how, encode] of Object.entries(encodings)) {
      const backend = setup();
      let token = "";
      let where: "message" | "code" | "fetch" | "storage" = "message";
      let failStorage = false;
      const client = createClient({
        appUrl: APP,
        clock: backend.clock,
        storage: {
          get: async () => null,
          set: async () => {
            if (failStorage) throw new Error(`keychain refused ${encode(token)}`);
          },
          remove: async () => {},
        },
        fetch: async (url, init) => {
          token = JSON.parse(String(init.body)).token ?? token;
          if (!url.endsWith("/protected-action")) return backend.fetch(url, init);
          if (where === "fetch") throw new TypeError(`fetch failed: ${encode(token)}`);
          const refusal =
            where === "code"
              ? { error_code: encode(token), error_message: "" }
              : { error_code: "bad", error_message: `Refused (${encode(token)}).` };
          return new Response(JSON.stringify({ status: "success", response: refusal }));
        },
      });
      await client.logIn(EMAIL, PASSWORD);
      const errors: unknown[] = [];
      for (where of ["message", "code", "fetch"] as const) {
        errors.push(await client.call("protected-action").catch((e: unknown) => e));
      }
      failStorage = true;
      errors.push(await client.logIn(EMAIL, PASSWORD).catch((e: unknown) => e));
      expect(token, how).toMatch(/^eyJ/);
      for (const error of errors) {
        expect(error, how).toBeInstanceOf(BubbleClientError);
        const text = exposedText(error);
        expect(text, how).not.toContain(token);
        expect(text, how).not.toContain(encode(token));
        expect(text, how).toContain("[token]");
      }
    }
  });

  it("keeps even the start of a token out of a long message cut short", async () => {
    const backend = setup();
    let token = "";
    const client = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: async (url, init) => {
        token = JSON.parse(String(init.body)).token ?? token;
        if (!url.endsWith("/protected-action")) return backend.fetch(url, init);
        // Cut after its first 14 characters: the first part of the token, without a dot.
        const message = `${"x".repeat(4081)} ${token}`;
        const refusal = { error_code: "bad", error_message: message };
        return new Response(JSON.stringify({ status: "success", response: refusal }));
      },
    });
    await client.logIn(EMAIL, PASSWORD);
    const error = await client.call("protected-action").catch((e: unknown) => e);
    expect((error as Error).message.length).toBeLessThan(4200);
    expect(exposedText(error)).not.toContain(token.slice(0, 12));
  });

  it("leaves messages without a token as they are", async () => {
    for (const message of [
      "Wrong email or password.",
      "See https://myapp.bubbleapps.io/version-test/api/1.1/wf/login?debug=1 for details.",
      "Quota reached: 1024 of 1024 requests, retry after 2026-12-05T00:00:00.000Z (id 1733356800000x4271).",
      "ZGVidWcgb25seQ== is base64 for something harmless; so is SGVsbG8sIHdvcmxkIQ%3D%3D.",
    ]) {
      const client = createClient({
        appUrl: APP,
        fetch: async () =>
          new Response(
            JSON.stringify({
              status: "success",
              response: { error_code: "invalid_credentials", error_message: message },
            }),
          ),
      });
      await expect(client.logIn(EMAIL, PASSWORD)).rejects.toMatchObject({ message });
    }
  });
});

describe("two clients on one storage (two tabs, two instances)", () => {
  it("takes over the pair the other one rotated instead of presenting the old refresh token", async () => {
    const backend = setup({ tokenTtlMs: 300, retryWindowMs: 0 });
    const storage = memoryStorage();
    const tabA = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: backend.fetch,
      storage,
      refreshMargin: 0,
    });
    const tabB = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: backend.fetch,
      storage,
      refreshMargin: 0,
    });
    const ended = vi.fn();
    tabA.onSessionEnd(ended);
    tabB.onSessionEnd(ended);
    await tabA.logIn(EMAIL, PASSWORD);
    await tabB.call("protected-action");
    backend.clock.advance(350);
    await tabA.call("protected-action");
    backend.clock.advance(5);
    // B's token expired too, but A's fresh pair is in the storage: no refresh, no reuse.
    await expect(tabB.call("protected-action")).resolves.toMatchObject({ user_id: "user-1" });
    expect(backend.count("refresh-token")).toBe(1);
    backend.clock.advance(350);
    await tabB.call("protected-action");
    await tabA.call("protected-action");
    expect(backend.count("refresh-token")).toBe(2);
    expect(ended).not.toHaveBeenCalled();
  });

  it("ends its session, and never takes over another's, when the other one signed in anew", async () => {
    const backend = setup({ tokenTtlMs: 300 });
    backend.addUser("grace@example.com", PASSWORD);
    const storage = memoryStorage();
    const tabA = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: backend.fetch,
      storage,
      refreshMargin: 0,
    });
    const tabB = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: backend.fetch,
      storage,
      refreshMargin: 0,
    });
    await tabA.logIn(EMAIL, PASSWORD);
    expect((await tabB.session())?.userId).toBe("user-1");
    await tabA.logIn("grace@example.com", PASSWORD);
    backend.clock.advance(350);
    await expect(tabB.call("protected-action")).rejects.toMatchObject({
      code: "not_signed_in",
      reason: "logged_out",
    });
    expect(await tabB.session()).toBeNull();
    expect((await tabA.session())?.userId).toBe("user-2");
  });

  it("tells an ended session once, however many clients on the storage see it end", async () => {
    for (const how of ["logOut", "revoked"] as const) {
      const backend = setup();
      const storage = memoryStorage();
      const ended = vi.fn();
      // One app, two instances (two screens each made their own), one listener each.
      const [first, second] = [0, 1].map(() => {
        const client = createClient({ appUrl: APP, clock: backend.clock, fetch: backend.fetch, storage });
        client.onSessionEnd((reason) => ended(reason));
        return client;
      }) as [BubbleClient, BubbleClient];
      await first.logIn(EMAIL, PASSWORD);
      await second.session();
      if (how === "logOut") {
        await first.logOut();
      } else {
        const phone = createClient({ appUrl: APP, clock: backend.clock, fetch: backend.fetch });
        backend.clock.advance(1);
        await phone.logIn(EMAIL, PASSWORD);
        await phone.logOutEverywhere();
        await expect(first.call("protected-action"), how).rejects.toMatchObject({ reason: "revoked" });
      }
      await expect(second.call("protected-action"), how).rejects.toBeInstanceOf(SessionError);
      expect(await second.session(), how).toBeNull();
      expect(ended.mock.calls, how).toEqual([[how === "logOut" ? "logged_out" : "revoked"]]);
    }
  });

  it("ends its session when the other one logged out", async () => {
    const backend = setup({ tokenTtlMs: 300 });
    const storage = memoryStorage();
    const tabA = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: backend.fetch,
      storage,
      refreshMargin: 0,
    });
    const tabB = createClient({
      appUrl: APP,
      clock: backend.clock,
      fetch: backend.fetch,
      storage,
      refreshMargin: 0,
    });
    const ended = vi.fn();
    tabB.onSessionEnd(ended);
    await tabA.logIn(EMAIL, PASSWORD);
    await tabB.session();
    await tabA.logOut();
    backend.clock.advance(350);
    await expect(tabB.call("protected-action")).rejects.toMatchObject({
      code: "not_signed_in",
      reason: "logged_out",
    });
    expect(ended.mock.calls).toEqual([["logged_out", expect.anything()]]);
    expect(backend.count("refresh-token")).toBe(0);
  });
});
