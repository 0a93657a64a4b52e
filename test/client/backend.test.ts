/**
 * The client against the real local backend (src/emulator/server.ts) and its session workflows, which run
 * the built actions/ as Bubble does: sign up, log in, call, refresh on expiry, one refresh for 20 concurrent
 * calls, a lost refresh answer recovered, reuse ending the session, logouts, storage, Bubble's own errors;
 * and the built client/dist on Node 18 as a child process. Every request goes through a recording `fetch`,
 * so every token the server handed out is known, and no error may contain one.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  BubbleClientError,
  type ClientOptions,
  createClient,
  type FetchFunction,
  memoryStorage,
} from "../../client/src/index.js";
import { type RunningServer, startServer } from "../../src/emulator/server.js";
import { nodeRuntime } from "../../tools/node-runtimes.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DEMO = { email: "demo@example.com", password: "demo-password" };
// `exp` has whole seconds, so a token lives between TTL - 1 and TTL seconds: 3 leaves a loaded machine time.
const ACCESS_TTL_SECONDS = 3;
const RETRY_WINDOW_SECONDS = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Past the access token's expiry. */
const expire = () => sleep((ACCESS_TTL_SECONDS + 1) * 1000 + 100);

let server: RunningServer;
let dataDir: string;
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
  return createClient({
    appUrl: server.url,
    fetch,
    refreshMargin: 0,
    refreshRetryWindow: RETRY_WINDOW_SECONDS * 1000,
    ...options,
  });
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

