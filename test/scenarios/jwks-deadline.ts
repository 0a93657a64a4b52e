/**
 * Scenario: a JWKS download always ends. Verify external, through the built bundle, against loopback
 * endpoints that misbehave in every way a download can (silent, slow headers, a dripping body, an
 * endless body, a huge one, a reset, a redirect, a 404), all at once, while gc() runs every few
 * milliseconds (the process is started with --expose-gc), then against the same URLs once they answer
 * properly. The global fetch is node-fetch v2 or Node's own (FETCH_GLOBAL, test/support/fetch-global.ts).
 *
 * The download deadline runs on a clock moved by hand (test/support/manual-timers.ts), handed to the
 * bundle with the endpoints' plain http through the local runtime's seam: the endpoints misbehave in
 * real time, the 5 seconds pass at once. Each call is watched: one that has not settled 10 real seconds
 * after the clock passed its deadline is reported as hung, so a regression fails the test instead of
 * stalling it. Prints one report for test/jwks-deadline.test.ts.
 */
import path from "node:path";
import { BubbleRuntime } from "../../src/emulator/runtime.js";
import { harness } from "../contract/harness.js";
import { installFetchGlobal } from "../support/fetch-global.js";
import { JwksTestServer, jwksOf, type Route, testKey } from "../support/jwks-server.js";
import { now, signJws } from "../support/jws.js";
import { ManualTimers } from "../support/manual-timers.js";
import type { Observation } from "../support/observe.js";
import { printReport } from "../support/observe.js";

const started = Date.now();
const fetchGlobal = installFetchGlobal();
const gc = (globalThis as { gc?: () => void }).gc;
const collector = setInterval(() => gc?.(), 10);
const report: Record<string, unknown> = { node: process.version, gcExposed: typeof gc === "function" };
const server = await new JwksTestServer().start();
const key = testKey("RS256", "rsa-1");
const timers = new ManualTimers();
const h = harness(
  new BubbleRuntime(path.resolve("actions"), { localRuntime: { loopbackHttp: true, timers } }),
);

const huge = { keys: [key.jwk], padding: "x".repeat(2 * 1024 * 1024) };
/**
 * Each endpoint, and whether what it sends ends the call by itself (too large, a reset, a status) or
 * only the deadline can. The clock moves once the first have ended and the others are mid-answer.
 */
const ENDPOINTS: Record<string, Route & { endsByItself?: true }> = {
  silent: { json: jwksOf(key), delayMs: 60_000 },
  "slow headers": { json: jwksOf(key), delayMs: 7_000 },
  "dripping body": { stream: { chunk: "x", intervalMs: 20 } },
  "endless body under the size limit": { stream: { chunk: "x".repeat(1024), intervalMs: 10 } },
  "endless body past the size limit": {
    stream: { chunk: "x".repeat(256 * 1024), intervalMs: 2 },
    endsByItself: true,
  },
  "huge body, declared": { json: huge, endsByItself: true },
  "huge body, chunked": { json: huge, chunked: true, endsByItself: true },
  "reset after the headers": { resetAfterHeaders: true, endsByItself: true },
  redirect: { status: 302, headers: { location: "/elsewhere/jwks.json" }, raw: "", endsByItself: true },
  "404": { status: 404, raw: "not here", endsByItself: true },
};

// Proof that no deadline ran on a real timer: any setTimeout of exactly the deadline is counted.
const realSetTimeout = globalThis.setTimeout;
let realDeadlineTimers = 0;
globalThis.setTimeout = ((callback: () => void, ms?: number, ...rest: unknown[]) => {
  if (ms === 5_000) realDeadlineTimers++;
  return realSetTimeout(callback, ms, ...rest);
}) as typeof setTimeout;

interface Watched {
  observed: Observation | { hung: true };
  /** The hand-moved clock when the call settled, in milliseconds after it started. */
  virtualMs: number;
}

