/**
 * The Node versions the built actions are tested and measured on, as installed by `npm ci` under
 * tools/node18 and tools/node22 (see tools/install-runtimes.mjs): Node 22, which the plugin declares, and
 * Node 18.20.4, for publishers who build for it. Each folder's optional dependencies list one package per
 * platform; whichever npm installed holds the binary.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../src/paths.js";

export type RuntimeName = "node18" | "node22";

/** A Node binary the built actions run on, as a child process. */
export interface NodeRuntime {
  readonly name: RuntimeName;
  readonly bin: string;
  /** The version its package pins, e.g. `18.20.4`: what `process.version` must say, without the `v`. */
  readonly version: string;
}

/** The installed binary of `name`; throws, saying what to do, when npm installed none for this platform. */
export function nodeRuntime(name: RuntimeName): NodeRuntime {
  // From the repository root: this module is also bundled elsewhere (bench, tools/run-ts.mjs).
  const folder = path.join(repoRoot(), "tools", name);
  const manifest = JSON.parse(readFileSync(path.join(folder, "package.json"), "utf8")) as {
    optionalDependencies: Record<string, string>;
  };
  for (const [pkg, version] of Object.entries(manifest.optionalDependencies)) {
    const bin = path.join(folder, "node_modules", pkg, "bin", "node");
    if (existsSync(bin)) return { name, bin, version };
  }
  throw new Error(
    `${name} is not installed under tools/${name} for ${process.platform}-${process.arch}: run npm ci` +
      ` (its postinstall installs it; packages exist for ${Object.keys(manifest.optionalDependencies).join(", ")}).`,
  );
}

/** Node 18 and Node 22, in that order. */
export function nodeRuntimes(): NodeRuntime[] {
  return [nodeRuntime("node18"), nodeRuntime("node22")];
}
