/**
 * Warm calls: per-call cost with everything loaded and keys imported, measured in child processes on
 * each runtime (several children per runtime, taking turns), each figure the median over all samples.
 */
import type { BenchKeys, Variant } from "./cases.js";
import { runChild } from "./child-io.js";
import type { NodeRuntime } from "./setup.js";
import { median, rotate } from "./stats.js";
import type { WarmJob, WarmResult } from "./warm-child.js";

export interface WarmOptions {
  readonly runtimes: readonly NodeRuntime[];
  /** The plugin's actions folder. */
  readonly actionsDir: string;
  readonly variants: readonly Variant[];
  readonly keys: BenchKeys;
  /** The bundled warm-child script. */
  readonly script: string;
  /** Child processes per runtime. */
  readonly children: number;
  /** Samples per child, case and variant. */
  readonly samples: number;
  readonly sampleMs: number;
  /** Warm-up per call and implementation, before the first sample. */
  readonly warmupMs: number;
}

/** Median microseconds per call, by runtime name, case and variant. */
export type WarmResults = Record<string, Record<string, Partial<Record<Variant, number>>>>;

export async function measureWarm(options: WarmOptions): Promise<WarmResults> {
  const collected: Record<string, Record<string, Partial<Record<Variant, number[]>>>> = {};
  for (let child = 0; child < options.children; child++) {
    for (const runtime of rotate(options.runtimes, child)) {
      const job: WarmJob = {
        actionsDir: options.actionsDir,
        keys: options.keys,
        variants: rotate(options.variants, child),
        samples: options.samples,
        sampleMs: options.sampleMs,
        warmupMs: options.warmupMs,
      };
      const result = await runChild<WarmResult>(runtime.bin, options.script, job);
      const byCase = collected[runtime.name] ?? {};
      for (const [name, byVariant] of Object.entries(result)) {
        const merged = byCase[name] ?? {};
        for (const [variant, values] of Object.entries(byVariant) as [Variant, number[]][]) {
          merged[variant] = [...(merged[variant] ?? []), ...values];
        }
        byCase[name] = merged;
      }
      collected[runtime.name] = byCase;
    }
  }
  const results: WarmResults = {};
  for (const [runtime, byCase] of Object.entries(collected)) {
    results[runtime] = {};
    for (const [name, byVariant] of Object.entries(byCase)) {
      const medians: Partial<Record<Variant, number>> = {};
      for (const [variant, values] of Object.entries(byVariant) as [Variant, number[]][]) {
        medians[variant] = median(values);
      }
      (results[runtime] as Record<string, Partial<Record<Variant, number>>>)[name] = medians;
    }
  }
  return results;
}
