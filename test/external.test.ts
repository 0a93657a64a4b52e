/**
 * `JWT - Verify external token` through the shipped bundle on Node 18 (Bubble's runtime) and this
 * machine's Node, against a JWKS server on 127.0.0.1 that the scenario starts in its own process.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { EXTERNAL_CASES, EXTERNAL_PRESENTATIONS, SLOW_CASE } from "./external/cases.js";
import { matching } from "./support/matchers.js";
import { expectEveryCallClean } from "./support/observations.js";
import { RUNTIMES, runScenario } from "./support/runtimes.js";

describe.each(RUNTIMES)("verify external token on $name", (runtime) => {
  let report: Record<string, unknown>;
  beforeAll(async () => {
    report = await runScenario<Record<string, unknown>>("external.ts", runtime);
  }, 180_000);

  it("runs on the intended Node version, with the plugin bringing WebCrypto on Node 18", () => {
    expect(report.node).toMatch(runtime.name === "node18" ? /^v18\./ : /^v2\d\./);
    if (runtime.name === "node18") expect(report.cryptoBefore).toBe("undefined");
    expect(report.cryptoAfter).toBe("object");
  });

  for (const presentation of Object.keys(EXTERNAL_PRESENTATIONS)) {
    for (const [group, cases] of Object.entries(EXTERNAL_CASES)) {
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

  it(SLOW_CASE.name, () => {
    const observed = report[`slow | ${SLOW_CASE.name}`];
    expect(observed).not.toHaveProperty("scenarioError");
    expect(observed).toMatchObject(matching(SLOW_CASE.expect) as Record<string, unknown>);
  });

  it("every call wrote exactly one log line, and nothing leaked anywhere", () => {
    expectEveryCallClean(report, 150);
  });
});
