/**
 * The contract, through the shipped artifact: every case of test/contract/ runs in the Bubble runtime
 * stand-in against the built actions/, on Node 18 (Bubble's runtime) and this machine's Node, under
 * each presentation of properties. Here vitest asserts what each run reported.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CASE_GROUPS } from "./contract/all-cases.js";
import { PRESENTATIONS } from "./contract/presentations.js";
import { matching } from "./support/matchers.js";
import { expectEveryCallClean } from "./support/observations.js";
import { RUNTIMES, runScenario } from "./support/runtimes.js";

describe.each(RUNTIMES)("contract on $name", (runtime) => {
  let report: Record<string, unknown>;
  beforeAll(async () => {
    report = await runScenario<Record<string, unknown>>("contract.ts", runtime);
  }, 180_000);

  it("runs on the intended Node version", () => {
    expect(report.node).toMatch(runtime.name === "node18" ? /^v18\./ : /^v2\d\./);
  });

  if (runtime.name === "node18") {
    it("starts without a global crypto, which the plugin installs itself", () => {
      expect(report.cryptoBefore).toBe("undefined");
      expect(report.cryptoAfter).toBe("object");
    });
  }

  for (const presentation of Object.keys(PRESENTATIONS)) {
    for (const [group, cases] of Object.entries(CASE_GROUPS)) {
      describe(`${presentation} | ${group}`, () => {
        for (const c of cases) {
          it(c.name, () => {
            const observed = report[`${presentation} | ${group} | ${c.name}`];
            expect(observed).not.toHaveProperty("scenarioError");
            expect(observed).toMatchObject(matching(c.expect) as Record<string, unknown>);
          });
        }
      });
    }
  }

  it("every call wrote exactly one log line, and nothing leaked anywhere", () => {
    expectEveryCallClean(report, 100);
  });
});
