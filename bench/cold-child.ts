/**
 * One cold start, in a fresh process: loads an actions folder into the Bubble runtime stand-in (which
 * reads the files but evaluates nothing yet), then times, from before evaluation to the end of the call,
 * the first Generate (HS256) and then the first Verify of the token it made. The runtime captures each
 * call's log line in memory, as Bubble captures it for the server logs.
 */
import { BubbleRuntime } from "../src/emulator/runtime.js";
import { GENERATE_ACTION, SUBJECT, VERIFY_ACTION } from "./cases.js";
import { readJob, writeResult } from "./child-io.js";

/** What the parent asks of a cold child. */
export interface ColdJob {
  readonly actionsDir: string;
  readonly secret: string;
}

/** Milliseconds, measured inside the child. */
export interface ColdResult {
  /** From process start to the first line of this script: the same for every variant, not counted. */
  readonly startupMs: number;
  /** Evaluating Generate's server.js and its first call. */
  readonly generateMs: number;
  /** Evaluating Verify's server.js and its first call. */
  readonly verifyMs: number;
}

async function main(): Promise<void> {
  const startupMs = performance.now();
  const job = readJob<ColdJob>();
  const runtime = new BubbleRuntime(job.actionsDir);
  const keys = { "JWT Secret": job.secret };
  const t0 = performance.now();
  const generated = await runtime.call(GENERATE_ACTION, { subject: SUBJECT }, keys);
  const t1 = performance.now();
  const verified = await runtime.call(VERIFY_ACTION, { token: generated.values.token }, keys);
  const t2 = performance.now();
  if (verified.values.valid !== true || verified.values.subject !== SUBJECT) {
    throw new Error(`${job.actionsDir}: Verify refused the token Generate made.`);
  }
  const result: ColdResult = { startupMs, generateMs: t1 - t0, verifyMs: t2 - t1 };
  writeResult(result);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
