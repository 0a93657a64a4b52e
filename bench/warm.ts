/**
 * Warm calls: per-call cost with everything loaded and keys imported, measured in child processes on
 * each runtime. Each implementation is timed in its own processes alongside jose's floor, the two taking
 * turns, and compared with the jose timed with it: libraries loaded into one process slow each other
 * (a heap grown by one makes another's garbage collection dearer), so an implementation never shares a
 * process with a third one. Each process is one experiment giving medians and their ratio; the figures
 * are the medians over processes, so one process whose JIT or heap went astray does not move them.
 */
import { type BenchKeys, FLOOR, type Variant } from "./cases.js";
import { runChild } from "./child-io.js";
import type { NodeRuntime } from "./setup.js";
import { median, rotate } from "./stats.js";
import type { WarmJob, WarmResult } from "./warm-child.js";

export interface WarmOptions {
  readonly runtimes: readonly NodeRuntime[];
  /** The plugin's actions folder. */
  readonly actionsDir: string;
  /** The implementations to time; jose's floor is timed with each of the others. */
  readonly variants: readonly Variant[];
  readonly keys: BenchKeys;
  /** The bundled warm-child script. */
  readonly script: string;
  /** Child processes per runtime and implementation: each one experiment. */
  readonly children: number;
  /** Samples per child, case and variant. */
  readonly samples: number;
  readonly sampleMs: number;
  /** Warm-up per call and implementation, before the first sample. */
  readonly warmupMs: number;
}

/** One implementation's microseconds per call, jose's floor timed in the same processes, and their ratio. */
export interface WarmFigure {
  readonly perCallUs: number;
  readonly floorUs: number;
  /** The median over processes of each process's ratio of medians. */
  readonly ratio: number;
}

/** Warm figures by runtime name, case and variant (jose's own: as timed with the plugin). */
export type WarmResults = Record<string, Record<string, Partial<Record<Variant, WarmFigure>>>>;

/** One implementation's median per process, and jose's from the same processes. */
interface SamplePair {
  readonly own: number[];
  readonly floor: number[];
}

type Samples = Record<string, Record<string, Partial<Record<Variant, SamplePair>>>>;

export async function measureWarm(options: WarmOptions): Promise<WarmResults> {
  const contenders = options.variants.filter((variant) => variant !== FLOOR);
  const samples: Samples = {};
  for (let child = 0; child < options.children; child++) {
    for (const runtime of rotate(options.runtimes, child)) {
      for (const contender of rotate(contenders, child)) {
        const job: WarmJob = {
          actionsDir: options.actionsDir,
          keys: options.keys,
          variants: rotate([contender, FLOOR], child),
          samples: options.samples,
          sampleMs: options.sampleMs,
          warmupMs: options.warmupMs,
        };
        const result = await runChild<WarmResult>(runtime.bin, options.script, job);
        for (const [name, byVariant] of Object.entries(result)) {
          const own = byVariant[contender];
          const floor = byVariant[FLOOR];
          if (!own || !floor) continue; // a case the contender cannot do (jsonwebtoken has no EdDSA)
          const pair = samplePair(samples, runtime.name, name, contender);
          pair.own.push(median(own));
          pair.floor.push(median(floor));
        }
      }
    }
  }
  const results: WarmResults = {};
  for (const [runtime, byCase] of Object.entries(samples)) {
    const figures: Record<string, Partial<Record<Variant, WarmFigure>>> = {};
    for (const [name, byVariant] of Object.entries(byCase)) {
      const row: Partial<Record<Variant, WarmFigure>> = {};
      for (const [variant, pair] of Object.entries(byVariant) as [Variant, SamplePair][]) {
        const ratios = pair.own.map((own, i) => own / (pair.floor[i] as number));
        row[variant] = { perCallUs: median(pair.own), floorUs: median(pair.floor), ratio: median(ratios) };
      }
      // jose's own row: the floor the plugin was timed with (the first contender, when the plugin is not timed).
      const floor = (row.plugin ?? Object.values(row)[0])?.floorUs;
      if (floor !== undefined) row[FLOOR] = { perCallUs: floor, floorUs: floor, ratio: 1 };
      figures[name] = row;
    }
    results[runtime] = figures;
  }
  return results;
}

/** The sample lists of one implementation and case on one runtime, made on first use. */
function samplePair(samples: Samples, runtime: string, name: string, variant: Variant): SamplePair {
  const byCase = samples[runtime] ?? {};
  samples[runtime] = byCase;
  const byVariant = byCase[name] ?? {};
  byCase[name] = byVariant;
  const pair = byVariant[variant] ?? { own: [], floor: [] };
  byVariant[variant] = pair;
  return pair;
}
