/**
 * `JWT - Verify external token` through the shipped bundle on Node 18.20.4 and Node 22 (Bubble's
 * runtimes), with node-fetch v2 as the global fetch, against a JWKS server on 127.0.0.1 that the
 * scenario starts in its own process (plain http, reached through the local runtime's seam).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { EXTERNAL_CASES, EXTERNAL_PRESENTATIONS, SLOW_CASE } from "./external/cases.js";
import { caseTests, expectEveryCallClean, expectObserved, expectRanOn } from "./support/observations.js";
import { RUNTIMES, runScenario } from "./support/runtimes.js";

describe.each(RUNTIMES)("verify external token on $name", (runtime) => {
  let report: Record<string, unknown>;
  beforeAll(async () => {
    // node-fetch v2 as the global fetch, as Bubble's runtime offers it.
    report = await runScenario<Record<string, unknown>>("external.ts", runtime, {
      FETCH_GLOBAL: "node-fetch",
    });
  }, 180_000);

  it("runs on the intended Node version; the plugin brings WebCrypto on Node 18 and keeps Node 22's", () => {
    expectRanOn(report, runtime);
  });

  it("ran with node-fetch v2 as the global fetch, which the keys download never calls", () => {
    expect(report.fetchGlobal).toEqual({ name: "node-fetch v2", calls: 0 });
  });

  caseTests(() => report, Object.keys(EXTERNAL_PRESENTATIONS), EXTERNAL_CASES);

  it(SLOW_CASE.name, () => expectObserved(report[`slow | ${SLOW_CASE.name}`], SLOW_CASE.expect));

  it("every call wrote exactly one log line, and nothing leaked anywhere", () => {
    expectEveryCallClean(report, 150);
  });
});
