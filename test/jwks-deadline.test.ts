/**
 * A JWKS download always ends (test/scenarios/jwks-deadline.ts), on every runtime, with garbage
 * collection running: each misbehaving endpoint is `jwks_unavailable` with the one generic message,
 * its reason in the log line only, within the 5-second deadline; a download is not shared past its
 * deadline; and the next call after the endpoint recovers succeeds.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { matching } from "./support/matchers.js";
import { RUNTIMES, runScenario } from "./support/runtimes.js";

interface Timed {
  observed: Record<string, unknown>;
  ms: number;
}

interface DeadlineReport {
  node: string;
  gcExposed: boolean;
  failing: Record<string, Timed>;
  shared: { leader: Timed; follower: Timed; hits: number };
  recovered: Record<string, Timed>;
  sharedHitsAfterRecovery: number;
}

const GENERIC = "The provider's keys (JWKS) could not be fetched or read.";
const unavailable = (reason: string) => ({
  values: { valid: false, error_code: "jwks_unavailable", error_message: GENERIC },
  logs: [{ $match: `"outcome":"jwks_unavailable","reason":"${reason}"` }],
  leaks: [],
});
const WITHIN_DEADLINE = "the keys URL did not answer within 5 seconds";

// Whether each endpoint is refused at the deadline, or earlier (what it sent settles it first).
const EXPECTED: Record<string, { reason: string; atDeadline: boolean }> = {
  silent: { reason: WITHIN_DEADLINE, atDeadline: true },
  "slow headers": { reason: WITHIN_DEADLINE, atDeadline: true },
  "dripping body": { reason: WITHIN_DEADLINE, atDeadline: true },
  "endless body under the size limit": { reason: WITHIN_DEADLINE, atDeadline: true },
  "endless body past the size limit": {
    reason: "the keys URL answered with more than 1048576 bytes",
    atDeadline: false,
  },
  "reset after the headers": { reason: "the keys URL's answer was cut off", atDeadline: false },
};

describe.each(RUNTIMES)("a JWKS download always ends, on $name", (runtime) => {
  let report: DeadlineReport;
  beforeAll(async () => {
    report = await runScenario<DeadlineReport>("jwks-deadline.ts", runtime, {}, 90_000, ["--expose-gc"]);
  }, 100_000);

  it("ran with gc() exposed and called", () => expect(report.gcExposed).toBe(true));

  it.each(Object.entries(EXPECTED))(
    "%s: jwks_unavailable, one generic message, the reason in the log",
    (name, { reason, atDeadline }) => {
      const { observed, ms } = report.failing[name] as Timed;
      expect(observed).toMatchObject(matching(unavailable(reason)) as Record<string, unknown>);
      // Ended by the deadline (5 s), with room for a loaded machine; never the 20 s watchdog.
      expect(ms).toBeLessThan(10_000);
      if (atDeadline) expect(ms).toBeGreaterThanOrEqual(4_900);
    },
  );

  it("a caller joining a stuck download ends with it, at the first caller's deadline", () => {
    const { leader, follower, hits } = report.shared;
    expect(leader.observed).toMatchObject(matching(unavailable(WITHIN_DEADLINE)) as Record<string, unknown>);
    expect(follower.observed).toMatchObject(
      matching(unavailable(WITHIN_DEADLINE)) as Record<string, unknown>,
    );
    expect(hits).toBe(1);
    expect(follower.ms).toBeLessThan(leader.ms - 1_000);
  });

  it("the next call after each endpoint recovers downloads afresh and succeeds", () => {
    for (const name of [...Object.keys(EXPECTED), "shared"]) {
      expect(report.recovered[name]?.observed, name).toMatchObject({ values: { valid: true }, leaks: [] });
    }
    expect(report.sharedHitsAfterRecovery).toBe(2);
  });
});
