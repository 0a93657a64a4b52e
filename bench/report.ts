/**
 * The bench's report: Markdown tables of what was measured, with ratios to jose's floor, the Bubble
 * workload units the times imply, the targets and whether this run met them, and the machine it ran on.
 * A full run writes it to docs/performance.md, which the README links to.
 */
import { cpus } from "node:os";
import { FLOOR, VARIANTS, type Variant, WARM_CASES } from "./cases.js";
import type { ColdResults } from "./cold.js";
import type { LoadFigure } from "./load.js";
import type { ActionSize } from "./size.js";
import type { WarmResults } from "./warm.js";

/** Where a full run writes its report, relative to the repository root. */
export const PERFORMANCE_DOC = "docs/performance.md";

/** Bubble's price of a server-side action call: a fixed part, and a part per millisecond it runs. */
export const WU_PER_CALL = 0.2;
export const WU_PER_MS = 0.0005;

/** Workload units that `calls` calls of `ms` milliseconds each cost. */
export function workloadUnits(calls: number, ms: number): number {
  return calls * (WU_PER_CALL + WU_PER_MS * ms);
}

/**
 * The targets: a cold first Generate + Verify within a factor of jose's floor (per runtime) and under
 * half of jsonwebtoken's and fast-jwt's; each warm case within a factor of jose's floor; each server.js
 * within a size.
 */
export const TARGETS = {
  coldRatio: { node18: 1.35, node22: 1.3 } as Readonly<Record<string, number>>,
  coldShareOfOthers: 0.5,
  warmRatio: 1.25,
  warmCases: WARM_CASES,
  bytes: 44 * 1024,
} as const;

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
  lines.push(`Machine: ${machine(figures.nodeVersions)}.`, "", `Settings: ${figures.settings}.`, "");
  for (const [runtime, byVariant] of Object.entries(figures.cold)) {
    const floor = byVariant[FLOOR]?.totalMs;
    lines.push(
      `### Cold start on ${runtime} (${figures.nodeVersions[runtime]})`,
      "",
      "Evaluate server.js and make the first call, Generate then Verify (HS256); medians in ms.",
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
      `### Warm calls on ${runtime} (${figures.nodeVersions[runtime]})`,
      "",
      "Keys imported once; medians over processes of µs per call (× jose timed in the same processes).",
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
  lines.push("### Size of each action's server.js", "", "| action | bytes | KB |", "|---|---:|---:|");
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

/** One line per target, with the measured figure and whether it holds. */
export function targetLines(figures: BenchFigures): string[] {
  const lines = ["### Targets, this run", ""];
  for (const [runtime, byVariant] of Object.entries(figures.cold)) {
    const plugin = byVariant.plugin?.totalMs;
    const floor = byVariant[FLOOR]?.totalMs;
    const limit = TARGETS.coldRatio[runtime];
    if (plugin === undefined || floor === undefined || limit === undefined) continue;
    const others = (["jsonwebtoken", "fast-jwt"] as const)
      .map((variant) => byVariant[variant]?.totalMs)
      .filter((value): value is number => value !== undefined);
    // Against the faster of the two: below half of both.
    const share = plugin / Math.min(...others);
    const ok = plugin <= floor * limit && others.length === 2 && share < TARGETS.coldShareOfOthers;
    const versus =
      others.length === 2
        ? `${share.toFixed(2)}× the faster of jsonwebtoken and fast-jwt (< ${TARGETS.coldShareOfOthers})`
        : "jsonwebtoken and fast-jwt not measured";
    lines.push(
      `- cold on ${runtime}: ${(plugin / floor).toFixed(2)}× jose (≤ ${limit}), ${versus}: ${verdict(ok)}`,
    );
  }
  for (const [runtime, byCase] of Object.entries(figures.warm)) {
    for (const name of TARGETS.warmCases) {
      const figure = byCase[name]?.plugin;
      if (figure === undefined) continue;
      lines.push(
        `- warm ${name} on ${runtime}: ${figure.ratio.toFixed(2)}× jose (≤ ${TARGETS.warmRatio}): ${verdict(figure.ratio <= TARGETS.warmRatio)}`,
      );
    }
  }
  const largest = figures.sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  lines.push(
    `- largest server.js (${largest.display}): ${(largest.bytes / 1024).toFixed(1)} KB (≤ ${TARGETS.bytes / 1024} KB): ${verdict(largest.bytes <= TARGETS.bytes)}`,
  );
  return lines;
}

/** The rest of a full run, measured after the tables: the local backend under load and a refusal's cost. */
export interface BenchExtras {
  readonly load: LoadFigure;
  readonly refusalUs: number;
  /** bench/backend.ts's markdown (its costs and load tables), appended last; empty leaves it out. */
  readonly backend: string;
}

/** docs/performance.md: the whole report, generated, with a line saying so and how to make it again. */
export function renderDocument(figures: BenchFigures, extras: BenchExtras, date: Date): string {
  const { load } = extras;
  return [
    "# Performance",
    "",
    `Generated by \`npm run bench\` on ${date.toISOString().slice(0, 10)}: do not edit, run it again. The method is in`,
    "[README.md](../README.md#performance).",
    "",
    renderReport(figures),
    "",
    "### Local backend",
    "",
    `POST /api/1.1/wf/protected-action (JWT - Verify token through the Bubble runtime stand-in, on Node ${process.versions.node}), ${load.requests} requests over ${load.concurrency} keep-alive connections, client in the same process: ${Math.round(load.requestsPerSecond)} requests/s, p50 ${load.p50Ms.toFixed(1)} ms, p99 ${load.p99Ms.toFixed(1)} ms, ${load.errors} errors (${load.seconds.toFixed(1)} s).`,
    "",
    "### Refusing a 1 MB token",
    "",
    `JWT - Verify token, warm, token_too_large: median ${extras.refusalUs.toFixed(1)} µs.`,
    "",
    ...(extras.backend === "" ? [] : [extras.backend, ""]),
  ].join("\n");
}
