import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The repository root: the nearest folder upwards from the working directory that holds plugin.json.
 * npm scripts and vitest run from the root; scripts are bundled elsewhere, so import.meta.url cannot tell.
 */
export function repoRoot(start = process.cwd()): string {
  let dir = path.resolve(start);
  while (!existsSync(path.join(dir, "plugin.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("plugin.json not found in the working directory or above it");
    dir = parent;
  }
  return dir;
}
