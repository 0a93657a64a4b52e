import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Manifest } from "./manifest.js";

/**
 * published-ids.json: the ids Bubble holds for this plugin, by name (keys by caption, actions by display,
 * fields and return values by name). Only `npm run sync` writes it, from Bubble's own commits, so it
 * lists exactly what Bubble has acknowledged. The build refuses a plugin.json that gives any of these
 * another id or drops it: every app using the plugin refers to them by id.
 */
export interface PublishedIds {
  readonly keys: Readonly<Record<string, string>>;
  readonly actions: Readonly<
    Record<
      string,
      {
        readonly id: string;
        readonly fields: Readonly<Record<string, string>>;
        readonly return_value: Readonly<Record<string, string>>;
      }
    >
  >;
}

export const PUBLISHED_FILE = "published-ids.json";

export function readPublished(root: string): PublishedIds {
  const file = path.join(root, PUBLISHED_FILE);
  if (!existsSync(file)) return { keys: {}, actions: {} };
  return JSON.parse(readFileSync(file, "utf8")) as PublishedIds;
}

/** The published ids as plugin.json holds them now. */
export function idsOf(manifest: Manifest): PublishedIds {
  const byName = (table: Readonly<Record<string, { readonly name: string }>>) =>
    Object.fromEntries(Object.entries(table).map(([id, entry]) => [entry.name, id]));
  return {
    keys: Object.fromEntries(Object.entries(manifest.keys).map(([id, key]) => [key.caption, id])),
    actions: Object.fromEntries(
      Object.entries(manifest.actions).map(([id, action]) => [
        action.display,
        { id, fields: byName(action.fields), return_value: byName(action.return_value) },
      ]),
    ),
  };
}

/** One line for every published id that `manifest` (plugin.json, unless `source` says otherwise) changed or dropped. */
export function publishedProblems(
  manifest: Manifest,
  published: PublishedIds,
  source = "plugin.json",
): string[] {
  const now = idsOf(manifest);
  const problems: string[] = [];
  const compare = (what: string, was: string, is: string | undefined) => {
    if (is === was) return;
    problems.push(
      is === undefined
        ? `${what} was published with id ${was} and is missing from ${source}: put it back (published entities are never dropped)`
        : `${what} has id ${is} in ${source} but was published as ${was}: put ${was} back (published ids never change)`,
    );
  };
  for (const [caption, id] of Object.entries(published.keys))
    compare(`key ${caption}`, id, now.keys[caption]);
  for (const [display, action] of Object.entries(published.actions)) {
    const current = now.actions[display];
    compare(`action ${display}`, action.id, current?.id);
    if (!current) continue;
    for (const kind of ["fields", "return_value"] as const) {
      for (const [name, id] of Object.entries(action[kind])) {
        compare(`${display} ${kind} ${name}`, id, current[kind][name]);
      }
    }
  }
  return problems;
}
