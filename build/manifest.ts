import { readFileSync } from "node:fs";
import path from "node:path";

/** One field or return value, in Bubble's own shape (rank is derived from the order). */
export interface ManifestEntry {
  readonly caption: string;
  readonly name: string;
  readonly doc: string;
  readonly editor?: string;
  readonly value?: string;
  readonly optional?: boolean;
  readonly default_val?: string;
  readonly options?: string;
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

export interface Manifest {
  readonly version: string;
  readonly meta: {
    readonly name: string;
    readonly description: string;
    readonly plugin_instructions: string;
    readonly categories: readonly string[];
    readonly license: string;
    readonly sa_node_version: number;
  };
  readonly keys: Readonly<
    Record<string, { readonly caption: string; readonly type: "secure" | "client_safe" }>
  >;
  /** Keyed by Bubble action id: written once, never changed (every app using the action depends on it). */
  readonly actions: Readonly<Record<string, ManifestAction>>;
}

const BUBBLE_ID = /^[A-Z]{3}(-[a-z0-9]{5})?$/;
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

/** Reads plugin.json and checks what Bubble would reject or silently mangle: ids, names, editors, types. */
export function readManifest(root: string): Manifest {
  const manifest = JSON.parse(readFileSync(path.join(root, "plugin.json"), "utf8")) as Manifest;
  const problems: string[] = [];
  const seenIds = new Set<string>();
  const claimId = (id: string, where: string) => {
    if (!BUBBLE_ID.test(id)) problems.push(`${where}: "${id}" is not a Bubble id`);
    if (seenIds.has(id)) problems.push(`${where}: id "${id}" is used twice`);
    seenIds.add(id);
  };
  for (const id of Object.keys(manifest.keys)) claimId(id, "keys");
  for (const [actionId, action] of Object.entries(manifest.actions)) {
    claimId(actionId, "actions");
    for (const [kind, entries] of [
      ["fields", action.fields],
      ["return_value", action.return_value],
    ] as const) {
      const names = new Set<string>();
      for (const [id, entry] of Object.entries(entries)) {
        const where = `${action.display} ${kind} ${entry.name}`;
        claimId(id, where);
        if (names.has(entry.name)) problems.push(`${where}: name used twice`);
        names.add(entry.name);
        if (!entry.caption || !entry.doc) problems.push(`${where}: needs a caption and a doc`);
        if (kind === "fields" && !EDITORS.has(entry.editor ?? "")) problems.push(`${where}: unknown editor`);
        const needsValue = kind === "return_value" || entry.editor !== "Dropdown";
        if (needsValue && !VALUES.has(entry.value ?? "")) problems.push(`${where}: unknown value type`);
        if (entry.editor === "Dropdown" && !entry.options?.split(",").includes(entry.default_val ?? "")) {
          problems.push(`${where}: the default must be one of the options`);
        }
      }
    }
  }
  if (problems.length > 0) throw new Error(`plugin.json is not valid:\n  ${problems.join("\n  ")}`);
  return manifest;
}
