/**
 * `npm run sync -- <path>`: brings this build into the repository Bubble created for the plugin (its
 * GitHub integration cannot connect any other), keeping what Bubble owns.
 *
 * Bubble's last commit there is its answer: every action (by display), field and return value (by
 * name) and key (by caption) it holds under another id than plugin.json gets Bubble's id in plugin.json,
 * and published-ids.json records every id Bubble holds. Then the repository gets each action's
 * params.json and server.js (and Bubble's client.js stub where it has none), meta_data.json and
 * shared_tech_params.json merged into Bubble's own (its icon, its jQuery setting stay). Nothing else
 * there is touched: not Bubble's other files, not its history. A second run changes nothing.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../src/paths.js";
import { actionDir, CLIENT_STUB, metaData, USE_JQUERY } from "./artifacts.js";
import { type BubbleState, git, NotABubbleRepository, readBubbleState } from "./bubble-repo.js";
import { buildArtifacts, declaredNodeVersion, staleFiles, writeArtifacts } from "./build.js";
import { laterId, nextId } from "./ids.js";
import { bubbleJson, sourceJson } from "./json.js";
import {
  type Manifest,
  type ManifestAction,
  manifestPath,
  readRawManifest,
  resolveManifest,
} from "./manifest.js";
import { idsOf, PUBLISHED_FILE, type PublishedIds, publishedProblems, readPublished } from "./published.js";
import { TargetFiles } from "./target-files.js";

export interface SyncReport {
  /** Bubble's commit that was read. */
  readonly bubbleCommit: string;
  /** Ids taken from Bubble into plugin.json, one line each. */
  readonly adopted: readonly string[];
  /** Ids plugin.json had that Bubble already uses for something else, given the next free id. */
  readonly reassigned: readonly string[];
  /** Files of this repository rewritten (plugin.json, published-ids.json, generated files). */
  readonly ownFiles: readonly string[];
  /** Files written or removed in Bubble's repository. */
  readonly bubbleFiles: readonly string[];
  /** What the publisher should know: entities Bubble has and plugin.json does not. */
  readonly notes: readonly string[];
  /**
   * Where Bubble's repository stands after the run: files to commit and push, commits Bubble has not
   * answered yet (the newest commit is not Bubble's), or nothing pending.
   */
  readonly pending: "commit" | "synchronize" | "none";
}

/** A refusal that is the publisher's to fix: printed as it is, exit code 1. */
export class SyncError extends Error {}

/** Renames the id keys of one id-keyed object, keeping its order. */
function renamed<T>(
  table: Readonly<Record<string, T>>,
  idOf: (id: string, entry: T) => string,
): Record<string, T> {
  return Object.fromEntries(Object.entries(table).map(([id, entry]) => [idOf(id, entry), entry]));
}

/**
 * plugin.json with Bubble's ids: what Bubble holds under another id takes Bubble's; what Bubble does not
 * hold keeps its id unless Bubble uses that id already, then takes the next free one. `next_id` moves
 * past every id Bubble uses.
 */
