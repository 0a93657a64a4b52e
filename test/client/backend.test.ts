/**
 * The client against the real local backend (src/emulator/server.ts), which runs the recommended workflows
 * (app/) with the built actions/ as Bubble does: sign up, log in, the session_id sent back, refresh on
 * expiry, one refresh for 20 concurrent calls, a lost refresh answer recovered, reuse ending the session,
 * instant logout, logouts, storage, Bubble's own errors; and the built client/dist on Node 18 as a child
 * process. The server and the clients share one test clock (clock.ts) that the tests move: nothing waits
 * for an expiry or a window. Every request goes through a recording `fetch`, so every token the server
 * handed out is known, and no error may contain one.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  BubbleClientError,
  type ClientOptions,
  createClient,
  type FetchFunction,
  memoryStorage,
} from "../../client/src/index.js";
import { type RunningServer, startServer } from "../../src/emulator/server.js";
import { nodeRuntime } from "../../tools/node-runtimes.js";
import { testClock } from "./clock.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PASSWORD = "a long enough password 1";
// The server's own settings: 15-minute access tokens, a 30-second retry window.
const ACCESS_TTL_MS = 900_000;
const RETRY_WINDOW_MS = 30_000;
/** The server's and the clients' clock. */
const clock = testClock();
/** Past the access token's expiry, as the server and the clients see it. */
const expire = () => clock.advance(ACCESS_TTL_MS + 1000);

let server: RunningServer;
let dataDir: string;
/** The user of the tests that do not end every session of their user. */
let shared: { email: string; password: string };
/** Every token and refresh token the server answered with, to look for in errors. */
const handedOut = new Set<string>();
/** Every error a client threw in these tests. */
const thrown: unknown[] = [];

/** A `fetch` that records each workflow requested and the tokens answered; `around` may change the exchange. */
function recording(around?: (workflow: string, send: () => Promise<Response>) => Promise<Response>) {
  const workflows: string[] = [];
  const bodies: Array<Record<string, unknown>> = [];
  const fetch: FetchFunction = async (url, init) => {
    const workflow = url.slice(url.lastIndexOf("/") + 1);
    workflows.push(workflow);
    bodies.push(JSON.parse(String(init.body)));
    const send = async () => {
      const response = await globalThis.fetch(url, init);
      const text = await response.text();
      const answer = JSON.parse(text)?.response ?? {};
      for (const name of ["token", "refresh_token"]) if (answer[name]) handedOut.add(answer[name]);
      return new Response(text, { status: response.status, headers: response.headers });
    };
    return around ? around(workflow, send) : send();
  };
  return { fetch, workflows, bodies, count: (name: string) => workflows.filter((w) => w === name).length };
}

function client(fetch: FetchFunction, options: Partial<ClientOptions> = {}) {
  return createClient({ appUrl: server.url, fetch, clock, refreshMargin: 0, ...options });
}

/** The error `promise` rejects with (kept for the last test), or null when it resolves. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (error) thrown.push(error);
  return error;
}

/** A user of a test's own (tests that end every session of their user need one): signed up, not logged in. */
async function ownUser(): Promise<{ email: string; password: string }> {
  const user = { email: `user-${Math.random().toString(36).slice(2)}@example.com`, password: PASSWORD };
  const answer = await fetch(`${server.url}/api/1.1/wf/signup`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(user),
  }).then((response) => response.json());
  expect(answer.response.user_id).toMatch(/\S/);
  // Dates are milliseconds: the next login is not in the same millisecond as this one.
  clock.advance(1);
  return user;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "jwt-client-"));
  server = await startServer({ port: 0, dataDir, log: () => {}, now: clock.now });
  shared = await ownUser();
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

