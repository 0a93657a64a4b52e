import type { Manifest, ManifestEntry } from "./manifest.js";

/** JSON as Bubble writes it when it syncs to GitHub: keys sorted, four-space indent. */
export function bubbleJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 4)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

function ranked(
  entries: Readonly<Record<string, ManifestEntry>>,
): Record<string, ManifestEntry & { rank: number }> {
  const out: Record<string, ManifestEntry & { rank: number }> = {};
  Object.entries(entries).forEach(([id, entry], rank) => {
    out[id] = { ...entry, rank };
  });
  return out;
}

/** `actions/<ID>/params.json`: the action's declaration as Bubble syncs it. */
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

/** `meta_data.json`, declaring the Node version Bubble runs the actions on. */
export function metaDataJson(manifest: Manifest, nodeVersion: number): string {
  const { categories, ...meta } = manifest.meta;
  // Bubble stores categories as an object keyed by position.
  return bubbleJson({
    ...meta,
    sa_node_version: nodeVersion,
    categories: Object.fromEntries(categories.map((c, i) => [String(i), c])),
  });
}

export function sharedTechParamsJson(manifest: Manifest): string {
  return bubbleJson({ dependencies: { plugin_api_version: "4" }, shared_keys: manifest.keys });
}