function adoptBubbleIds(manifest: Manifest, bubble: BubbleState) {
  const adopted: string[] = [];
  const reassigned: string[] = [];
  const taken = new Set(bubble.usedIds);
  let counter = manifest.next_id;
  for (const id of taken) counter = laterId(counter, nextId(id));
  // First every id Bubble holds, so that what it does not hold can be moved out of their way.
  const decided = new Map<string, string>();
  const hold = (what: string, ours: string, bubbles: string | undefined) => {
    if (bubbles === undefined) return;
    if (bubbles !== ours) adopted.push(`${what}: ${ours} → ${bubbles}`);
    decided.set(what, bubbles);
    taken.add(bubbles);
  };
  const entryWhat = (action: ManifestAction, kind: string, name: string) =>
    `${action.display} ${kind} ${name}`;
  for (const [id, key] of Object.entries(manifest.keys))
    hold(`key ${key.caption}`, id, bubble.keys.get(key.caption));
  for (const [actionId, action] of Object.entries(manifest.actions)) {
    const held = bubble.actions.get(action.display);
    hold(`action ${action.display}`, actionId, held?.id);
    for (const [id, f] of Object.entries(action.fields)) {
      hold(entryWhat(action, "field", f.name), id, held?.fields.get(f.name));
    }
    for (const [id, r] of Object.entries(action.return_value)) {
      hold(entryWhat(action, "return value", r.name), id, held?.returnValues.get(r.name));
    }
  }
  const finalId = (what: string, ours: string): string => {
    const chosen = decided.get(what);
    if (chosen !== undefined) return chosen;
    if (!taken.has(ours)) {
      taken.add(ours);
      return ours;
    }
    const fresh = counter;
    counter = nextId(counter);
    taken.add(fresh);
    reassigned.push(`${what}: ${ours} → ${fresh} (Bubble uses ${ours} already)`);
    return fresh;
  };
  const keys = renamed(manifest.keys, (id, key) => finalId(`key ${key.caption}`, id));
  const actions = renamed(manifest.actions, (id, action) => finalId(`action ${action.display}`, id));
  for (const [id, action] of Object.entries(actions)) {
    actions[id] = {
      ...action,
      fields: renamed(action.fields, (fid, f) => finalId(entryWhat(action, "field", f.name), fid)),
      return_value: renamed(action.return_value, (rid, r) =>
        finalId(entryWhat(action, "return value", r.name), rid),
      ),
    };
  }
  return { manifest: { ...manifest, next_id: counter, keys, actions }, adopted, reassigned };
}

/** The published ids after this sync: the ones recorded before, and every id Bubble holds now. */
function publishedAfter(before: PublishedIds, manifest: Manifest, bubble: BubbleState): PublishedIds {
  const now = idsOf(manifest);
  const keys: Record<string, string> = { ...before.keys };
  for (const [caption, id] of Object.entries(now.keys))
    if (bubble.keys.get(caption) === id) keys[caption] = id;
  const actions: Record<string, PublishedIds["actions"][string]> = { ...before.actions };
  for (const [display, action] of Object.entries(now.actions)) {
    const held = bubble.actions.get(display);
    if (held?.id !== action.id) continue;
    const pick = (ours: Readonly<Record<string, string>>, theirs: ReadonlyMap<string, string>, was = {}) => {
      const out: Record<string, string> = { ...was };
      for (const [name, id] of Object.entries(ours)) if (theirs.get(name) === id) out[name] = id;
      return out;
    };
    actions[display] = {
      id: action.id,
      fields: pick(action.fields, held.fields, before.actions[display]?.fields),
      return_value: pick(action.return_value, held.returnValues, before.actions[display]?.return_value),
    };
  }
  return { keys, actions };
}

function readJsonFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    throw new SyncError(
      `${file} is not JSON; restore Bubble's version (git checkout -- ${path.basename(file)})`,
    );
  }
}

/** The files to write into Bubble's repository, by path: generated ones, merged into Bubble's own. */
function bubbleFiles(
  target: TargetFiles,
  manifest: Manifest,
  built: Map<string, string>,
): Map<string, string> {
  const files = new Map<string, string>();
  for (const id of Object.keys(manifest.actions)) {
    const dir = actionDir(id);
    for (const file of ["params.json", "server.js"])
      files.set(`${dir}/${file}`, built.get(`${dir}/${file}`) as string);
    // Bubble's stub, or whatever Bubble keeps there, is Bubble's.
    if (!target.exists(`${dir}/client.js`)) files.set(`${dir}/client.js`, CLIENT_STUB);
  }
  const meta = readJsonFile(target.path("meta_data.json"));
  files.set("meta_data.json", bubbleJson({ ...meta, ...metaData(manifest, declaredNodeVersion(manifest)) }));
  const shared = readJsonFile(target.path("shared_tech_params.json"));
  const dependencies = (shared.dependencies ?? {}) as Record<string, unknown>;
  // Bubble writes the API version as 4 or "4"; either is v4, and Bubble's own spelling stays. So does
  // its jQuery setting; the build's goes in only where Bubble's file has none.
  const apiVersion = String(dependencies.plugin_api_version) === "4" ? dependencies.plugin_api_version : "4";
  files.set(
    "shared_tech_params.json",
    bubbleJson({
      ...shared,
      dependencies: { use_jquery: USE_JQUERY, ...dependencies, plugin_api_version: apiVersion },
      shared_keys: manifest.keys,
    }),
  );
  return files;
}

