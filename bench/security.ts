/**
 * Security benchmark: the cost of refusing an oversized token. The contract refuses a token over
 * 16,384 characters before decoding it, so an attacker posting megabytes costs the app (who pays per
 * millisecond of action time) almost nothing. Measured through the built Verify action in the Bubble
 * runtime stand-in, warm, as Bubble would run it. bench/bench.ts calls the exported function.
 */
import { randomBytes } from "node:crypto";
import { actionsDirOf, BubbleRuntime } from "../src/emulator/runtime.js";
import { repoRoot } from "../src/paths.js";

const ONE_MB = 1_048_576;

/**
 * The median time, in microseconds, that the built `JWT - Verify token` takes to refuse a 1 MB token
 * with `token_too_large` (after `warmup` unmeasured calls). Throws if the token is not refused so.
 */
export async function refuseOneMegabyteTokenMicros(runs = 2_000, warmup = 200): Promise<number> {
  const runtime = new BubbleRuntime(actionsDirOf(repoRoot()), { evaluate: "once" });
  // Keys are read before the token (a key to fix is reported whatever the token), so a real one is needed.
  const keys = { "JWT Secret": randomBytes(48).toString("base64url") };
  const token = `eyJhbGciOiJIUzI1NiJ9.${"A".repeat(ONE_MB)}`.slice(0, ONE_MB);
  const samples: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const started = process.hrtime.bigint();
    const { values } = await runtime.call("JWT - Verify token", { token }, keys);
    const elapsed = Number(process.hrtime.bigint() - started) / 1_000;
    if (values.error_code !== "token_too_large") {
      throw new Error(`a 1 MB token was answered with ${String(values.error_code)}, not token_too_large`);
    }
    if (i >= warmup) samples.push(elapsed);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}
