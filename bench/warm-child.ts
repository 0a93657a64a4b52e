/**
 * Warm calls, in one process: each variant the parent names has its calls bound once (the plugin's actions
 * evaluated once in the Bubble runtime stand-in, the libraries' keys imported once), warmed up, then
 * timed in samples of many calls, the variants taking turns from one sample to the next.
 *
 * The plugin's actions write one log line per call. Here console.log is a sink that counts the lines:
 * the action pays for building its line, as it does on Bubble, but not for a terminal the bench has.
 */
import { BubbleRuntime } from "../src/emulator/runtime.js";
import * as fastJwt from "./baselines/fast-jwt.js";
import * as jose from "./baselines/jose.js";
import * as jsonwebtoken from "./baselines/jsonwebtoken.js";
import {
  type BenchKeys,
  type BoundCall,
  GENERATE_ACTION,
  SUBJECT,
  type Variant,
  VERIFY_ACTION,
  WARM_CASES,
  type WarmCalls,
  type WarmCase,
  type WarmTokens,
} from "./cases.js";
import { readJob, writeResult } from "./child-io.js";
import { rotate } from "./stats.js";

export interface WarmJob {
  readonly actionsDir: string;
  readonly keys: BenchKeys;
  readonly variants: readonly Variant[];
  /** Timed samples per case and variant. */
  readonly samples: number;
  /** About how long one sample runs; its number of calls is calibrated to this. */
  readonly sampleMs: number;
  /**
   * How long each call runs before any sample is taken. Timings settle only after a few hundred
   * milliseconds (the JIT, and the thread pool WebCrypto runs its jobs on), so this is far longer than a sample.
   */
  readonly warmupMs: number;
}

/** Microseconds per call, one number per sample, by case and variant. */
export type WarmResult = Record<string, Partial<Record<Variant, number[]>>>;

const BASELINES = { jose, jsonwebtoken, "fast-jwt": fastJwt } as const;

/** The plugin's calls: its built actions, each bound to its inputs and plugin keys. */
function pluginCalls(runtime: BubbleRuntime, keys: BenchKeys, tokens: WarmTokens): WarmCalls {
  return {
    "HS256 Verify": runtime.bind(VERIFY_ACTION, { token: tokens.HS256 }, { "JWT Secret": keys.secret }),
    "RS256 Generate": runtime.bind(
      GENERATE_ACTION,
      { subject: SUBJECT, algorithm: "RS256" },
      { "Private Key": keys.rsa.privateKey },
    ),
    "ES256 Verify": runtime.bind(
      VERIFY_ACTION,
      { token: tokens.ES256, algorithm: "ES256" },
      { "Public Key": keys.ec.publicKey },
    ),
    "EdDSA Verify": runtime.bind(
      VERIFY_ACTION,
      { token: tokens.EdDSA, algorithm: "EdDSA" },
      { "Public Key": keys.ed.publicKey },
    ),
  };
}

/**
 * Tokens to verify, made by the plugin's Generate action. Through bind, not call: the stand-in's call
 * captures logs with AsyncLocalStorage, whose promise hooks would then slow every later await of every
 * variant, which Bubble's own runtime need not do.
 */
async function makeTokens(runtime: BubbleRuntime, keys: BenchKeys): Promise<WarmTokens> {
  const token = async (algorithm: string, keyName: string, key: string) => {
    const generate = runtime.bind(GENERATE_ACTION, { subject: SUBJECT, algorithm }, { [keyName]: key });
    const values = (await generate()) as { token: string };
    return values.token;
  };
  return {
    HS256: await token("HS256", "JWT Secret", keys.secret),
    ES256: await token("ES256", "Private Key", keys.ec.privateKey),
    EdDSA: await token("EdDSA", "Private Key", keys.ed.privateKey),
  };
}

/** Fails loudly when a call does not do its work: a refused token would time the wrong path. */
async function checkCall(variant: Variant, name: WarmCase, call: BoundCall): Promise<void> {
  const result = (await call()) as Record<string, unknown> | string | undefined;
  const ok =
    variant === "plugin"
      ? typeof result === "object" && (result.valid === true || typeof result.token === "string")
      : result !== undefined;
  if (!ok) throw new Error(`${variant} ${name} did not succeed.`);
}

/** Microseconds per call over `count` calls. */
async function time(call: BoundCall, count: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) await call();
  return ((performance.now() - start) * 1000) / count;
}

/** Runs the call for at least `ms` (and 10 calls), and returns how many calls take about `sampleMs`. */
async function calibrate(call: BoundCall, ms: number, sampleMs: number): Promise<number> {
  let calls = 0;
  const start = performance.now();
  while (calls < 10 || performance.now() - start < ms) {
    await call();
    calls++;
  }
  const perCallMs = (performance.now() - start) / calls;
  return Math.max(3, Math.ceil(sampleMs / perCallMs));
}

async function main(): Promise<void> {
  const job = readJob<WarmJob>();
  const runtime = new BubbleRuntime(job.actionsDir);
  let logLines = 0;
  console.log = () => {
    logLines++;
  };
  const tokens = await makeTokens(runtime, job.keys);
  const calls: Partial<Record<Variant, WarmCalls>> = {};
  for (const variant of job.variants) {
    calls[variant] =
      variant === "plugin"
        ? pluginCalls(runtime, job.keys, tokens)
        : await BASELINES[variant].prepareWarm(job.keys, tokens);
  }
  const plan: { name: WarmCase; variant: Variant; call: BoundCall; count: number }[] = [];
  for (const name of WARM_CASES) {
    for (const variant of job.variants) {
      const call = calls[variant]?.[name];
      if (!call) continue;
      await checkCall(variant, name, call);
      plan.push({ name, variant, call, count: await calibrate(call, job.warmupMs, job.sampleMs) });
    }
  }
  const result: WarmResult = {};
  for (let sample = 0; sample < job.samples; sample++) {
    for (const name of WARM_CASES) {
      const steps = rotate(
        plan.filter((step) => step.name === name),
        sample,
      );
      for (const step of steps) {
        const byVariant = result[name] ?? {};
        byVariant[step.variant] = [...(byVariant[step.variant] ?? []), await time(step.call, step.count)];
        result[name] = byVariant;
      }
    }
  }
  if (job.variants.includes("plugin") && logLines === 0)
    throw new Error("The plugin's calls logged nothing.");
  writeResult(result);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
