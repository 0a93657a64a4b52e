/**
 * A JWKS download always ends (test/scenarios/jwks-deadline.ts), on Node 18 and 22, with node-fetch v2
 * or Node's own fetch as the global, with garbage collection running: each misbehaving endpoint is
 * `jwks_unavailable` with the one generic message, its reason in the log line only, at the 5-second
 * deadline or before it; a download is not shared past its deadline; and the next call after the
 * endpoint recovers succeeds. The deadline runs on a hand-moved clock, so no test waits for it (the
 * real timer's end-to-end check is X's `a slow endpoint times out after 5 seconds as jwks_unavailable`).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { matching } from "./support/matchers.js";
import { RUNTIMES, runScenario } from "./support/runtimes.js";

interface Watched {
  observed: Record<string, unknown>;
  virtualMs: number;
}

interface DeadlineReport {
  node: string;
  gcExposed: boolean;
  settledBeforeDeadline: Record<string, boolean>;
  failing: Record<string, Watched>;
  shared: { leader: Watched; follower: Watched; endedEarly: boolean; hits: number };
  recovered: Record<string, Watched>;
  sharedHitsAfterRecovery: number;
  timers: { created: number; left: number };
  fetchGlobal: { name: string; calls: number };
  realDeadlineTimers: number;
  realMs: number;
}

const GENERIC = "The provider's keys (JWKS) could not be fetched or read.";
const unavailable = (reason: string) =>
  matching({
    values: { valid: false, error_code: "jwks_unavailable", error_message: GENERIC },
    logs: [{ $match: `"outcome":"jwks_unavailable","reason":"${reason}"` }],
    leaks: [],
  }) as Record<string, unknown>;
const WITHIN_DEADLINE = "the keys URL did not answer within 5 seconds";
const TOO_LARGE = "the keys URL answered with more than 1048576 bytes";

// Whether each endpoint is refused at the deadline, or earlier (what it sent settles it first).
const EXPECTED: Record<string, { reason: string; atDeadline: boolean }> = {
  silent: { reason: WITHIN_DEADLINE, atDeadline: true },
  "slow headers": { reason: WITHIN_DEADLINE, atDeadline: true },
  "dripping body": { reason: WITHIN_DEADLINE, atDeadline: true },
  "endless body under the size limit": { reason: WITHIN_DEADLINE, atDeadline: true },
  "endless body past the size limit": { reason: TOO_LARGE, atDeadline: false },
  "huge body, declared": { reason: TOO_LARGE, atDeadline: false },
  "huge body, chunked": { reason: TOO_LARGE, atDeadline: false },
  "reset after the headers": { reason: "the keys URL's answer was cut off", atDeadline: false },
  redirect: { reason: "the keys URL redirected \\(HTTP status 302\\)", atDeadline: false },
  "404": { reason: "the keys URL answered with HTTP status 404", atDeadline: false },
};

const MATRIX = RUNTIMES.flatMap((runtime) =>
  ["node-fetch", "node"].map((fetchGlobal) => ({
    runtime,
    fetchGlobal,
    name: `${runtime.name}, ${fetchGlobal} fetch`,
  })),
);

// All four runs at once: each mostly waits on its endpoints, and none waits for a real deadline.
const reports = new Map<string, Promise<DeadlineReport>>();
beforeAll(() => {
  for (const { runtime, fetchGlobal, name } of MATRIX) {
    const run = runScenario<DeadlineReport>(
      "jwks-deadline.ts",
      runtime,
      { FETCH_GLOBAL: fetchGlobal },
      60_000,
      ["--expose-gc"],
    );
    run.catch(() => undefined);
    reports.set(name, run);
  }
});

describe.each(MATRIX)("a JWKS download always ends, on $name", ({ name, fetchGlobal }) => {
  let report: DeadlineReport;
  beforeAll(async () => {
    report = (await reports.get(name)) as DeadlineReport;
  }, 70_000);

  it("ran with gc() exposed and called", () => expect(report.gcExposed).toBe(true));

  it.each(Object.entries(EXPECTED))(
    "%s: jwks_unavailable, one generic message, the reason in the log",
    (endpoint, { reason, atDeadline }) => {
      const { observed, virtualMs } = report.failing[endpoint] as Watched;
      expect(observed).toMatchObject(unavailable(reason));
      // At the deadline exactly (not a millisecond before), or before the clock moved at all.
      expect(virtualMs).toBe(atDeadline ? 5_000 : 0);
      expect(report.settledBeforeDeadline[endpoint]).toBe(!atDeadline);
    },
  );

  it("a caller joining a stuck download ends with it, at the first caller's deadline", () => {
    const { leader, follower, endedEarly, hits } = report.shared;
    expect(leader.observed).toMatchObject(unavailable(WITHIN_DEADLINE));
    expect(follower.observed).toMatchObject(unavailable(WITHIN_DEADLINE));
    expect(endedEarly).toBe(false);
    expect(hits).toBe(1);
    expect([leader.virtualMs, follower.virtualMs]).toEqual([5_000, 3_000]);
  });

  it("the next call after each endpoint recovers downloads afresh and succeeds", () => {
    for (const endpoint of [...Object.keys(EXPECTED), "shared"]) {
      expect(report.recovered[endpoint]?.observed, endpoint).toMatchObject({
        values: { valid: true },
        leaks: [],
      });
    }
    expect(report.sharedHitsAfterRecovery).toBe(2);
  });

  it("every download's deadline was on the hand-moved clock, cleared or fired; the global fetch never called", () => {
    // One deadline per download: each failing endpoint, the shared one once, and each recovery.
    const downloads = Object.keys(EXPECTED).length + 1 + Object.keys(EXPECTED).length + 1;
    expect(report.timers).toEqual({ created: downloads, left: 0 });
    // And not one on a real timer (the scenario counts every real setTimeout of 5 seconds).
    expect(report.realDeadlineTimers).toBe(0);
    expect(report.fetchGlobal).toEqual({
      name: fetchGlobal === "node-fetch" ? "node-fetch v2" : "node",
      calls: 0,
    });
  });
});