/** A call of Verify external for `route`; `settled` tells whether it has ended yet. */
function call(route: string): { result: Promise<Watched>; settled: () => boolean } {
  const token = signJws(
    { alg: "RS256", typ: "JWT", kid: key.kid },
    { iss: "https://id.example.com", sub: "u", iat: now(), exp: now() + 600 },
    "RS256",
    key.privateKey,
  );
  const inputs = { token, provider: "Custom", jwks_url: server.url(route), issuer: "https://id.example.com" };
  const startedAt = timers.now;
  let done = false;
  const result = h.call("external", inputs).then((observed) => {
    done = true;
    return { observed, virtualMs: timers.now - startedAt };
  });
  return { result, settled: () => done };
}

const realPause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (in real time, bounded) until `condition` holds. */
async function until(condition: () => boolean, limitMs = 10_000): Promise<boolean> {
  for (let waited = 0; waited < limitMs; waited += 5) {
    if (condition()) return true;
    await realPause(5);
  }
  return condition();
}

/** The call's outcome, or `hung` when it has not settled within 10 real seconds. */
async function outcome(watched: ReturnType<typeof call>): Promise<Watched> {
  if (!(await until(watched.settled))) return { observed: { hung: true }, virtualMs: timers.now };
  return watched.result;
}

const routeOf = (name: string) => `/${name.replace(/[^a-z0-9]+/gi, "-")}/jwks.json`;
for (const [name, route] of Object.entries(ENDPOINTS)) server.set(routeOf(name), route);

// Every endpoint at once. They misbehave in real time until the clock reaches the deadline: the
// endpoints that settle a call by themselves (too large, a reset, a status) do so before it moves.
const calls = Object.fromEntries(Object.keys(ENDPOINTS).map((name) => [name, call(routeOf(name))]));
const streaming = Object.keys(ENDPOINTS).filter(
  (name) => ENDPOINTS[name]?.stream && !ENDPOINTS[name]?.endsByItself,
);
await until(
  () =>
    Object.keys(ENDPOINTS).every((name) => server.hits(routeOf(name)) > 0) &&
    Object.keys(ENDPOINTS).every((name) => !ENDPOINTS[name]?.endsByItself || calls[name]?.settled()) &&
    streaming.every((name) => server.drips(routeOf(name)) >= 3),
);
timers.advance(4_999);
await realPause(50);
report.settledBeforeDeadline = Object.fromEntries(
  Object.entries(calls).map(([name, watched]) => [name, watched.settled()]),
);
timers.advance(1);
report.failing = Object.fromEntries(
  await Promise.all(
    Object.entries(calls).map(async ([name, watched]) => [name, await outcome(watched)] as const),
  ),
);

// A second caller for a dripping endpoint joins 2 s after the first: it shares that download, so the
// first one's deadline must end both; it is not shared past it.
server.set(routeOf("shared"), { stream: { chunk: "x", intervalMs: 20 } });
const leader = call(routeOf("shared"));
await until(() => server.drips(routeOf("shared")) >= 3);
timers.advance(2_000);
const follower = call(routeOf("shared"));
await realPause(250);
timers.advance(2_999);
await realPause(50);
const endedEarly = leader.settled() || follower.settled();
timers.advance(1);
report.shared = {
  leader: await outcome(leader),
  follower: await outcome(follower),
  endedEarly,
  hits: server.hits(routeOf("shared")),
};

// The endpoints recover: the next call for each URL downloads afresh and succeeds.
for (const name of [...Object.keys(ENDPOINTS), "shared"]) server.set(routeOf(name), { json: jwksOf(key) });
report.recovered = Object.fromEntries(
  await Promise.all(
    [...Object.keys(ENDPOINTS), "shared"].map(
      async (name) => [name, await outcome(call(routeOf(name)))] as const,
    ),
  ),
);
report.sharedHitsAfterRecovery = server.hits(routeOf("shared"));
report.timers = { created: timers.created, left: timers.waiting };
report.fetchGlobal = { name: fetchGlobal.name, calls: fetchGlobal.calls() };
report.realDeadlineTimers = realDeadlineTimers;
report.realMs = Date.now() - started;

clearInterval(collector);
await server.close();
printReport(report);
