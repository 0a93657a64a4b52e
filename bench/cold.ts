/**
 * Cold start: each sample is a fresh process that evaluates the Generate and Verify actions of one
 * variant and makes their first calls. Rounds alternate the variants and the Node versions, and each
 * figure is the median over rounds.
 */
import type { BenchKeys, Variant } from "./cases.js";
import { runChild } from "./child-io.js";
import type { ColdJob, ColdResult } from "./cold-child.js";
import type { NodeRuntime } from "./setup.js";
import { median, rotate } from "./stats.js";

export interface ColdOptions {
  readonly runtimes: readonly NodeRuntime[];
  /** Each variant's actions folder. */
  readonly actionDirs: Partial<Record<Variant, string>>;
  readonly keys: BenchKeys;
  /** The bundled cold-child script. */
  readonly script: string;
  /** Samples per variant and runtime. */
  readonly rounds: number;
}

/** Medians in milliseconds: Generate's first call, Verify's, their sum, and process start-up. */
export interface ColdFigures {
  readonly generateMs: number;
  readonly verifyMs: number;
  readonly totalMs: number;
  readonly startupMs: number;
}

/** Cold figures by runtime name, then variant. */
export type ColdResults = Record<string, Partial<Record<Variant, ColdFigures>>>;

export async function measureCold(options: ColdOptions): Promise<ColdResults> {
  const variants = Object.keys(options.actionDirs) as Variant[];
  const samples = new Map<string, ColdResult[]>();
  const run = (runtime: NodeRuntime, variant: Variant) => {
    const job: ColdJob = { actionsDir: options.actionDirs[variant] as string, secret: options.keys.secret };
    return runChild<ColdResult>(runtime.bin, options.script, job);
  };
  // One unrecorded round first, so no variant pays for a cold disk cache.
  for (const runtime of options.runtimes) for (const variant of variants) await run(runtime, variant);
  for (let round = 0; round < options.rounds; round++) {
    for (const runtime of rotate(options.runtimes, round)) {
      for (const variant of rotate(variants, round)) {
        const key = `${runtime.name}\0${variant}`;
        const list = samples.get(key) ?? [];
        list.push(await run(runtime, variant));
        samples.set(key, list);
      }
    }
  }
  const results: ColdResults = {};
  for (const runtime of options.runtimes) {
    const byVariant: Partial<Record<Variant, ColdFigures>> = {};
    for (const variant of variants) {
      const list = samples.get(`${runtime.name}\0${variant}`) ?? [];
      byVariant[variant] = {
        generateMs: median(list.map((s) => s.generateMs)),
        verifyMs: median(list.map((s) => s.verifyMs)),
        totalMs: median(list.map((s) => s.generateMs + s.verifyMs)),
        startupMs: median(list.map((s) => s.startupMs)),
      };
    }
    results[runtime.name] = byVariant;
  }
  return results;
}
