/**
 * Scenario: a JWKS download always ends. Verify external, through the built bundle, against loopback
 * endpoints that misbehave in every way a download can (silent, slow headers, a dripping body, an
 * endless body, a reset), all at once, while gc() runs every few milliseconds (the process is started
 * with --expose-gc), then against the same URLs once they answer properly. Each call is watched: one
 * that has not settled after 20 s is reported as hung, so a regression fails the test instead of
 * stalling it. Prints one report for test/jwks-deadline.test.ts.
 */
import path from "node:path";
import { BubbleRuntime } from "../../src/emulator/runtime.js";
import { harness } from "../contract/harness.js";
import { JwksTestServer, jwksOf, type Route, testKey } from "../support/jwks-server.js";
import { now, signJws } from "../support/jws.js";
import { type Observation, printReport } from "../support/observe.js";

const gc = (globalThis as { gc?: () => void }).gc;
const collector = setInterval(() => gc?.(), 10);
const report: Record<string, unknown> = { node: process.version, gcExposed: typeof gc === "function" };
const server = await new JwksTestServer().start();
const key = testKey("RS256", "rsa-1");
// The endpoints are plain http on 127.0.0.1: reached through the local runtime's seam.
const h = harness(new BubbleRuntime(path.resolve("actions"), { localRuntime: { loopbackHttp: true } }));

const ENDPOINTS: Record<string, Route> = {
  silent: { json: jwksOf(key), delayMs: 60_000 },
  "slow headers": { json: jwksOf(key), delayMs: 7_000 },
  "dripping body": { stream: { chunk: "x", intervalMs: 200 } },
  "endless body under the size limit": { stream: { chunk: "x".repeat(1024), intervalMs: 10 } },
  "endless body past the size limit": { stream: { chunk: "x".repeat(256 * 1024), intervalMs: 2 } },
  "reset after the headers": { resetAfterHeaders: true },
};

function call(route: string): Promise<{ observed: Observation | { hung: true }; ms: number }> {
  const token = signJws(
    { alg: "RS256", typ: "JWT", kid: key.kid },
    { iss: "https://id.example.com", sub: "u", iat: now(), exp: now() + 600 },
    "RS256",
    key.privateKey,
  );
  const inputs = {
    token,
    provider: "Custom",
    jwks_url: server.url(route),
    issuer: "https://id.example.com",
  };
  const started = Date.now();
  const watchdog = new Promise<{ hung: true }>((resolve) =>
    setTimeout(() => resolve({ hung: true }), 20_000).unref(),
  );
  return Promise.race([h.call("external", inputs), watchdog]).then((observed) => ({
    observed,
    ms: Date.now() - started,
  }));
}

const routeOf = (name: string) => `/${name.replace(/ /g, "-")}/jwks.json`;
for (const [name, route] of Object.entries(ENDPOINTS)) server.set(routeOf(name), route);

// Every endpoint at once.
report.failing = Object.fromEntries(
  await Promise.all(Object.keys(ENDPOINTS).map(async (name) => [name, await call(routeOf(name))] as const)),
);

// A second caller for a dripping endpoint joins 2 s after the first: it shares that download, so the
// first one's deadline must end both; it is not shared past it.
server.set(routeOf("shared"), { stream: { chunk: "x", intervalMs: 200 } });
const leader = call(routeOf("shared"));
await new Promise((resolve) => setTimeout(resolve, 2_000));
const follower = call(routeOf("shared"));
report.shared = { leader: await leader, follower: await follower, hits: server.hits(routeOf("shared")) };

// The endpoints recover: the next call for each URL downloads afresh and succeeds.
for (const name of [...Object.keys(ENDPOINTS), "shared"]) server.set(routeOf(name), { json: jwksOf(key) });
report.recovered = Object.fromEntries(
  await Promise.all(
    [...Object.keys(ENDPOINTS), "shared"].map(async (name) => [name, await call(routeOf(name))] as const),
  ),
);
report.sharedHitsAfterRecovery = server.hits(routeOf("shared"));

clearInterval(collector);
await server.close();
printReport(report);
