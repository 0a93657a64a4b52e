/**
 * Tenant isolation in one warm runtime (test/scenarios/isolation.ts), on Node 18 and Node 22: 200 apps'
 * secrets served concurrently with tokens crossed between them, then 20,000 distinct secrets.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { onEveryRuntime, RUNTIMES } from "./support/runtimes.js";

interface IsolationReport {
  node: string;
  isolation: {
    attempts: number;
    ownAccepted: number;
    ownRefused: string[];
    foreignAccepted: string[];
    foreignCodes: Record<string, number>;
    wrongSubject: string[];
    thrown: string[];
  };
  memory: { heapAfter2k: number; heapAfter20k: number; growthBytes: number };
}

/** Heap growth allowed between 2,000 and 20,000 distinct secrets: the cache holds 256 key sets. */
const MAX_GROWTH_BYTES = 5 * 1024 * 1024;

const reports = onEveryRuntime<IsolationReport>("isolation.ts", {}, 120_000, ["--expose-gc"]);

describe.each(RUNTIMES)("tenant isolation on $name", (runtime) => {
  let report: IsolationReport;
  beforeAll(async () => {
    report = (await reports.get(runtime.name)) as IsolationReport;
  }, 180_000);

  it("runs on the intended Node version", () => {
    expect(report.node).toBe(`v${runtime.version}`);
  });

  it("never accepts another app's token, under concurrent interleaved calls", () => {
    const { isolation } = report;
    expect(isolation.thrown).toEqual([]);
    expect(isolation.foreignAccepted).toEqual([]);
    // 200 apps x 5 others x 3 calls, refused as another algorithm or, under the owner's algorithm,
    // as another key's signature: the signature check alone refuses at least 2,000 of them.
    const codes = isolation.foreignCodes;
    expect(Object.keys(codes).sort()).toEqual(["algorithm_not_allowed", "invalid_signature"]);
    expect((codes.invalid_signature ?? 0) + (codes.algorithm_not_allowed ?? 0)).toBe(3_000);
    expect(codes.invalid_signature).toBeGreaterThanOrEqual(2_000);
  });

  it("accepts each app's own token, with its own subject", () => {
    expect(report.isolation.ownRefused).toEqual([]);
    expect(report.isolation.ownAccepted).toBe(400);
    expect(report.isolation.wrongSubject).toEqual([]);
  });

  it("keeps heap flat from 2,000 to 20,000 distinct secrets (the key cache is bounded)", () => {
    expect(report.memory.growthBytes).toBeLessThan(MAX_GROWTH_BYTES);
  });
});