// One after the other: they share the clock, and some move it.
describe("the client against the local backend", () => {
  it("signs up, logs in and calls a protected workflow with the session_id, on live and on version-test", async () => {
    for (const version of ["live", "test"] as const) {
      const http = recording();
      const bubble = client(http.fetch, { version });
      const email = `new-${version}-${Date.now()}@example.com`;
      const signedIn = await bubble.signUp(email, PASSWORD);
      expect(signedIn.userId).toMatch(/\S/);
      expect(signedIn.sessionId).toMatch(/\S/);
      // exp is in whole seconds.
      expect(signedIn.expiresAt.getTime()).toBe(Math.floor(clock.now() / 1000) * 1000 + ACCESS_TTL_MS);
      const answer = await bubble.call("protected-action", { note: "hello" });
      expect(answer).toEqual({ user_id: signedIn.userId, email, parameters: { note: "hello" } });
      expect(http.workflows).toEqual(["signup", "login", "protected-action"]);
      expect(http.bodies[2]).toEqual({
        note: "hello",
        token: expect.stringMatching(/^eyJ/),
        session_id: signedIn.sessionId,
      });
    }
  });

  it("refuses a wrong password and a taken email with the workflows' codes", async () => {
    const user = shared;
    const bubble = client(recording().fetch);
    expect(await failure(bubble.logIn(user.email, "wrong password"))).toMatchObject({
      name: "WorkflowError",
      code: "invalid_credentials",
    });
    expect(await failure(bubble.signUp(user.email, PASSWORD))).toMatchObject({ code: "email_taken" });
  });

  it("refreshes an expired token by itself with the session_id, once, and keeps calling", async () => {
    const user = shared;
    const http = recording();
    const bubble = client(http.fetch);
    const first = await bubble.logIn(user.email, user.password);
    expire();
    await expect(bubble.call("protected-action")).resolves.toMatchObject({ email: user.email });
    expect(http.count("refresh-token")).toBe(1);
    expect(http.bodies[http.workflows.indexOf("refresh-token")]).toEqual({
      refresh_token: expect.stringMatching(/^eyJ/),
      session_id: first.sessionId,
    });
    const second = await bubble.session();
    expect(second?.sessionId).toBe(first.sessionId);
    expect(second?.expiresAt.getTime()).toBeGreaterThan(first.expiresAt.getTime());
    await bubble.call("protected-action");
    expect(http.count("refresh-token")).toBe(1);
  });

  it("makes exactly one refresh request for 20 concurrent calls after expiry", async () => {
    const user = shared;
    const http = recording();
    const bubble = client(http.fetch);
    await bubble.logIn(user.email, user.password);
    expire();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, n) => bubble.call("protected-action", { n: String(n) })),
    );
    expect(answers.map((answer) => answer.parameters)).toEqual(
      Array.from({ length: 20 }, (_, n) => ({ n: String(n) })),
    );
    expect(http.count("refresh-token")).toBe(1);
    expect(http.count("protected-action")).toBe(20);
  });

  it("recovers a refresh whose answer was lost: the server got it, the client resends it in the window", async () => {
    const user = shared;
    let drop = 1;
    const http = recording(async (workflow, send) => {
      const answer = await send();
      if (workflow === "refresh-token" && drop-- > 0) throw new TypeError("Network request failed");
      return answer;
    });
    const bubble = client(http.fetch);
    const ended = vi.fn();
    bubble.onSessionEnd(ended);
    await bubble.logIn(user.email, user.password);
    expire();
    await expect(bubble.call("protected-action")).resolves.toMatchObject({ email: user.email });
    const refreshes = http.bodies.filter((_, i) => http.workflows[i] === "refresh-token");
    expect(refreshes).toHaveLength(2);
    expect(refreshes[1]?.refresh_token).toBe(refreshes[0]?.refresh_token);
    // The pair the retry brought rotates normally, well after the window: no reuse was recorded.
    expire();
    await expect(bubble.call("protected-action")).resolves.toMatchObject({ email: user.email });
    expect(http.count("refresh-token")).toBe(3);
    expect(ended).not.toHaveBeenCalled();
  });

  it("recovers a refresh whose answer never came (a timeout) the same way", async () => {
    const user = shared;
    const storage = memoryStorage();
    await client(recording().fetch, { storage }).logIn(user.email, user.password);
    let hang = 1;
    const http = recording(async (workflow, send) => {
      const answer = await send();
      if (workflow === "refresh-token" && hang-- > 0) return new Promise<Response>(() => {});
      return answer;
    });
    // The request deadline is a real timer (it bounds the network): the one real wait of these tests, short,
    // on a client that only refreshes and calls. A loaded machine may time out a resend too; each resend is
    // inside the window.
    const bubble = client(http.fetch, { storage, requestTimeout: 1000 });
    expire();
    await expect(bubble.call("protected-action")).resolves.toMatchObject({ email: user.email });
    const refreshes = http.bodies.filter((_, i) => http.workflows[i] === "refresh-token");
    expect(refreshes.length).toBeGreaterThanOrEqual(2);
    expect(new Set(refreshes.map((body) => body.refresh_token)).size).toBe(1);
    expire();
    await expect(bubble.call("protected-action")).resolves.toMatchObject({ email: user.email });
  });

  it("ends the session once when a copy of its refresh token was used: refresh_token_reused", async () => {
    const user = shared;
    const storage = memoryStorage();
    const http = recording();
    const bubble = client(http.fetch, { storage });
    const ended = vi.fn();
    bubble.onSessionEnd(ended);
    await bubble.logIn(user.email, user.password);
    const copy = memoryStorage();
    await copy.set("bubble_jwt_session", (await storage.get("bubble_jwt_session")) as string);
    const thief = client(recording().fetch, { storage: copy });
    expire();
    await thief.call("protected-action");
    clock.advance(RETRY_WINDOW_MS + 1000);
    const errors = await Promise.all(
      Array.from({ length: 5 }, () => failure(bubble.call("protected-action"))),
    );
    for (const error of errors) {
      expect(error).toMatchObject({
        name: "SessionError",
        code: "refresh_token_reused",
        reason: "refresh_token_reused",
      });
    }
    expect(http.count("refresh-token")).toBe(1);
    expect(ended.mock.calls).toEqual([["refresh_token_reused", expect.anything()]]);
    expect(await bubble.session()).toBeNull();
    expect(await storage.get("bubble_jwt_session")).toBeNull();
    // The thief holds the same session: refused at its next call, its access token still in its life.
    expect(await failure(thief.call("protected-action"))).toMatchObject({ reason: "revoked" });
  });

  it("logs out: the server revokes the session, and its refresh token no longer works", async () => {
    const user = shared;
    const http = recording();
    const bubble = client(http.fetch);
    const ended = vi.fn();
    bubble.onSessionEnd(ended);
    const { sessionId } = await bubble.logIn(user.email, user.password);
    await bubble.logOut();
    expect(http.workflows.at(-1)).toBe("logout");
    expect(http.bodies.at(-1)).toEqual({
      refresh_token: expect.stringMatching(/^eyJ/),
      session_id: sessionId,
    });
    expect(ended.mock.calls).toEqual([["logged_out", expect.anything()]]);
    const answer = await fetch(`${server.url}/api/1.1/wf/refresh-token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(http.bodies.at(-1)),
    }).then((response) => response.json());
    expect(answer.response.error_code).toBe("revoked");
    expect(await failure(bubble.call("protected-action"))).toMatchObject({ code: "not_signed_in" });
  });

  it("instant logout: a copy of the session is refused at its next call, its access token still valid", async () => {
    const user = shared;
    const storage = memoryStorage();
    const phone = client(recording().fetch, { storage });
    await phone.logIn(user.email, user.password);
    const copy = memoryStorage();
    await copy.set("bubble_jwt_session", (await storage.get("bubble_jwt_session")) as string);
    const http = recording();
    const other = client(http.fetch, { storage: copy });
    const ended = vi.fn();
    other.onSessionEnd(ended);
    await expect(other.call("protected-action")).resolves.toMatchObject({ email: user.email });
    await phone.logOut();
    expect(await failure(other.call("protected-action"))).toMatchObject({
      code: "revoked",
      reason: "revoked",
    });
    // The refusal, then the refresh that confirms the session is over.
    expect(http.workflows.slice(-2)).toEqual(["protected-action", "refresh-token"]);
    expect(ended.mock.calls).toEqual([["revoked", expect.anything()]]);
  });

  it("logs out everywhere: another device's session ends at its next call, as revoked", async () => {
    const user = await ownUser();
    const phone = client(recording().fetch);
    const tablet = client(recording().fetch);
    const tabletEnded = vi.fn();
    tablet.onSessionEnd(tabletEnded);
    await tablet.logIn(user.email, user.password);
    clock.advance(1);
    await phone.logIn(user.email, user.password);
    clock.advance(1);
    await phone.logOutEverywhere();
    expect(await phone.session()).toBeNull();
    expect(await failure(tablet.call("protected-action"))).toMatchObject({
      name: "SessionError",
      reason: "revoked",
    });
    expect(tabletEnded.mock.calls).toEqual([["revoked", expect.anything()]]);
    // A new login after it works.
    clock.advance(1);
    await phone.logIn(user.email, user.password);
    await expect(phone.call("protected-action")).resolves.toMatchObject({ email: user.email });
  });

  it("resumes a stored session in a new client (an app restart), and refreshes it there", async () => {
    const user = shared;
    const storage = memoryStorage();
    const first = client(recording().fetch, { storage });
    const signedIn = await first.logIn(user.email, user.password);
    const stored = (await storage.get("bubble_jwt_session")) as string;
    // Expo SecureStore's limit for one value.
    expect(new TextEncoder().encode(stored).length).toBeLessThan(2048);
    const http = recording();
    const restarted = client(http.fetch, { storage });
    expect(await restarted.session()).toEqual(signedIn);
    expire();
    await expect(restarted.call("protected-action")).resolves.toMatchObject({ user_id: signedIn.userId });
    expect(http.workflows).toEqual(["refresh-token", "protected-action"]);
  });

  it("reads Bubble's MISSING_DATA 400 and the 401 for an Authorization header as the backend sends them", async () => {
    const user = shared;
    const stripped = client(async (url, init) =>
      fetch(url, { ...init, body: JSON.stringify({ email: user.email }) }),
    );
    expect(await failure(stripped.logIn(user.email, user.password))).toMatchObject({
      name: "BubbleHttpError",
      code: "missing_data",
      status: 400,
      message: expect.stringContaining("parameter password"),
    });
    const withHeader = client(async (url, init) =>
      fetch(url, { ...init, headers: { ...(init.headers as object), Authorization: "Bearer bus|x" } }),
    );
    expect(await failure(withHeader.logIn(user.email, user.password))).toMatchObject({
      code: "unauthorized",
      status: 401,
    });
  });
});

describe("the errors of the tests above", () => {
  it("are the client's, and none holds a token", () => {
    expect(thrown.length).toBeGreaterThan(10);
    for (const error of thrown) expect(error).toBeInstanceOf(BubbleClientError);
    expect(handedOut.size).toBeGreaterThan(10);
    for (const error of thrown) {
      const text = `${(error as Error).message} ${(error as Error).stack} ${JSON.stringify(error)}`;
      for (const token of handedOut) expect(text).not.toContain(token);
    }
  });
});

describe("the built client on Node 18", () => {
  it("imports client/dist/index.js, logs in, refreshes once and calls", async () => {
    const user = shared;
    const run = promisify(execFile);
    await run(path.join(ROOT, "node_modules/.bin/tsc"), ["-p", path.join(ROOT, "client/tsconfig.json")]);
    const entry = pathToFileURL(path.join(ROOT, "client/dist/index.js")).href;
    // The child's clock is the server's (the test's), and runs ahead of it by the access token's life once
    // logged in: its tokens look expired to it, so it refreshes.
    const script = `
      import { createClient } from ${JSON.stringify(entry)};
      let refreshes = 0;
      let ahead = Number(process.env.SERVER_AHEAD_MS);
      const clock = { now: () => Date.now() + ahead, sleep: async (ms) => { ahead += ms; } };
      const fetch = (url, init) => { if (url.endsWith("/refresh-token")) refreshes++; return globalThis.fetch(url, init); };
      const bubble = createClient({ appUrl: process.env.APP_URL, fetch, clock, refreshMargin: 0 });
      await bubble.logIn(process.env.EMAIL, process.env.PASSWORD);
      ahead += Number(process.env.AHEAD_MS);
      const answers = await Promise.all([1, 2, 3].map((n) => bubble.call("protected-action", { n: String(n) })));
      const session = await bubble.session();
      console.log(JSON.stringify({ node: process.version, refreshes, emails: answers.map((a) => a.email), userId: session.userId }));
    `;
    const { stdout } = await run(nodeRuntime("node18").bin, ["--input-type=module", "-e", script], {
      env: {
        APP_URL: server.url,
        EMAIL: user.email,
        PASSWORD: user.password,
        SERVER_AHEAD_MS: String(clock.now() - Date.now()),
        AHEAD_MS: String(ACCESS_TTL_MS + 1000),
      },
    });
    const report = JSON.parse(stdout);
    expect(report.node).toMatch(/^v18\./);
    expect(report.refreshes).toBe(1);
    expect(report.emails).toEqual([user.email, user.email, user.email]);
    expect(report.userId).toMatch(/\S/);
  });
});
