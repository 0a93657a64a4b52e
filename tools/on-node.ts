/**
 * `node tools/run-ts.mjs tools/on-node.ts <node18|node22> <script> [args...]`: runs a script on one of the
 * Node versions under tools/ (`npm test` runs vitest on Node 22 this way), with this process's standard
 * streams, and exits as it exits.
 */
import { spawnSync } from "node:child_process";
import { nodeRuntime, type RuntimeName } from "./node-runtimes.js";

const [name, ...args] = process.argv.slice(2);
if (name !== "node18" && name !== "node22") {
  console.error("usage: node tools/run-ts.mjs tools/on-node.ts <node18|node22> <script> [args...]");
  process.exit(2);
}
const child = spawnSync(nodeRuntime(name as RuntimeName).bin, args, { stdio: "inherit" });
if (child.error) throw child.error;
process.exit(child.status ?? 1);
