import { readFileSync } from "node:fs";
import path from "node:path";
import { idNumber, isBubbleId, nextId } from "./ids.js";
import { OPTION_LISTS } from "./options.js";

/** One field or return value, in Bubble's own shape (rank is derived from the order). */
export interface ManifestEntry {
  readonly caption: string;
  readonly name: string;
  readonly doc: string;
  readonly editor?: string;
  readonly value?: string;
  readonly optional?: boolean;
  readonly default_val?: string;
  /** A Dropdown's choices, comma-separated; the build writes them from `options_from` when that is set. */
  readonly options?: string;
  /** The name of a list in src/ (see build/options.ts) that the Dropdown offers, so it is written once. */
  readonly options_from?: string;
  readonly is_list?: boolean;
}

export interface ManifestAction {
  /** The source under src/actions/ (without .ts) that implements the action. */
  readonly entry: string;
  readonly display: string;
  readonly doc: string;
  readonly fields: Readonly<Record<string, ManifestEntry>>;
  readonly return_value: Readonly<Record<string, ManifestEntry>>;
}

export interface ManifestKey {
  readonly caption: string;
  readonly type: "secure" | "client_safe";
}

/**
 * plugin.json. Keys, actions, fields and return values are keyed by Bubble id (see build/ids.ts); an entry
 * keyed `new` (or `new-…`) has none yet and `npm run build` gives it the next one.
 */
export interface Manifest {
  readonly version: string;
  /** Bubble's counter: the id the next new entity gets. Every id in plugin.json is before it. */
  readonly next_id: string;
  readonly meta: {
    readonly name: string;
    readonly description: string;
    readonly plugin_instructions: string;
    readonly categories: readonly string[];
    readonly license: string;
    readonly sa_node_version: number;
  };
  readonly keys: Readonly<Record<string, ManifestKey>>;
  /** Keyed by Bubble action id: published once, never changed (every app using the action depends on it). */
  readonly actions: Readonly<Record<string, ManifestAction>>;
}

/** A key of plugin.json that asks the build for the next id. */
export function isNewEntry(key: string): boolean {
  return key === "new" || key.startsWith("new-");
}

/** What the build fixes in plugin.json, and what plugin.json says it is. */
export function manifestPath(root: string): string {
  return path.join(root, "plugin.json");
}

export function readRawManifest(root: string): Manifest {
  return JSON.parse(readFileSync(manifestPath(root), "utf8")) as Manifest;
}

/** Every id-keyed object of plugin.json, with a name for messages, in the order the build assigns ids. */
function idTables(manifest: Manifest): { where: string; table: Readonly<Record<string, unknown>> }[] {
  const tables: { where: string; table: Readonly<Record<string, unknown>> }[] = [
    { where: "keys", table: manifest.keys },
    { where: "actions", table: manifest.actions },
  ];
  for (const action of Object.values(manifest.actions)) {
    tables.push({ where: `${action.display} fields`, table: action.fields });
    tables.push({ where: `${action.display} return_value`, table: action.return_value });
  }
  return tables;
}

/** What {@link assignNewIds} did: the plugin.json to write, and one line per id it gave. */
export interface Assignment {
  readonly manifest: Manifest;
  readonly assigned: readonly string[];
}

/**
 * Gives every entry keyed `new` the next id of the counter, in plugin.json's order (keys, then each action
 * followed by its fields and return values), and advances `next_id` past them. Order within each object
 * is kept. Pure: the caller writes the result.
 */
export function assignNewIds(manifest: Manifest): Assignment {
  let counter = manifest.next_id;
  const assigned: string[] = [];
  const renamed = <T>(where: string, table: Readonly<Record<string, T>>, label: (entry: T) => string) => {
    const out: Record<string, T> = {};
    for (const [key, entry] of Object.entries(table)) {
      if (!isNewEntry(key)) {
        out[key] = entry;
        continue;
      }
      out[counter] = entry;
      assigned.push(`${counter}: ${where} ${label(entry)}`);
      counter = nextId(counter);
    }
    return out;
  };
  const keys = renamed("key", manifest.keys, (key) => key.caption);
  const actions: Record<string, ManifestAction> = {};
  for (const [id, action] of Object.entries(renamed("action", manifest.actions, (a) => a.display))) {
    actions[id] = {
      ...action,
      fields: renamed(`${action.display} field`, action.fields, (f) => f.name),
      return_value: renamed(`${action.display} return value`, action.return_value, (f) => f.name),
    };
  }
  return { manifest: { ...manifest, next_id: counter, keys, actions }, assigned };
}

const EDITORS = new Set([
  "DynamicValue",
  "StaticText",
  "StaticNumber",
  "Checkbox",
  "Dropdown",
  "key_value_list",
  "Label",
]);
const VALUES = new Set(["text", "number", "boolean", "date", "file", "image"]);

/**
 * The categories Bubble's plugin editor offers, as seen in the meta_data.json of plugins Bubble synced
 * (there is no `security`: security plugins are filed under `compliance`). A category Bubble does not
 * have would not survive its next commit.
 */
