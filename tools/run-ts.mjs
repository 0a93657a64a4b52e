// Runs one of the project's TypeScript scripts (build, sync, start, bench, keygen) on plain Node.
// Node 20 cannot execute TypeScript, so the script is bundled with esbuild (dependencies left
// as imports) into node_modules/.cache and imported from there. Arguments after the file pass through.
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node tools/run-ts.mjs <script.ts> [args...]");
  process.exit(2);
}
const source = path.resolve(entry);
const cacheDir = path.resolve("node_modules/.cache/run-ts");
mkdirSync(cacheDir, { recursive: true });
const tag = createHash("sha256").update(source).digest("hex").slice(0, 12);
const outfile = path.join(cacheDir, `${path.basename(entry, ".ts")}-${tag}.mjs`);

await build({
  entryPoints: [source],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "inline",
  logLevel: "error",
});
process.argv = [process.argv[0], outfile, ...args];
await import(pathToFileURL(outfile).href);
