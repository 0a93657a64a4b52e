/**
 * `npm run bench [-- --quick]`: the plugin's built actions against jose's floor, jsonwebtoken and
 * fast-jwt, cold and warm, on Node 18 and this machine's Node, and the size of each server.js. Measures
 * the committed actions/: run `npm run build` first after changing src/.
 */
import { execFileSync } from "node:child_process";
import { VARIANTS, type Variant } from "./cases.js";
import { measureCold } from "./cold.js";
import { renderReport } from "./report.js";
import { childScript, freshKeys, PLUGIN_ACTIONS, runtimes, variantActionDirs } from "./setup.js";
import { type ActionSize, measureSizes } from "./size.js";
import { measureWarm } from "./warm.js";

const quick = process.argv.includes("--quick");
const settings = quick
  ? { coldRounds: 3, warmChildren: 1, samples: 3, sampleMs: 10, warmupMs: 50 }
  : { coldRounds: 15, warmChildren: 3, samples: 15, sampleMs: 20, warmupMs: 400 };

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
console.error(`warm: ${settings.warmChildren} processes per Node version, ${settings.samples} samples each`);
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

console.log(
  renderReport({
    nodeVersions,
    sizes: measureSizes(PLUGIN_ACTIONS),
    baselineSizes,
    cold,
    warm,
    settings: `${quick ? "--quick" : "full"}: cold ${settings.coldRounds} fresh processes per implementation and Node; warm ${settings.warmChildren} processes per Node × ${settings.samples} samples of ~${settings.sampleMs} ms per call and implementation, after ${settings.warmupMs} ms of warm-up each`,
  }),
);
