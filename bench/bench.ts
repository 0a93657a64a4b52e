/**
 * `npm run bench [-- --quick]`: the plugin's built actions against jose's floor, jsonwebtoken and
 * fast-jwt, cold and warm, on Node 18 and Node 22 (the runtimes Bubble runs the plugin on, never the Node
 * that runs this script), and the size of each server.js; then the local backend under load, and the cost
 * of refusing a 1 MB token. A full run writes the report to docs/performance.md. Measures the committed
 * actions/: run `npm run build` first after changing src/. Not a test: nothing here passes or fails on a
 * number.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { benchBackend } from "./backend.js";
import { VARIANTS, type Variant } from "./cases.js";
import { measureCold } from "./cold.js";
import { measureProtectedAction } from "./load.js";
import { PERFORMANCE_DOC, renderDocument } from "./report.js";
import { refuseOneMegabyteTokenMicros } from "./security.js";
import { childScript, freshKeys, PLUGIN_ACTIONS, ROOT, runtimes, variantActionDirs } from "./setup.js";
import { type ActionSize, measureSizes } from "./size.js";
import { measureWarm } from "./warm.js";

const quick = process.argv.includes("--quick");
const settings = quick
  ? { coldRounds: 3, warmChildren: 1, samples: 3, sampleMs: 10, warmupMs: 50 }
  : { coldRounds: 40, warmChildren: 5, samples: 10, sampleMs: 20, warmupMs: 400 };

const nodes = runtimes();
const nodeVersions = Object.fromEntries(
  nodes.map((node) => [node.name, execFileSync(node.bin, ["--version"]).toString().trim()]),
);
const actionDirs = await variantActionDirs();
const [coldScript, warmScript] = await Promise.all([childScript("cold-child"), childScript("warm-child")]);
const keys = freshKeys();
const baselineSizes: Partial<Record<Variant, ActionSize[]>> = {};
for (const variant of VARIANTS)
  if (variant !== "plugin") baselineSizes[variant] = measureSizes(actionDirs[variant]);

console.error(
  `cold: ${settings.coldRounds} rounds × ${VARIANTS.length} implementations × ${nodes.length} Node versions`,
);
const cold = await measureCold({
  runtimes: nodes,
  actionDirs,
  keys,
  script: coldScript,
  rounds: settings.coldRounds,
});
console.error(
  `warm: ${settings.warmChildren} processes per Node version and implementation (each with jose), ${settings.samples} samples each`,
);
const warm = await measureWarm({
  runtimes: nodes,
  actionsDir: PLUGIN_ACTIONS,
  variants: VARIANTS,
  keys,
  script: warmScript,
  children: settings.warmChildren,
  samples: settings.samples,
  sampleMs: settings.sampleMs,
  warmupMs: settings.warmupMs,
});

const figures = {
  nodeVersions,
  sizes: measureSizes(PLUGIN_ACTIONS),
  baselineSizes,
  cold,
  warm,
  settings: `${quick ? "--quick" : "full"}: cold ${settings.coldRounds} fresh processes per implementation and Node; warm ${settings.warmChildren} processes per Node and implementation, each timing it and jose in turns, × ${settings.samples} samples of ~${settings.sampleMs} ms per call, after ${settings.warmupMs} ms of warm-up each`,
};
console.error("local backend under load, then the cost of refusing a 1 MB token");
const load = await measureProtectedAction({ requests: quick ? 5_000 : 20_000, concurrency: 50 });
const refusalUs = await refuseOneMegabyteTokenMicros(quick ? 200 : 2_000);
console.error("local backend: each workflow's cost at two database sizes, then autocannon");
const backend = await benchBackend({ quick });
const document = renderDocument(figures, { load, refusalUs, backend }, new Date());
console.log(document);
if (quick) {
  console.log(
    `(--quick checks that every measurement runs; its warm-ups and samples are too short for the ratios and verdicts above to mean anything: run without it for those. ${PERFORMANCE_DOC} is written by full runs only.)`,
  );
} else {
  writeFileSync(path.join(ROOT, PERFORMANCE_DOC), document);
  console.error(`wrote ${PERFORMANCE_DOC}`);
}
if (load.errors > 0) process.exitCode = 1;
