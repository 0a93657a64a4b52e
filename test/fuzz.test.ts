/**
 * Mutation fuzzing through the shipped bundles, once per Node version (test/scenarios/fuzz.ts):
 * at least 10,000 mutants of valid tokens through Verify, Refresh and Decode with a fixed seed.
 * Replay or vary a run with FUZZ_SEED=<n> and FUZZ_RUNS=<n> in the environment of `npx vitest run`.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { RUNTIMES, runScenario } from "./support/runtimes.js";

interface FuzzReport {
  node: string;
  seed: number;
  runs: number;
  calls: number;
  untouched: number;
  verifyCodes: Record<string, number>;
  mutationCounts: Record<string, number>;
  failures: unknown[];
  milliseconds: number;
}

describe.each(RUNTIMES)("fuzzing on $name", (runtime) => {
  let report: FuzzReport;
  beforeAll(async () => {
    report = await runScenario<FuzzReport>("fuzz.ts", runtime);
  }, 180_000);

  it("runs on the intended Node version", () => {
    expect(report.node).toBe(`v${runtime.version}`);
  });

  it("ran every mutant through verify, refresh and decode", () => {
    const runs = Number(process.env.FUZZ_RUNS ?? 10_000);
    expect(report.runs).toBe(runs);
    expect(report.calls).toBe((runs + 3) * 3);
  });

  it("no call threw, leaked, lacked a contract code or accepted a mutated token", () => {
    expect(report.failures, `fuzz seed ${report.seed} (replay with FUZZ_SEED=${report.seed})`).toEqual([]);
  });

  it("exercised every kind of mutation and reached the signature check", () => {
    // Proportions only hold for a run of some size; FUZZ_RUNS may ask for a short one.
    expect(report.runs).toBeGreaterThanOrEqual(Math.min(1_000, Number(process.env.FUZZ_RUNS ?? 1_000)));
    if (report.runs < 1_000) return;
    expect(Object.keys(report.mutationCounts)).toHaveLength(16);
    expect(report.verifyCodes.invalid_signature).toBeGreaterThan(report.runs / 20);
    expect(report.verifyCodes.malformed).toBeGreaterThan(report.runs / 20);
    expect(report.verifyCodes.algorithm_not_allowed).toBeGreaterThan(0);
    // Exactly the mutants that unwrap to the untouched token (white space, Bearer) were accepted.
    expect(report.verifyCodes.valid).toBe(report.untouched);
  });
});