export const BUBBLE_CATEGORIES: readonly string[] = [
  "analytics",
  "artificial intelligence (AI)",
  "blog",
  "chat",
  "compliance",
  "data (things)",
  "ecommerce",
  "email",
  "internationalization",
  "location",
  "payment",
  "PDF",
  "productivity",
  "small business",
  "social network",
  "technical",
  "web scraping",
];

/**
 * Checks what Bubble would reject or silently mangle (ids, names, editors, types) and writes each
 * Dropdown's options from its `options_from` list. Throws one message listing every problem.
 */
export function resolveManifest(raw: Manifest): Manifest {
  const problems: string[] = [];
  const counter = raw.next_id;
  if (typeof counter !== "string" || !isBubbleId(counter)) {
    problems.push(`next_id: "${counter}" is not a Bubble id (three letters, e.g. AEI)`);
  }
  const seenIds = new Map<string, string>();
  const pastCounter: string[] = [];
  for (const { where, table } of idTables(raw)) {
    for (const id of Object.keys(table)) {
      if (isNewEntry(id)) {
        problems.push(`${where}: "${id}" has no id yet; run npm run build to assign one`);
      } else if (!isBubbleId(id)) {
        problems.push(
          `${where}: "${id}" is not a Bubble id (three letters); key the entry "new" and run npm run build`,
        );
      } else if (isBubbleId(counter) && idNumber(id) >= idNumber(counter)) {
        problems.push(`${where}: id ${id} is at or past next_id ${counter}`);
        pastCounter.push(id);
      }
      const other = seenIds.get(id);
      if (other !== undefined) problems.push(`${where}: id ${id} is also used by ${other}`);
      seenIds.set(id, where);
    }
  }
  if (pastCounter.length > 0) {
    const highest = pastCounter.reduce((a, b) => (idNumber(a) >= idNumber(b) ? a : b));
    problems.push(
      `Ids at or past next_id come from an id picked by hand or from a merge. When each is used once and Bubble ` +
        `has not given it to anything else, set next_id to ${nextId(highest)}; otherwise key those entries "new" ` +
        "and run npm run build, which gives them the next ids.",
    );
  }
  for (const category of raw.meta.categories) {
    if (!BUBBLE_CATEGORIES.includes(category))
      problems.push(`meta.categories: "${category}" is not one of Bubble's: ${BUBBLE_CATEGORIES.join(", ")}`);
  }
  const actions: Record<string, ManifestAction> = {};
  for (const [actionId, action] of Object.entries(raw.actions)) {
    const resolved = (kind: "fields" | "return_value") => {
      const names = new Set<string>();
      const out: Record<string, ManifestEntry> = {};
      for (const [id, entry] of Object.entries(action[kind])) {
        const where = `${action.display} ${kind} ${entry.name}`;
        if (names.has(entry.name)) problems.push(`${where}: name used twice`);
        names.add(entry.name);
        if (!entry.caption || !entry.doc) problems.push(`${where}: needs a caption and a doc`);
        if (kind === "fields" && !EDITORS.has(entry.editor ?? "")) problems.push(`${where}: unknown editor`);
        // Bubble writes these defaults as JSON numbers and booleans (build/artifacts.ts): text that is
        // neither would be written as null.
        const byDefault = entry.default_val;
        if (entry.value === "number" && byDefault !== undefined && !Number.isFinite(Number(byDefault)))
          problems.push(`${where}: default_val "${byDefault}" is not a number`);
        if (entry.editor === "Checkbox" && byDefault !== undefined && !["true", "false"].includes(byDefault))
          problems.push(`${where}: a Checkbox's default_val is "true" or "false", not "${byDefault}"`);
        const needsValue = kind === "return_value" || entry.editor !== "Dropdown";
        if (needsValue && !VALUES.has(entry.value ?? "")) problems.push(`${where}: unknown value type`);
        out[id] = withOptions(entry, where, problems);
      }
      return out;
    };
    actions[actionId] = { ...action, fields: resolved("fields"), return_value: resolved("return_value") };
  }
  if (problems.length > 0) throw new Error(`plugin.json is not valid:\n  ${problems.join("\n  ")}`);
  return { ...raw, actions };
}

function withOptions(entry: ManifestEntry, where: string, problems: string[]): ManifestEntry {
  if (entry.editor !== "Dropdown") return entry;
  let resolved = entry;
  if (entry.options_from !== undefined) {
    const list = OPTION_LISTS[entry.options_from];
    if (entry.options !== undefined) problems.push(`${where}: give options or options_from, not both`);
    if (!list) {
      problems.push(
        `${where}: options_from "${entry.options_from}" is none of ${Object.keys(OPTION_LISTS).join(", ")}`,
      );
      return entry;
    }
    const { options_from: _from, ...rest } = entry;
    resolved = { ...rest, options: list.join(",") };
  }
  if (!resolved.options?.split(",").includes(resolved.default_val ?? "")) {
    problems.push(`${where}: the default must be one of the options`);
  }
  return resolved;
}

/** Reads plugin.json as the build uses it: valid, every id assigned, every Dropdown's options written. */
export function readManifest(root: string): Manifest {
  return resolveManifest(readRawManifest(root));
}
