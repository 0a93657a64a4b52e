/**
 * The shipped Verify external bundle, run as Bubble runs it (no local runtime seam), on Node 18 and 22
 * with node-fetch v2 as the global fetch (test/scenarios/jwks-network.ts): no plain http, and no
 * connection to a loopback, private or metadata address, whether the URL names it or a host name
 * resolves to it; a listening loopback server counts 0 connections. With the seam, as the local
 * backend runs it, plain http to this machine goes through: the control for the counting.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { throws } from "./contract/harness.js";
import { matching } from "./support/matchers.js";
import { RUNTIMES, runScenario } from "./support/runtimes.js";

interface Probe {
  observed: Record<string, unknown>;
  ms: number;
  connections: number;
}

interface NetworkReport {
  node: string;
  v6Listening: boolean;
  asBubble: Record<string, Probe>;
  withSeam: Record<string, Probe>;
  lookups: string[];
  fetchGlobal: { name: string; calls: number };
}

const RESOLVED_NAMES = [
  "loopback.jwks.test",
  "private.jwks.test",
  "metadata.jwks.test",
  "v6-loopback.jwks.test",
  "mapped-loopback.jwks.test",
  "nat64-metadata.jwks.test",
  "mixed.jwks.test",
];
const PLAIN_HTTP = ["http://127.0.0.1", "http://localhost", "http://[::1]"];
const RESOLVING = ["https://localhost", ...RESOLVED_NAMES.map((name) => `https://${name}`)];

const blockedAnswer = matching({
  values: {
    valid: false,
    error_code: "jwks_unavailable",
    error_message: "The provider's keys (JWKS) could not be fetched or read.",
  },
  logs: [
    {
      $match:
        '"outcome":"jwks_unavailable","reason":"the keys URL\'s host resolves to a loopback, private, link-local or metadata address',
    },
  ],
  leaks: [],
}) as Record<string, unknown>;

describe.each(RUNTIMES)("the shipped bundle's JWKS downloads on $name", (runtime) => {
  let report: NetworkReport;
  beforeAll(async () => {
    report = await runScenario<NetworkReport>("jwks-network.ts", runtime, { FETCH_GLOBAL: "node-fetch" });
  }, 60_000);

  it.each(PLAIN_HTTP)("as Bubble runs it, %s is invalid_url (https only) and nothing connects", (name) => {
    const probe = report.asBubble[name] as Probe;
    expect(probe.observed).toMatchObject(matching(throws("invalid_url", "jwks_url field")) as object);
    expect(String(probe.observed.thrown)).toMatch(/must be an https URL; /);
    expect(probe.connections).toBe(0);
  });

  it("as Bubble runs it, https://127.0.0.1 is invalid_url (an address the URL may not name)", () => {
    const probe = report.asBubble["https://127.0.0.1"] as Probe;
    expect(probe.observed).toMatchObject(matching(throws("invalid_url", "jwks_url field")) as object);
    expect(probe.connections).toBe(0);
  });

  it.each(RESOLVING)(
    "as Bubble runs it, %s (resolving to a blocked address) is jwks_unavailable at once, nothing connects",
    (name) => {
      const probe = report.asBubble[name] as Probe;
      expect(probe.observed).toMatchObject(blockedAnswer);
      expect(probe.connections).toBe(0);
      // Refused on the answer, well before the 5-second deadline an unreachable address would meet.
      expect(probe.ms).toBeLessThan(4_000);
    },
  );

  it("the names were resolved (the check is on the answer, not the name), through Node's resolver", () => {
    for (const name of RESOLVED_NAMES) expect(report.lookups).toContain(name);
  });

  it("the seam lets plain http reach this machine: the server counts those connections (the control)", () => {
    for (const name of ["http://127.0.0.1", "http://localhost"]) {
      const probe = report.withSeam[name] as Probe;
      expect(probe.observed, name).toMatchObject({ values: { valid: true }, leaks: [] });
      expect(probe.connections, name).toBeGreaterThanOrEqual(1);
    }
    if (report.v6Listening) {
      expect(report.withSeam["http://[::1]"]?.observed).toMatchObject({ values: { valid: true }, leaks: [] });
      expect(report.withSeam["http://[::1]"]?.connections).toBeGreaterThanOrEqual(1);
    }
  });

  it.each(RESOLVING)("with the seam too, %s is refused and nothing connects", (name) => {
    const probe = report.withSeam[name] as Probe;
    expect(probe.observed).toMatchObject(blockedAnswer);
    expect(probe.connections).toBe(0);
  });

  it("ran with node-fetch v2 as the global fetch, which the download never calls", () => {
    expect(report.fetchGlobal).toEqual({ name: "node-fetch v2", calls: 0 });
  });
});
