import { actionFolder } from "./ids.js";
import { bubbleJson } from "./json.js";
import type { Manifest, ManifestEntry } from "./manifest.js";

function ranked(
  entries: Readonly<Record<string, ManifestEntry>>,
  shape: (entry: ManifestEntry) => Record<string, unknown>,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  Object.entries(entries).forEach(([id, entry], rank) => {
    out[id] = { ...shape(entry), rank };
  });
  return out;
}

/**
 * A field as Bubble writes it (every field of 82 server-side actions in 26 repositories Bubble synced): a
 * Checkbox has no `value` and no `optional` and always a boolean `default_val`; a Dropdown is not
 * `optional`; a number's `default_val` is a JSON number. A shape Bubble never writes would be rewritten
 * by Bubble's next commit, and `npm run sync` would write it back on every run. plugin.json keeps its
 * own spelling (strings, `value` on every field): the types for docs/actions.md and the bundles' defaults.
 */
export function bubbleField(entry: ManifestEntry): Record<string, unknown> {
  const { default_val, ...rest } = entry;
  if (entry.editor === "Checkbox") {
    const { value: _value, optional: _optional, ...checkbox } = rest;
    return { ...checkbox, default_val: default_val === "true" };
  }
  if (entry.editor === "Dropdown") {
    const { optional: _optional, ...dropdown } = rest;
    return { ...dropdown, default_val };
  }
  if (default_val === undefined) return rest;
  return { ...rest, default_val: entry.value === "number" ? Number(default_val) : default_val };
}

/** A return value as Bubble writes it: no `doc` (none of 150 real ones has one); see {@link returnValuesGuide}. */
export function bubbleReturnValue(entry: ManifestEntry): Record<string, unknown> {
  const { doc: _doc, ...rest } = entry;
  return rest;
}

/** `actions/<folder>/`: where Bubble keeps the action with this id. */
export function actionDir(id: string): string {
  return `actions/${actionFolder(id)}`;
}

/** `params.json`: the action's declaration as Bubble syncs it. */
export function paramsJson(manifest: Manifest, actionId: string): string {
  const action = manifest.actions[actionId];
  if (!action) throw new Error(`no action ${actionId}`);
  return bubbleJson({
    category: "plugins",
    display: action.display,
    fields: ranked(action.fields, bubbleField),
    return_value: ranked(action.return_value, bubbleReturnValue),
    type: "server_side",
    // The bundle carries its own dependencies; Bubble installs no packages for it.
    use_packages: false,
  });
}

/**
 * `client.js`: the stub Bubble writes next to a server-side action's server.js, byte for byte as in the
 * repositories Bubble syncs. The plugin has no client-side code; the stub keeps Bubble's tree as Bubble
 * writes it, so Bubble's next commit has nothing to add.
 */
export const CLIENT_STUB =
  "function(properties, context) {\n\n\n  //Load any data \n\n\n\n  //Do the operation\n\n\n\n}";

/** `meta_data.json`, declaring the Node version Bubble runs the actions on. */
export function metaDataJson(manifest: Manifest, nodeVersion: number): string {
  return bubbleJson(metaData(manifest, nodeVersion));
}

/** meta_data.json's members that plugin.json sets (Bubble adds its own, such as the icon's address). */
export function metaData(manifest: Manifest, nodeVersion: number): Record<string, unknown> {
  const { categories, plugin_instructions, ...meta } = manifest.meta;
  // Bubble stores categories as an object keyed by position.
  return {
    ...meta,
    plugin_instructions: `${plugin_instructions}\n\n${returnValuesGuide(manifest)}`,
    sa_node_version: nodeVersion,
    categories: Object.fromEntries(categories.map((c, i) => [String(i), c])),
  };
}

/**
 * What each action returns, for the plugin instructions: Bubble keeps no doc on a return value, so the
 * docs of plugin.json's return values are written where Bubble shows text to the builder.
 */
export function returnValuesGuide(manifest: Manifest): string {
  const sections = Object.values(manifest.actions).map((action) => {
    const values = Object.values(action.return_value).map(
      (value) => `- ${value.caption} (${value.name}): ${value.doc}`,
    );
    return [`${action.display} returns:`, ...values].join("\n");
  });
  return ["What each action returns (Result of step N's …):", ...sections].join("\n\n");
}

/**
 * Whether pages load jQuery for the plugin: Bubble writes it in every shared_tech_params.json, false in
 * the server-side-only plugins it syncs (this one has no page code).
 */
export const USE_JQUERY = false;

export function sharedTechParamsJson(manifest: Manifest): string {
  return bubbleJson({
    dependencies: { plugin_api_version: "4", use_jquery: USE_JQUERY },
    shared_keys: manifest.keys,
  });
}
