/**
 * Slow and greedy clients on loopback (bench/slow-clients.ts measures the defaults): with small limits,
 * connections that drip their headers or their body are closed within the limit plus one check interval,
 * connections over the cap are closed as they arrive, and ordinary requests are answered all along.
 */
import { describe, expect, it } from "vitest";
import { measureBackend } from "../../bench/slow-clients.js";
import { DEFAULT_LIMITS } from "../../src/emulator/connection-limits.js";

describe("connection limits", () => {
  it("closes slow headers, slow bodies and silent connections at their limits, refuses connections over the cap, and keeps answering", async () => {
    const limits = {
      maxConnections: 16,
      headersTimeoutMs: 1_000,
      requestTimeoutMs: 1_500,
      checkEveryMs: 100,
    };
    const figures = await measureBackend(
      { limits },
      { slow: 4, idle: 10, dripMs: 100, giveUpMs: 10_000, refusedWithinMs: 400 },
    );
    for (const held of figures.slowHeadersHeldMs) {
      expect(held).toBeGreaterThanOrEqual(900);
      expect(held).toBeLessThan(limits.headersTimeoutMs + limits.checkEveryMs + 1_000);
    }
    for (const held of figures.slowBodyHeldMs) {
      expect(held).toBeGreaterThanOrEqual(1_400);
      expect(held).toBeLessThan(limits.requestTimeoutMs + limits.checkEveryMs + 1_000);
    }
    // A connection that sends nothing gets no longer than one that sends its headers slowly.
    for (const held of figures.silentHeldMs) {
      expect(held).toBeGreaterThanOrEqual(900);
      expect(held).toBeLessThan(limits.headersTimeoutMs + limits.checkEveryMs + 1_000);
    }
    // 12 slow connections are open: of 10 idle ones, 4 fit under the cap of 16.
    expect(figures.idleRefused).toBe(6);
    expect(figures.probes).toBeGreaterThan(0);
    expect(figures.probesAnswered).toBe(figures.probes);
  }, 30_000);

  it("defaults to a cap and timeouts sized for a laptop", () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxConnections: 256,
      headersTimeoutMs: 5_000,
      requestTimeoutMs: 10_000,
      checkEveryMs: 1_000,
      keepAliveTimeoutMs: 5_000,
    });
  });
});
