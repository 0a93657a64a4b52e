/**
 * `npm run bench [-- --quick]`: the plugin's built actions against jose's floor, jsonwebtoken and
 * fast-jwt, cold and warm, on Node 18 and this machine's Node, and the size of each server.js; then the
 * local backend under load, and the cost of refusing a 1 MB token. Measures the committed actions/: run
 * `npm run build` first after changing src/. Not a test: nothing here passes or fails on a number.
 */
import { execFileSync } from "node:child_process";
import { VARIANTS, type Variant } from "./cases.js";
import { measureCold } from "./cold.js";
import { measureProtectedAction } from "./load.js";
import { renderReport } from "./report.js";
import { refuseOneMegabyteTokenMicros } from "./security.js";
import { childScript, freshKeys, PLUGIN_ACTIONS, runtimes, variantActionDirs } from "./setup.js";
import { type ActionSize, measureSizes } from "./size.js";
import { measureWarm } from "./warm.js";

const quick = process.argv.includes("--quick");
const settings = quick
  ? { coldRounds: 3, warmChildren: 1, samples: 3, sampleMs: 10, warmupMs: 50 }
  : { coldRounds: 15, warmChildren: 5, samples: 10, sampleMs: 20, warmupMs: 400 };

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

console.log(
  renderReport({
    nodeVersions,
    sizes: measureSizes(PLUGIN_ACTIONS),
    baselineSizes,
    cold,
    warm,
    settings: `${quick ? "--quick" : "full"}: cold ${settings.coldRounds} fresh processes per implementation and Node; warm ${settings.warmChildren} processes per Node and implementation, each timing it and jose in turns, × ${settings.samples} samples of ~${settings.sampleMs} ms per call, after ${settings.warmupMs} ms of warm-up each`,
  }),
);
if (quick) {
  console.log(
    "(--quick checks that every measurement runs; its warm-ups and samples are too short for the ratios and verdicts above to mean anything: run without it for those.)",
  );
}

const load = await measureProtectedAction({ requests: quick ? 5_000 : 20_000, concurrency: 50 });
console.log(
  [
    "",
    "Local backend, POST /api/1.1/wf/protected-action (JWT - Verify token through the Bubble runtime stand-in),",
    `${load.requests} requests over ${load.concurrency} keep-alive connections, client in the same process:`,
    `  ${Math.round(load.requestsPerSecond)} requests/s, p50 ${load.p50Ms.toFixed(1)} ms, p99 ${load.p99Ms.toFixed(1)} ms` +
      `, ${load.errors} errors (${load.seconds.toFixed(1)} s)`,
  ].join("\n"),
);
if (load.errors > 0) process.exitCode = 1;

const refusal = await refuseOneMegabyteTokenMicros(quick ? 200 : 2_000);
console.log(
  `\nRefusing a 1 MB token (JWT - Verify token, warm, token_too_large): median ${refusal.toFixed(1)} µs`,
);
console.log(await (await import("./backend.js")).benchBackend({ quick }));
