/**
 * What every measurement needs before it starts: the Node versions to run on, fresh keys, the
 * comparison implementations built as Bubble actions, and the child scripts, all under
 * node_modules/.cache/bench (built at bench time, never shipped).
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { bundleFunction } from "../build/bundle.js";
import { repoRoot } from "../src/paths.js";
import { type NodeRuntime, nodeRuntimes } from "../tools/node-runtimes.js";
import { type BenchKeys, GENERATE_ACTION, type Variant, VERIFY_ACTION } from "./cases.js";

export const ROOT = repoRoot();
export const CACHE_DIR = path.join(ROOT, "node_modules/.cache/bench");
export const PLUGIN_ACTIONS = path.join(ROOT, "actions");

export type { NodeRuntime };

/** The runtimes Bubble runs the plugin on: Node 18 and Node 22, never the Node that runs the bench. */
export const runtimes = nodeRuntimes;

/** The plugin's actions whose server.js the comparison implementations replace. */
const BASELINE_ACTIONS = [
  { display: GENERATE_ACTION, exportName: "generate" },
  { display: VERIFY_ACTION, exportName: "verify" },
] as const;

/** The folder of the plugin's action with this display name (folders are named after Bubble ids). */
function pluginActionFolder(display: string): string {
  for (const folder of readdirSync(PLUGIN_ACTIONS)) {
    const params = JSON.parse(readFileSync(path.join(PLUGIN_ACTIONS, folder, "params.json"), "utf8"));
    if (params.display === display) return folder;
  }
  throw new Error(`no action ${display} in ${PLUGIN_ACTIONS}; run npm run build`);
}

/**
 * The actions folder of each variant: the plugin's own actions/, or for a comparison implementation a
 * folder with the plugin's Generate and Verify params.json and server.js bundled from bench/baselines/
 * exactly as the build bundles the plugin's actions (esbuild, minified, one function expression).
 */
export async function variantActionDirs(): Promise<Record<Variant, string>> {
  const dirs = { plugin: PLUGIN_ACTIONS } as Record<Variant, string>;
  for (const variant of ["jose", "jsonwebtoken", "fast-jwt"] as const) {
    const dir = path.join(CACHE_DIR, "actions", variant);
    for (const { display, exportName } of BASELINE_ACTIONS) {
      const folder = pluginActionFolder(display);
      const target = path.join(dir, folder);
      mkdirSync(target, { recursive: true });
      copyFileSync(path.join(PLUGIN_ACTIONS, folder, "params.json"), path.join(target, "params.json"));
      const code = await bundleFunction({
        file: path.join(ROOT, "bench/baselines", `${variant}.ts`),
        exportName,
        heading: `${display} on ${variant}, for npm run bench.`,
        memoPrefix: `__bench:${variant}:${exportName}`,
      });
      writeFileSync(path.join(target, "server.js"), code);
    }
    dirs[variant] = dir;
  }
  return dirs;
}

/** Bundles a child script (bench/<name>.ts) for Node 18 as CommonJS, and returns its path. */
export async function childScript(name: "cold-child" | "warm-child"): Promise<string> {
  const outfile = path.join(CACHE_DIR, `${name}.cjs`);
  await build({
    entryPoints: [path.join(ROOT, "bench", `${name}.ts`)],
    outfile,
    bundle: true,
    platform: "node",
    target: "node18",
    format: "cjs",
    logLevel: "error",
  });
  return outfile;
}

/** Fresh keys for one run: a 64-character secret, and RSA 2048, P-256 and Ed25519 key pairs. */
export function freshKeys(): BenchKeys {
  const pems = (pair: ReturnType<typeof generateKeyPairSync>) => ({
    privateKey: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
  });
  return {
    secret: randomBytes(48).toString("base64url"),
    rsa: pems(generateKeyPairSync("rsa", { modulusLength: 2048 })),
    ec: pems(generateKeyPairSync("ec", { namedCurve: "P-256" })),
    ed: pems(generateKeyPairSync("ed25519")),
  };
}
