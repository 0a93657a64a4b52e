import { actionFolder } from "./ids.js";
import { bubbleJson } from "./json.js";
import type { Manifest, ManifestEntry } from "./manifest.js";

function ranked(
  entries: Readonly<Record<string, ManifestEntry>>,
): Record<string, ManifestEntry & { rank: number }> {
  const out: Record<string, ManifestEntry & { rank: number }> = {};
  Object.entries(entries).forEach(([id, entry], rank) => {
    out[id] = { ...entry, rank };
  });
  return out;
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
    fields: ranked(action.fields),
    return_value: ranked(action.return_value),
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
  const { categories, ...meta } = manifest.meta;
  // Bubble stores categories as an object keyed by position.
  return {
    ...meta,
    sa_node_version: nodeVersion,
    categories: Object.fromEntries(categories.map((c, i) => [String(i), c])),
  };
}

export function sharedTechParamsJson(manifest: Manifest): string {
  return bubbleJson({ dependencies: { plugin_api_version: "4" }, shared_keys: manifest.keys });
}
