/**
 * Scenario: where the shipped Verify external bundle may connect, run as Bubble runs it (no local
 * runtime seam). A JWKS server on 127.0.0.1 (and one on [::1] at the same port, when this machine
 * has IPv6) serves a valid JWKS and counts every connection it accepts; each keys URL below
 * points at it by address or by a name Node's own resolver (dns.lookup, which the bundle calls) is
 * made to answer with a chosen address. Then the same calls with the seam, as the local backend makes
 * them: the control that shows the counting sees a connection when one happens. Prints one report
 * for test/jwks-network.test.ts.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { BubbleRuntime } from "../../src/emulator/runtime.js";
import { harness } from "../contract/harness.js";
import { installFetchGlobal } from "../support/fetch-global.js";
import { JwksTestServer, jwksOf, testKey } from "../support/jwks-server.js";
import { now, signJws } from "../support/jws.js";
import { printReport } from "../support/observe.js";

const fetchGlobal = installFetchGlobal();

// The names the test resolver answers, as a hostile or careless DNS zone could.
const ANSWERS: Record<string, string[]> = {
  "loopback.jwks.test": ["127.0.0.1"],
  "private.jwks.test": ["10.0.0.7"],
  "metadata.jwks.test": ["169.254.169.254"],
  "v6-loopback.jwks.test": ["::1"],
  "mapped-loopback.jwks.test": ["::ffff:127.0.0.1"],
  "nat64-metadata.jwks.test": ["64:ff9b::a9fe:a9fe"],
  "mixed.jwks.test": ["93.184.216.34", "127.0.0.1"],
};

// Node's resolver, patched in place: the bundle's `require("node:dns")` is this same module object.
const dns = createRequire(import.meta.url)("node:dns") as typeof import("node:dns");
const systemLookup = dns.lookup;
const lookups: string[] = [];
(dns as { lookup: unknown }).lookup = (hostname: string, options: unknown, callback?: unknown) => {
  const done = (typeof options === "function" ? options : callback) as (...args: unknown[]) => void;
  const all = typeof options === "object" && options !== null && (options as { all?: boolean }).all;
  const answer = ANSWERS[hostname];
  if (!answer) return (systemLookup as (...args: unknown[]) => void)(hostname, options, callback);
  lookups.push(hostname);
  const entries = answer.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  const first = entries[0] as { address: string; family: number };
  process.nextTick(() => (all ? done(null, entries) : done(null, first.address, first.family)));
};

const server = await new JwksTestServer().start();
const port = server.listeningPort;
// The same server on [::1], where this machine has IPv6, so that no loopback address goes uncounted.
const v6 = await new JwksTestServer().start("::1", port).catch(() => undefined);
const connections = () => server.connections + (v6?.connections ?? 0);

const key = testKey("RS256", "rsa-1");
server.set("/jwks.json", { json: jwksOf(key) });
v6?.set("/jwks.json", { json: jwksOf(key) });
const ISSUER = "https://id.example.com";
const token = signJws(
  { alg: "RS256", typ: "JWT", kid: key.kid },
  { iss: ISSUER, sub: "u", iat: now(), exp: now() + 600 },
  "RS256",
  key.privateKey,
);

const actions = path.resolve("actions");
const asBubble = harness(new BubbleRuntime(actions));
const local = harness(new BubbleRuntime(actions, { localRuntime: { loopbackHttp: true } }));

const URLS: Record<string, string> = {
  "http://127.0.0.1": `http://127.0.0.1:${port}/jwks.json`,
  "http://localhost": `http://localhost:${port}/jwks.json`,
  "http://[::1]": `http://[::1]:${port}/jwks.json`,
  "https://127.0.0.1": `https://127.0.0.1:${port}/jwks.json`,
  "https://localhost": `https://localhost:${port}/jwks.json`,
  ...Object.fromEntries(
    Object.keys(ANSWERS).map((name) => [`https://${name}`, `https://${name}:${port}/jwks.json`]),
  ),
};

async function probe(h: ReturnType<typeof harness>, url: string) {
  const before = connections();
  const started = Date.now();
  const observed = await h.call("external", { token, provider: "Custom", jwks_url: url, issuer: ISSUER });
  // A connection the bundle opened is accepted within a tick or two: give it time to be counted.
  await new Promise((resolve) => setTimeout(resolve, 30));
  return { observed, ms: Date.now() - started, connections: connections() - before };
}

const report: Record<string, unknown> = { node: process.version, v6Listening: v6 !== undefined };
const asBubbleRuns: Record<string, unknown> = {};
for (const [name, url] of Object.entries(URLS)) asBubbleRuns[name] = await probe(asBubble, url);
report.asBubble = asBubbleRuns;
const withSeam: Record<string, unknown> = {};
for (const [name, url] of Object.entries(URLS)) withSeam[name] = await probe(local, url);
report.withSeam = withSeam;
report.lookups = lookups;
report.fetchGlobal = { name: fetchGlobal.name, calls: fetchGlobal.calls() };

(dns as { lookup: unknown }).lookup = systemLookup;
await v6?.close();
await server.close();
printReport(report);
