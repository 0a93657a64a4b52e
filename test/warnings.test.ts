/**
 * One log line per call on every runtime, EdDSA included: Node 18's one-time Ed25519 ExperimentalWarning
 * (a second line in the app's logs) is dropped where the plugin imports the key, and nothing else is
 * silenced (test/scenarios/warnings.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { RUNTIMES, runScenario } from "./support/runtimes.js";

interface WarningsReport {
  generated: { values?: { token?: string }; logs?: string[] };
  verified: { values?: { valid?: boolean }; logs?: string[] };
  published: { values?: unknown; logs?: string[] };
  warnings: string[];
  emitWarningRestored: boolean;
}

describe.each(RUNTIMES)("process warnings on $name", (runtime) => {
  let report: WarningsReport;
  beforeAll(async () => {
    report = await runScenario<WarningsReport>("warnings.ts", runtime);
  }, 60_000);

  it("EdDSA Generate, Verify and JWKS each write one log line and no warning; others' warnings still pass", () => {
    expect(report.generated.values?.token).toMatch(/^ey/);
    expect(report.verified.values?.valid).toBe(true);
    for (const call of [report.generated, report.verified, report.published])
      expect(call.logs).toHaveLength(1);
    expect(report.warnings).toEqual(["ExperimentalWarning: a warning of someone else's"]);
    expect(report.emitWarningRestored).toBe(true);
  });
});