/** Folders in Bubble's repository that hold one of the plugin's actions under an id it no longer has. */
function staleActionFolders(
  target: TargetFiles,
  manifest: Manifest,
  bubble: BubbleState,
): { dir: string; now: string }[] {
  const actionsDir = target.path("actions");
  if (!existsSync(actionsDir)) return [];
  const ours = new Map(
    Object.entries(manifest.actions).map(([id, action]) => [action.display, actionDir(id)]),
  );
  const bubbles = new Set([...bubble.actions.values()].map((action) => `actions/${action.folder}`));
  const stale: { dir: string; now: string }[] = [];
  for (const folder of readdirSync(actionsDir)) {
    const dir = `actions/${folder}`;
    const params = readJsonFile(target.path(`${dir}/params.json`));
    const current = ours.get(params.display as string);
    // Only a folder this tool wrote: one Bubble committed is Bubble's to remove.
    if (current !== undefined && current !== dir && !bubbles.has(dir)) stale.push({ dir, now: current });
  }
  return stale;
}

export interface SyncOptions {
  /** This repository: plugin.json, published-ids.json, src/. */
  readonly root: string;
  /** The clone of the repository Bubble created. */
  readonly target: string;
}

export async function syncRepository({ root, target }: SyncOptions): Promise<SyncReport> {
  if (path.resolve(target) === path.resolve(root)) {
    throw new NotABubbleRepository(`${target} is this repository, not the one Bubble created`);
  }
  const bubble = readBubbleState(target);
  // Every path read or written there is a real file or folder inside it, checked before anything is written.
  const files = new TargetFiles(target);
  files.checkAll(["meta_data.json", "shared_tech_params.json"], ["actions"]);
  const raw = readRawManifest(root);
  // Refuses entries keyed "new": the build numbers them first, so that Bubble sees final ids.
  resolveManifest(raw);
  const before = readPublished(root);
  const { manifest: adoptedRaw, adopted, reassigned } = adoptBubbleIds(raw, bubble);
  const manifest = resolveManifest(adoptedRaw);
  const changedPublished = publishedProblems(manifest, before, "Bubble's commit");
  if (changedPublished.length > 0) {
    throw new SyncError(
      `Bubble's commit ${bubble.commit.slice(0, 10)} disagrees with the ids it published before:\n  ${changedPublished.join("\n  ")}\n` +
        "An entity deleted and made again in the plugin editor gets a new id and breaks the apps that use it: restore it there.",
    );
  }
  const published = publishedAfter(before, manifest, bubble);

  const ownFiles: string[] = [];
  const writeOwn = (file: string, content: string) => {
    const target = path.join(root, file);
    if (existsSync(target) && readFileSync(target, "utf8") === content) return;
    writeFileSync(target, content);
    ownFiles.push(file);
  };
  writeOwn(path.relative(root, manifestPath(root)), sourceJson(adoptedRaw));
  writeOwn(PUBLISHED_FILE, sourceJson(published));
  const built = await buildArtifacts(root, process.env, manifest);
  const stale = staleFiles(root, built);
  if (stale.length > 0) {
    writeArtifacts(root, built);
    ownFiles.push(...stale);
  }

  const written: string[] = [];
  for (const { dir, now } of staleActionFolders(files, manifest, bubble)) {
    files.remove(dir);
    written.push(`${dir}/ (removed: the action is now in ${now}/)`);
  }
  for (const [file, content] of bubbleFiles(files, manifest, built)) {
    const dest = files.path(file);
    if (existsSync(dest) && readFileSync(dest, "utf8") === content) continue;
    files.write(file, content);
    written.push(file);
  }

  const notes = unknownToPlugin(manifest, bubble);
  const uncommitted = git(target, "status", "--porcelain").trim() !== "";
  const answered = git(target, "rev-parse", "HEAD").trim() === bubble.commit;
  const pending = uncommitted ? "commit" : answered ? "none" : "synchronize";
  return { bubbleCommit: bubble.commit, adopted, reassigned, ownFiles, bubbleFiles: written, notes, pending };
}

