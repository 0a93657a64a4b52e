/**
 * Property tests of sessions through the shipped bundles, once per Node version
 * (test/scenarios/sessions-property.ts): seeded random Generate and Refresh sequences, after which no
 * token of a login with a refresh token is accepted by both Verify and Refresh, and no access token
 * refreshes. Replay or vary a run with SESSION_SEED=<n> and SESSION_RUNS=<n>.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { RUNTIMES, runScenario } from "./support/runtimes.js";

interface SessionReport {
  node: string;
  seed: number;
  runs: number;
  counts: { sequences: number; sessions: number; calls: number; tokens: number; rotations: number };
  failures: string[];
}

describe.each(RUNTIMES)("session properties on $name", (runtime) => {
  let report: SessionReport;
  beforeAll(async () => {
    report = await runScenario<SessionReport>("sessions-property.ts", runtime);
  }, 180_000);

  it("ran every sequence, with both kinds of login and rotations among them", () => {
    const runs = Number(process.env.SESSION_RUNS ?? 300);
    expect(report.counts.sequences).toBe(runs);
    if (runs < 100) return;
    expect(report.counts.sessions).toBeGreaterThan(runs / 3);
    expect(report.counts.sessions).toBeLessThan(runs);
    expect(report.counts.rotations).toBeGreaterThan(runs);
    expect(report.counts.tokens).toBeGreaterThan(2 * runs);
  });

  it("no token was accepted by both Verify and Refresh in a session, nor an access token refreshed", () => {
    expect(report.failures, `session seed ${report.seed} (replay with SESSION_SEED=${report.seed})`).toEqual(
      [],
    );
  });
});
