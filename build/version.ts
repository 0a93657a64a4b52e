import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The plugin's version is written once, in plugin.json (`version`): the build puts it into every
 * server.js and docs/actions.md, and into package.json and package-lock.json here, so npm says the same.
 * Both files are npm's JSON (two spaces, a newline at the end), which this writes back unchanged but for
 * the version. Files absent from `root` (a copy holding only the plugin) are left out.
 */
export function versionedPackageFiles(root: string, version: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of ["package.json", "package-lock.json"]) {
    const where = path.join(root, file);
    if (!existsSync(where)) continue;
    const json = JSON.parse(readFileSync(where, "utf8"));
    json.version = version;
    // The lock file repeats the project's own version as its first package, keyed "".
    if (json.packages?.[""]) json.packages[""].version = version;
    files.set(file, `${JSON.stringify(json, null, 2)}\n`);
  }
  return files;
}
