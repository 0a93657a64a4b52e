/**
 * `npm run build`: plugin.json + src/ → what Bubble syncs (actions/<folder>/params.json, server.js and
 * client.js, meta_data.json, shared_tech_params.json), the generated reference docs/actions.md, the
 * builder's guide docs/workflows.md from the app's definitions (app/app.ts), and plugin.json's version in
 * package.json and package-lock.json.
 * First it gives every entry of plugin.json keyed `new` the next Bubble id and rewrites plugin.json.
 * With `--check`, writes nothing and fails when an entry has no id yet or the committed files differ
 * from a fresh build, so stale artifacts never ship.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { APP } from "../app/app.js";
import { repoRoot } from "../src/paths.js";
import { storedTable } from "../tools/mistakes/guide.js";
import { actionDir, CLIENT_STUB, metaDataJson, paramsJson, sharedTechParamsJson } from "./artifacts.js";
import { bundleAction } from "./bundle.js";
import { actionsReference } from "./docs.js";
import { sourceJson } from "./json.js";
import { assignNewIds, type Manifest, manifestPath, readManifest, readRawManifest } from "./manifest.js";
import { publishedProblems, readPublished } from "./published.js";
import { versionedPackageFiles } from "./version.js";
import { workflowsGuide } from "./workflows-guide.js";

/** plugin.json, checked, with the published ids of published-ids.json kept. */
export function checkedManifest(root: string): Manifest {
  const manifest = readManifest(root);
  const problems = publishedProblems(manifest, readPublished(root));
  if (problems.length > 0)
    throw new Error(`plugin.json changes what Bubble published:\n  ${problems.join("\n  ")}`);
  return manifest;
}

/** The Node versions a build can declare: the bundles are built for Node 18 and run unchanged on 22. */
export const NODE_VERSIONS: readonly number[] = [18, 22];

/**
 * The Node version the build declares in meta_data.json: `SA_NODE_VERSION` from the environment (18 for a
 * publisher who must stay on Node 18; set it for the check too), else plugin.json's `sa_node_version`.
 */
export function declaredNodeVersion(manifest: Manifest, env: NodeJS.ProcessEnv = process.env): number {
  const chosen = env.SA_NODE_VERSION?.trim() || String(manifest.meta.sa_node_version);
  const version = Number(chosen);
  if (!NODE_VERSIONS.includes(version)) {
    throw new Error(`SA_NODE_VERSION or plugin.json's sa_node_version must be 18 or 22, not "${chosen}"`);
  }
  return version;
}

/** Every generated file, by path relative to the repository root. */
export async function buildArtifacts(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
  manifest = checkedManifest(root),
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  files.set("meta_data.json", metaDataJson(manifest, declaredNodeVersion(manifest, env)));
  files.set("shared_tech_params.json", sharedTechParamsJson(manifest));
  files.set("docs/actions.md", actionsReference(manifest));
  // The mistakes table is the mistakes suite's to write (npm run workflows -- --mistakes): kept as it is.
  files.set("docs/workflows.md", workflowsGuide(APP, storedTable(root)));
  for (const [file, text] of versionedPackageFiles(root, manifest.version)) files.set(file, text);
  const bundles = await Promise.all(
    Object.entries(manifest.actions).map(async ([id, action]) => {
      const code = await bundleAction(root, action, manifest.version);
      return [id, code] as const;
    }),
  );
  for (const [id, code] of bundles) {
    files.set(`${actionDir(id)}/params.json`, paramsJson(manifest, id));
    files.set(`${actionDir(id)}/server.js`, code);
    files.set(`${actionDir(id)}/client.js`, CLIENT_STUB);
  }
  return files;
}

/** Generated files that differ from the disk, and action folders no longer in plugin.json. */
export function staleFiles(root: string, files: Map<string, string>): string[] {
  const stale: string[] = [];
  for (const [file, content] of files) {
    const onDisk = path.join(root, file);
    if (!existsSync(onDisk) || readFileSync(onDisk, "utf8") !== content) stale.push(file);
  }
  for (const dir of leftoverActionDirs(root, files)) stale.push(`actions/${dir}/ (not in plugin.json)`);
  return stale;
}

function leftoverActionDirs(root: string, files: Map<string, string>): string[] {
  const actionsDir = path.join(root, "actions");
  if (!existsSync(actionsDir)) return [];
  return readdirSync(actionsDir).filter((dir) => !files.has(`actions/${dir}/server.js`));
}

/** Writes the generated files and removes action folders no longer in plugin.json. */
export function writeArtifacts(root: string, files: Map<string, string>): void {
  for (const dir of leftoverActionDirs(root, files))
    rmSync(path.join(root, "actions", dir), { recursive: true });
  for (const [file, content] of files) {
    const target = path.join(root, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

/** Gives the entries keyed `new` their ids and writes plugin.json; says what it assigned. */
function assignIds(root: string): void {
  const { manifest, assigned } = assignNewIds(readRawManifest(root));
  if (assigned.length === 0) return;
  writeFileSync(manifestPath(root), sourceJson(manifest));
  console.log(
    `plugin.json: assigned ${assigned.length} new ids (next_id is now ${manifest.next_id}):\n  ${assigned.join("\n  ")}`,
  );
}

async function main(): Promise<void> {
  const root = repoRoot();
  const check = process.argv.includes("--check");
  if (!check) assignIds(root);
  const files = await buildArtifacts(root);
  if (check) {
    const stale = staleFiles(root, files);
    if (stale.length > 0) {
      console.error(`Generated files are stale; run npm run build and commit:\n  ${stale.join("\n  ")}`);
      process.exit(1);
    }
    console.log(`build check: ${files.size} generated files match plugin.json and src/`);
    return;
  }
  writeArtifacts(root, files);
  for (const [file, content] of files) {
    if (file.endsWith("server.js")) console.log(`wrote ${file} (${Buffer.byteLength(content)} bytes)`);
  }
  console.log(`wrote ${files.size} files`);
}

if (process.argv[1] && /build(-[0-9a-f]+)?\.(mjs|ts)$/.test(path.basename(process.argv[1]))) {
  await main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
