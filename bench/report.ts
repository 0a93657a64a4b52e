/**
 * The bench's report: Markdown tables of what was measured, with ratios to jose's floor, the Bubble
 * workload units the times imply, the targets of issue 6, and the machine it ran on.
 */
import { cpus } from "node:os";
import { FLOOR, VARIANTS, type Variant, WARM_CASES } from "./cases.js";
import type { ColdResults } from "./cold.js";
import type { ActionSize } from "./size.js";
import type { WarmResults } from "./warm.js";

/** Bubble's price of a server-side action call: a fixed part, and a part per millisecond it runs. */
export const WU_PER_CALL = 0.2;
export const WU_PER_MS = 0.0005;

/** Workload units that `calls` calls of `ms` milliseconds each cost. */
export function workloadUnits(calls: number, ms: number): number {
  return calls * (WU_PER_CALL + WU_PER_MS * ms);
}

/** The targets: cold ≤ 1.15 × jose and below the others; warm ≤ 1.2 × jose; each server.js ≤ 32 KB. */
export const TARGETS = { coldRatio: 1.15, warmRatio: 1.2, bytes: 32 * 1024 } as const;
const WARM_TARGET_CASES = ["HS256 Verify", "RS256 Generate", "ES256 Verify"];

export interface BenchFigures {
  readonly nodeVersions: Record<string, string>;
  readonly sizes: readonly ActionSize[];
  /** Sizes of the comparison implementations' bundles, by variant. */
  readonly baselineSizes: Partial<Record<Variant, readonly ActionSize[]>>;
  readonly cold: ColdResults;
  readonly warm: WarmResults;
  readonly settings: string;
}

const ms = (value: number) => value.toFixed(2);
const us = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const ratio = (value: number, floor: number | undefined) => (floor ? `${(value / floor).toFixed(2)}×` : "–");
const verdict = (ok: boolean) => (ok ? "met" : "NOT met");

/** The machine, for the report's first lines. */
export function machine(nodeVersions: Record<string, string>): string {
  const cores = cpus();
  const versions = Object.entries(nodeVersions)
    .map(([name, version]) => `${name} = ${version}`)
    .join(", ");
  return `${cores[0]?.model.trim() ?? "unknown CPU"}, ${cores.length} cores; Node: ${versions}`;
}

export function renderReport(figures: BenchFigures): string {
  const lines: string[] = [];
  lines.push(`Machine: ${machine(figures.nodeVersions)}`, `Settings: ${figures.settings}`, "");
  for (const [runtime, byVariant] of Object.entries(figures.cold)) {
    const floor = byVariant[FLOOR]?.totalMs;
    lines.push(
      `Cold start on ${runtime} (${figures.nodeVersions[runtime]}): evaluate server.js and make the first call, Generate then Verify (HS256); medians in ms`,
      "",
      "| implementation | Generate | Verify | total | × jose | WU per 1,000 cold Generate + Verify |",
      "|---|---:|---:|---:|---:|---:|",
    );
    for (const variant of VARIANTS) {
      const f = byVariant[variant];
      if (!f) continue;
      lines.push(
        `| ${variant} | ${ms(f.generateMs)} | ${ms(f.verifyMs)} | ${ms(f.totalMs)} | ${ratio(f.totalMs, floor)} | ${workloadUnits(1000, f.totalMs / 2).toFixed(1)} × 2 |`,
      );
    }
    const startup = Object.values(byVariant).map((f) => f?.startupMs ?? 0);
    lines.push(
      "",
      `Process start-up, not counted above (same for all): ${ms(Math.min(...startup))}–${ms(Math.max(...startup))} ms.`,
      "",
    );
  }
  for (const [runtime, byCase] of Object.entries(figures.warm)) {
    lines.push(
      `Warm calls on ${runtime} (${figures.nodeVersions[runtime]}): keys imported once; medians over processes of µs per call (× jose timed in the same processes)`,
      "",
      `| call | ${VARIANTS.join(" | ")} | plugin WU per 1,000 calls |`,
      `|---|${VARIANTS.map(() => "---:").join("|")}|---:|`,
    );
    for (const name of WARM_CASES) {
      const byVariant = byCase[name];
      if (!byVariant) continue;
      const cells = VARIANTS.map((variant) => {
        const figure = byVariant[variant];
        if (figure === undefined) return "n/a";
        const value = us(figure.perCallUs);
        return variant === FLOOR ? value : `${value} (${figure.ratio.toFixed(2)}×)`;
      });
      const plugin = byVariant.plugin?.perCallUs;
      const wu = plugin === undefined ? "–" : workloadUnits(1000, plugin / 1000).toFixed(3);
      lines.push(`| ${name} | ${cells.join(" | ")} | ${wu} |`);
    }
    lines.push("");
  }
  lines.push("Size of each action's server.js", "", "| action | bytes | KB |", "|---|---:|---:|");
  for (const size of figures.sizes) {
    lines.push(`| ${size.display} | ${size.bytes} | ${(size.bytes / 1024).toFixed(1)} |`);
  }
  for (const [variant, sizes] of Object.entries(figures.baselineSizes)) {
    for (const size of sizes ?? []) {
      lines.push(`| (${variant}) ${size.display} | ${size.bytes} | ${(size.bytes / 1024).toFixed(1)} |`);
    }
  }
  lines.push("", ...targetLines(figures));
  return lines.join("\n");
}

/** One line per target of issue 6, with the measured figure and whether it holds. */
export function targetLines(figures: BenchFigures): string[] {
  const lines = ["Targets:"];
  for (const [runtime, byVariant] of Object.entries(figures.cold)) {
    const plugin = byVariant.plugin?.totalMs;
    const floor = byVariant[FLOOR]?.totalMs;
    if (plugin === undefined || floor === undefined) continue;
    const others = (["jsonwebtoken", "fast-jwt"] as const)
      .map((variant) => byVariant[variant]?.totalMs)
      .filter((value): value is number => value !== undefined);
    const ok = plugin <= floor * TARGETS.coldRatio && others.every((other) => plugin < other);
    lines.push(
      `- cold on ${runtime}: ${(plugin / floor).toFixed(2)}× jose (≤ ${TARGETS.coldRatio}), below jsonwebtoken and fast-jwt: ${verdict(ok)}`,
    );
  }
  for (const [runtime, byCase] of Object.entries(figures.warm)) {
    for (const name of WARM_TARGET_CASES) {
      const figure = byCase[name]?.plugin;
      if (figure === undefined) continue;
      lines.push(
        `- warm ${name} on ${runtime}: ${figure.ratio.toFixed(2)}× jose (≤ ${TARGETS.warmRatio}): ${verdict(figure.ratio <= TARGETS.warmRatio)}`,
      );
    }
  }
  const largest = Math.max(...figures.sizes.map((size) => size.bytes));
  lines.push(
    `- largest server.js: ${(largest / 1024).toFixed(1)} KB (≤ 32 KB): ${verdict(largest <= TARGETS.bytes)}`,
  );
  return lines;
}