/** A user of a test's own, for tests that end every session of their user. */
async function ownUser(): Promise<{ email: string; password: string }> {
  const user = {
    email: `user-${Math.random().toString(36).slice(2)}@example.com`,
    password: "a long enough password 1",
  };
  await client(recording().fetch).signUp(user.email, user.password);
  return user;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "jwt-client-"));
  server = await startServer({
    port: 0,
    dataDir,
    log: () => {},
    settings: { accessTokenTtlSeconds: ACCESS_TTL_SECONDS, refreshRetryWindowSeconds: RETRY_WINDOW_SECONDS },
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

// Concurrent: most tests wait for tokens to expire. Tests that log out everywhere use users of their own.
describe.concurrent("the client against the local backend", () => {
  it("signs up, logs in and calls a protected workflow, on live and on version-test", async ({ expect }) => {
    for (const version of ["live", "test"] as const) {
      const http = recording();
      const bubble = client(http.fetch, { version });
      const email = `new-${version}-${Date.now()}@example.com`;
      const signedIn = await bubble.signUp(email, "a long enough password 1");
      expect(signedIn.userId).toMatch(/\S/);
      expect(signedIn.expiresAt.getTime()).toBeGreaterThan(Date.now());
      const answer = await bubble.call("protected-action", { note: "hello" });
      expect(answer).toMatchObject({ user_id: signedIn.userId, email });
      expect(http.workflows).toEqual(["signup", "login", "protected-action"]);
      expect(http.bodies[2]).toMatchObject({ note: "hello", token: expect.stringMatching(/^eyJ/) });
    }
  });

  it("refuses a wrong password and a taken email with the workflows' codes", async ({ expect }) => {
    const bubble = client(recording().fetch);
    expect(await failure(bubble.logIn(DEMO.email, "wrong password"))).toMatchObject({
      name: "WorkflowError",
      code: "invalid_credentials",
    });
    expect(await failure(bubble.signUp(DEMO.email, "a long enough password 1"))).toMatchObject({
      code: "email_taken",
    });
  });

  it("refreshes an expired token by itself, once, and keeps calling", async ({ expect }) => {
    const http = recording();
    const bubble = client(http.fetch);
    const first = await bubble.logIn(DEMO.email, DEMO.password);
    await expire();
    await expect(bubble.call("protected-action")).resolves.toMatchObject({ email: DEMO.email });
    expect(http.count("refresh-token")).toBe(1);
    const second = await bubble.session();
    expect(second?.sessionId).toBe(first.sessionId);
    expect(second?.expiresAt.getTime()).toBeGreaterThan(first.expiresAt.getTime());
    await bubble.call("protected-action");
    expect(http.count("refresh-token")).toBe(1);
  });

  it("makes exactly one refresh request for 20 concurrent calls after expiry", async ({ expect }) => {
    const http = recording();
    const bubble = client(http.fetch);
    await bubble.logIn(DEMO.email, DEMO.password);
    await expire();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, n) => bubble.call("protected-action", { n: String(n) })),
    );
    expect(answers.every((answer) => answer.email === DEMO.email)).toBe(true);
    expect(http.count("refresh-token")).toBe(1);
    expect(http.count("protected-action")).toBe(20);
  });

  it("recovers a refresh whose answer was lost: the server got it, the client resends it in the window", async ({
    expect,
  }) => {
    let drop = 1;
    const http = recording(async (workflow, send) => {
      const answer = await send();
      if (workflow === "refresh-token" && drop-- > 0) throw new TypeError("Network request failed");
      return answer;
    });
    const bubble = client(http.fetch);
    const ended = vi.fn();
    bubble.onSessionEnd(ended);
    await bubble.logIn(DEMO.email, DEMO.password);
    await expire();
    await expect(bubble.call("protected-action")).resolves.toMatchObject({ email: DEMO.email });
    const refreshes = http.bodies.filter((_, i) => http.workflows[i] === "refresh-token");
    expect(refreshes).toHaveLength(2);
    expect(refreshes[1]?.refresh_token).toBe(refreshes[0]?.refresh_token);
    // The pair the retry brought rotates normally, well after the window: no reuse was recorded.
    await expire();
    await expect(bubble.call("protected-action")).resolves.toMatchObject({ email: DEMO.email });
    expect(http.count("refresh-token")).toBe(3);
    expect(ended).not.toHaveBeenCalled();
  });

  it("recovers a refresh whose answer never came (a timeout) the same way", async ({ expect }) => {
    let hang = 1;
    const http = recording(async (workflow, send) => {
      const answer = await send();
      if (workflow === "refresh-token" && hang-- > 0) return new Promise<Response>(() => {});
      return answer;
    });
    // Long enough for login on a loaded machine; the resend (timeout + 250 ms) stays in 80% of the window.
    const bubble = client(http.fetch, { requestTimeout: 1500 });
    await bubble.logIn(DEMO.email, DEMO.password);
    await expire();
    await expect(bubble.call("protected-action")).resolves.toMatchObject({ email: DEMO.email });
    expect(http.count("refresh-token")).toBe(2);
    await expire();
    await expect(bubble.call("protected-action")).resolves.toMatchObject({ email: DEMO.email });
  });

  it("ends the session once when a copy of its refresh token was used: refresh_token_reused", async ({
    expect,
  }) => {
    const storage = memoryStorage();
    const http = recording();
    const bubble = client(http.fetch, { storage });
    const ended = vi.fn();
    bubble.onSessionEnd(ended);
    await bubble.logIn(DEMO.email, DEMO.password);
    const copy = memoryStorage();
    await copy.set("bubble_jwt_session", (await storage.get("bubble_jwt_session")) as string);
    const thief = client(recording().fetch, { storage: copy });
    await expire();
    await thief.call("protected-action");
    await sleep((RETRY_WINDOW_SECONDS + 0.5) * 1000);
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
    expect(ended).toHaveBeenCalledTimes(1);
    expect(ended.mock.calls[0]?.[0]).toBe("refresh_token_reused");
    expect(await bubble.session()).toBeNull();
    expect(await storage.get("bubble_jwt_session")).toBeNull();
    // The thief holds the same session: revoked too.
    await expire();
    expect(await failure(thief.call("protected-action"))).toMatchObject({ reason: "revoked" });
  });

  it("logs out: the server revokes the session, and its refresh token no longer works", async ({
    expect,
  }) => {
    const http = recording();
    const bubble = client(http.fetch);
    const ended = vi.fn();
    bubble.onSessionEnd(ended);
    await bubble.logIn(DEMO.email, DEMO.password);
    await bubble.logOut();
    expect(http.workflows.at(-1)).toBe("logout");
    expect(ended.mock.calls).toEqual([["logged_out", expect.anything()]]);
    const refreshToken = http.bodies.at(-1)?.refresh_token as string;
    const answer = await fetch(`${server.url}/api/1.1/wf/refresh-token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: refreshToken }),
    }).then((response) => response.json());
    expect(answer.response.error_code).toBe("revoked");
    expect(await failure(bubble.call("protected-action"))).toMatchObject({ code: "not_signed_in" });
  });

  it("logs out everywhere: another device's session ends at its next refresh, as revoked", async ({
    expect,
  }) => {
    const user = await ownUser();
    const phone = client(recording().fetch);
    const tablet = client(recording().fetch);
    const tabletEnded = vi.fn();
    tablet.onSessionEnd(tabletEnded);
    await tablet.logIn(user.email, user.password);
    // Bubble's dates have milliseconds; a login in the same millisecond as the logout would count as before it.
    await sleep(20);
    await phone.logIn(user.email, user.password);
    await sleep(20);
    await phone.logOutEverywhere();
    expect(await phone.session()).toBeNull();
    await expire();
    expect(await failure(tablet.call("protected-action"))).toMatchObject({
      name: "SessionError",
      reason: "revoked",
    });
    expect(tabletEnded.mock.calls).toEqual([["revoked", expect.anything()]]);
    // A new login after it works.
    await sleep(20);
    await phone.logIn(user.email, user.password);
    await expect(phone.call("protected-action")).resolves.toMatchObject({ email: user.email });
  });

  it("ends the session at once when the strict workflow says revoked (after a logout everywhere)", async ({
    expect,
  }) => {
    const user = await ownUser();
    const phone = client(recording().fetch);
    const http = recording();
    const tablet = client(http.fetch);
    const tabletEnded = vi.fn();
    tablet.onSessionEnd(tabletEnded);
    await tablet.logIn(user.email, user.password);
    await expect(tablet.call("protected-action-strict")).resolves.toMatchObject({ email: user.email });
    await sleep(20);
    await phone.logIn(user.email, user.password);
    await sleep(20);
    await phone.logOutEverywhere();
    // The tablet's access token is still within its life: the strict workflow refuses it, the refresh confirms.
    expect(await failure(tablet.call("protected-action-strict"))).toMatchObject({
      code: "revoked",
      reason: "revoked",
    });
    expect(http.workflows.slice(-2)).toEqual(["protected-action-strict", "refresh-token"]);
    expect(tabletEnded).toHaveBeenCalledTimes(1);
  });

  it("resumes a stored session in a new client (an app restart), and refreshes it there", async ({
    expect,
  }) => {
    const storage = memoryStorage();
    const first = client(recording().fetch, { storage });
    const signedIn = await first.logIn(DEMO.email, DEMO.password);
    const stored = (await storage.get("bubble_jwt_session")) as string;
    // Expo SecureStore's limit for one value.
    expect(new TextEncoder().encode(stored).length).toBeLessThan(2048);
    const http = recording();
    const restarted = client(http.fetch, { storage });
    expect(await restarted.session()).toEqual(signedIn);
    await expire();
    await expect(restarted.call("protected-action")).resolves.toMatchObject({ user_id: signedIn.userId });
    expect(http.workflows).toEqual(["refresh-token", "protected-action"]);
  });

  it("reads Bubble's MISSING_DATA 400 and the 401 for an Authorization header as the backend sends them", async ({
    expect,
  }) => {
    const stripped = client(async (url, init) =>
      fetch(url, { ...init, body: JSON.stringify({ email: DEMO.email }) }),
    );
    expect(await failure(stripped.logIn(DEMO.email, DEMO.password))).toMatchObject({
      name: "BubbleHttpError",
      code: "missing_data",
      status: 400,
      message: expect.stringContaining("parameter password"),
    });
    const withHeader = client(async (url, init) =>
      fetch(url, { ...init, headers: { ...(init.headers as object), Authorization: "Bearer bus|x" } }),
    );
    expect(await failure(withHeader.logIn(DEMO.email, DEMO.password))).toMatchObject({
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
    const run = promisify(execFile);
    await run(path.join(ROOT, "node_modules/.bin/tsc"), ["-p", path.join(ROOT, "client/tsconfig.json")]);
    const entry = pathToFileURL(path.join(ROOT, "client/dist/index.js")).href;
    const script = `
      import { createClient } from ${JSON.stringify(entry)};
      let refreshes = 0;
      const fetch = (url, init) => { if (url.endsWith("/refresh-token")) refreshes++; return globalThis.fetch(url, init); };
      const bubble = createClient({ appUrl: process.env.APP_URL, fetch, refreshMargin: 0 });
      await bubble.logIn(process.env.EMAIL, process.env.PASSWORD);
      await new Promise((resolve) => setTimeout(resolve, Number(process.env.WAIT_MS)));
      const answers = await Promise.all([1, 2, 3].map((n) => bubble.call("protected-action", { n: String(n) })));
      const session = await bubble.session();
      console.log(JSON.stringify({ node: process.version, refreshes, emails: answers.map((a) => a.email), userId: session.userId }));
    `;
    const { stdout } = await run(nodeRuntime("node18").bin, ["--input-type=module", "-e", script], {
      env: {
        APP_URL: server.url,
        EMAIL: DEMO.email,
        PASSWORD: DEMO.password,
        WAIT_MS: String((ACCESS_TTL_SECONDS + 1) * 1000 + 100),
      },
    });
    const report = JSON.parse(stdout);
    expect(report.node).toMatch(/^v18\./);
    expect(report.refreshes).toBe(1);
    expect(report.emails).toEqual([DEMO.email, DEMO.email, DEMO.email]);
    expect(report.userId).toMatch(/\S/);
  });
});
