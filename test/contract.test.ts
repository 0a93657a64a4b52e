/**
 * The contract, through the shipped artifact: every case of test/contract/ runs in the Bubble runtime
 * stand-in against the built actions/, on Node 18.20.4 and Node 22 (Bubble's runtimes), under
 * each presentation of properties. Here vitest asserts what each run reported.
 */
import { beforeAll, describe, it } from "vitest";
import { CASE_GROUPS } from "./contract/all-cases.js";
import { PRESENTATIONS } from "./contract/presentations.js";
import { caseTests, expectEveryCallClean, expectRanOn } from "./support/observations.js";
import { RUNTIMES, runScenario } from "./support/runtimes.js";

describe.each(RUNTIMES)("contract on $name", (runtime) => {
  let report: Record<string, unknown>;
  beforeAll(async () => {
    report = await runScenario<Record<string, unknown>>("contract.ts", runtime);
  }, 180_000);

  it("runs on the intended Node version; the plugin brings WebCrypto on Node 18 and keeps Node 22's", () => {
    expectRanOn(report, runtime);
  });

  caseTests(() => report, Object.keys(PRESENTATIONS), CASE_GROUPS);

  it("every call wrote exactly one log line, and nothing leaked anywhere", () => {
    expectEveryCallClean(report, 100);
  });
});
