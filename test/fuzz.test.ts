/**
 * Mutation fuzzing through the shipped bundles, once per Node version (test/scenarios/fuzz.ts):
 * 10,000 mutants of valid tokens of every kind (one-token flow, session access and refresh tokens)
 * through Verify, Refresh, Decode and JWT - Session, and the RS256 ones through Verify external pointed at the app's
 * own issuer and JWKS, with a fixed seed. Replay or vary a run with FUZZ_SEED=<n> and FUZZ_RUNS=<n> in
 * the environment of `npx vitest run`, or run a longer one with `npm run fuzz -- --runs N --seed S`.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { onEveryRuntime, RUNTIMES } from "./support/runtimes.js";

interface FuzzReport {
  node: string;
  seed: number;
  runs: number;
  calls: number;
  bases: { kind: string; alg: string; external: boolean }[];
  untouched: number;
  verifyCodes: Record<string, number>;
  externalCodes: Record<string, number>;
  mutationCounts: Record<string, number>;
  failures: unknown[];
  milliseconds: number;
}

// npm run fuzz asks for longer runs: about 1 ms per mutant on a loaded machine, with room to spare.
const timeoutMs = 150_000 + Number(process.env.FUZZ_RUNS ?? 0) * 2;
const reports = onEveryRuntime<FuzzReport>("fuzz.ts", {}, timeoutMs);

describe.each(RUNTIMES)("fuzzing on $name", (runtime) => {
  let report: FuzzReport;
  beforeAll(async () => {
    report = (await reports.get(runtime.name)) as FuzzReport;
  }, timeoutMs + 10_000);

  it("runs on the intended Node version", () => {
    expect(report.node).toBe(`v${runtime.version}`);
  });

  it("ran every mutant through verify, refresh, decode and session, and verify external for the RS256 bases", () => {
    const runs = Number(process.env.FUZZ_RUNS ?? 10_000);
    expect(report.runs).toBe(runs);
    // Each base is checked untouched once, then the runs go round the bases in turn.
    const { bases } = report;
    let expected = 0;
    for (let check = -bases.length; check < runs; check++) {
      const base = bases[check < 0 ? check + bases.length : check % bases.length];
      expected += base?.external ? 5 : 4;
    }
    expect(report.calls).toBe(expected);
    expect(new Set(bases.map((base) => base.kind))).toEqual(new Set(["single", "paired-access", "refresh"]));
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
    // Untouched refresh tokens reach the kind check, in Verify and in Verify external alike.
    expect(report.verifyCodes.wrong_token_type).toBeGreaterThan(0);
    expect(report.externalCodes.wrong_token_type).toBeGreaterThan(0);
    expect(report.externalCodes.valid).toBeGreaterThan(0);
    // Only mutants that unwrap to an untouched token (white space, Bearer) were accepted, and of those
    // only the ones Verify takes (not the refresh tokens): the oracle checks each, these the totals.
    expect(report.verifyCodes.valid).toBeLessThan(report.untouched);
    expect(report.verifyCodes.valid).toBeGreaterThan(0);
  });
});
