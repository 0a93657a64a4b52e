/**
 * Property tests of sessions through the shipped bundles, once per Node version
 * (test/scenarios/sessions-property.ts): seeded random logins, refreshed through JWT - Session against a
 * Session row kept as the recommended workflow writes it (or, for the one-token flow, through Refresh);
 * every answer agrees with the rules, no token of a session is taken by Refresh, no one-token token by
 * JWT - Session. Replay or vary a run with SESSION_SEED=<n> and SESSION_RUNS=<n>.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { RUNTIMES, runScenario } from "./support/runtimes.js";

interface SessionReport {
  node: string;
  seed: number;
  runs: number;
  counts: {
    sequences: number;
    sessions: number;
    calls: number;
    tokens: number;
    rotations: number;
    retries: number;
    reuses: number;
    refreshes: number;
  };
  failures: string[];
}

describe.each(RUNTIMES)("session properties on $name", (runtime) => {
  let report: SessionReport;
  beforeAll(async () => {
    report = await runScenario<SessionReport>("sessions-property.ts", runtime);
  }, 180_000);

  it("ran every sequence, with both kinds of login, and rotations, retries and reuses among them", () => {
    const runs = Number(process.env.SESSION_RUNS ?? 300);
    expect(report.counts.sequences).toBe(runs);
    if (runs < 100) return;
    expect(report.counts.sessions).toBeGreaterThan(runs / 3);
    expect(report.counts.sessions).toBeLessThan(runs);
    expect(report.counts.rotations).toBeGreaterThan(runs / 3);
    expect(report.counts.retries).toBeGreaterThan(runs / 20);
    expect(report.counts.reuses).toBeGreaterThan(runs / 20);
    expect(report.counts.refreshes).toBeGreaterThan(runs / 3);
    expect(report.counts.tokens).toBeGreaterThan(2 * runs);
  });

  it("every answer followed the rules; no session token at Refresh, no one-token token in a session", () => {
    expect(report.failures, `session seed ${report.seed} (replay with SESSION_SEED=${report.seed})`).toEqual(
      [],
    );
  });
});