/** What Bubble holds that plugin.json does not define: actions stay, keys and entries are replaced. */
function unknownToPlugin(manifest: Manifest, bubble: BubbleState): string[] {
  const notes: string[] = [];
  const ours = new Map(Object.values(manifest.actions).map((action) => [action.display, action]));
  for (const [display, held] of bubble.actions) {
    const action = ours.get(display);
    if (!action) {
      notes.push(
        `Bubble has an action "${display}" (actions/${held.folder}) that plugin.json does not define: left as it is.`,
      );
      continue;
    }
    for (const [kind, names, entries] of [
      ["field", held.fields, action.fields],
      ["return value", held.returnValues, action.return_value],
    ] as const) {
      const known = new Set(Object.values(entries).map((entry) => entry.name));
      for (const name of names.keys()) {
        if (!known.has(name))
          notes.push(
            `Bubble has a ${kind} "${name}" in "${display}" that plugin.json does not define: it is replaced.`,
          );
      }
    }
  }
  const captions = new Set(Object.values(manifest.keys).map((key) => key.caption));
  for (const caption of bubble.keys.keys()) {
    if (!captions.has(caption))
      notes.push(`Bubble has a key "${caption}" that plugin.json does not define: it is replaced.`);
  }
  return notes;
}

function list(title: string, lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : [`${title}:`, ...lines.map((line) => `  ${line}`)];
}

/** What the run changed, and what the publisher does next. */
export function summary(report: SyncReport, target: string): string {
  const lines = [
    `Bubble's last commit in ${target}: ${report.bubbleCommit.slice(0, 10)}`,
    ...list("plugin.json takes Bubble's ids", report.adopted),
    ...list("plugin.json moves ids Bubble uses for something else", report.reassigned),
    ...list("this repository: wrote", report.ownFiles),
    ...list(`${target}: wrote`, report.bubbleFiles),
    ...report.notes,
  ];
  const synchronize = [
    "  In Bubble's plugin editor, press Synchronize with GitHub.",
    `  Then cd ${target} && git pull, and run npm run sync -- ${target} again: it takes Bubble's answer (its ids) back.`,
  ];
  if (report.pending === "commit") {
    lines.push(
      "Next:",
      `  cd ${target} && git add -A && git commit -m "Plugin build" && git push`,
      ...synchronize,
    );
  } else if (report.pending === "synchronize") {
    lines.push(
      "Bubble has not answered the last push yet. Next (after git push, if not done):",
      ...synchronize,
    );
  } else {
    lines.push(`${target} holds this build and Bubble's last commit: nothing to push.`);
  }
  if (report.ownFiles.length > 0)
    lines.push("Commit plugin.json, published-ids.json and the generated files here.");
  return lines.join("\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0]?.startsWith("-")) {
    console.error("usage: npm run sync -- <path to the clone of the repository Bubble created>");
    process.exit(2);
  }
  // npm runs the script in the repository's root; the path is the publisher's, from where they typed it.
  const target = path.resolve(process.env.INIT_CWD ?? process.cwd(), args[0] as string);
  try {
    console.log(summary(await syncRepository({ root: repoRoot(), target }), target));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(error instanceof NotABubbleRepository ? 2 : 1);
  }
}

if (process.argv[1] && /sync(-[0-9a-f]+)?\.(mjs|ts)$/.test(path.basename(process.argv[1]))) {
  await main();
}
