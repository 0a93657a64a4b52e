/**
 * What a repository Bubble created holds, as Bubble last committed it. Bubble's commits are the only
 * record of the ids it gave: files a publisher wrote on top of them are not Bubble's answer yet.
 */
import { execFileSync } from "node:child_process";
import { existsSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { BUBBLE_ID, idOfActionFolder } from "./ids.js";

/** The message of every commit Bubble makes. */
export const BUBBLE_COMMIT_MESSAGE = "Automatic commit from Bubble";

/** One action as Bubble holds it: its id and the ids of its fields and return values, by name. */
export interface BubbleAction {
  readonly id: string;
  readonly folder: string;
  readonly fields: ReadonlyMap<string, string>;
  readonly returnValues: ReadonlyMap<string, string>;
}

export interface BubbleState {
  /** Bubble's last commit on the checked-out branch. */
  readonly commit: string;
  /** Plugin key ids by caption. */
  readonly keys: ReadonlyMap<string, string>;
  /** Actions by display name. */
  readonly actions: ReadonlyMap<string, BubbleAction>;
  /** Every id Bubble's tree uses (actions, elements, keys, fields, states, API calls, assets). */
  readonly usedIds: ReadonlySet<string>;
}

/** A path that is not a repository Bubble created: the one line says why. */
export class NotABubbleRepository extends Error {}

export function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Members whose keys are Bubble ids, wherever they appear in Bubble's JSON files. */
const ID_KEYED = new Set(["fields", "return_value", "shared_keys", "assets", "calls", "states", "events"]);

function collectIds(value: unknown, into: Set<string>): void {
  if (value === null || typeof value !== "object") return;
  for (const [key, member] of Object.entries(value)) {
    if (ID_KEYED.has(key) && member !== null && typeof member === "object") {
      for (const id of Object.keys(member)) if (BUBBLE_ID.test(id)) into.add(id);
    }
    collectIds(member, into);
  }
}

function idsByName(
  entries: unknown,
  nameOf: (entry: Record<string, unknown>) => unknown,
): Map<string, string> {
  const out = new Map<string, string>();
  if (entries === null || typeof entries !== "object") return out;
  for (const [id, entry] of Object.entries(entries as Record<string, Record<string, unknown>>)) {
    const name = nameOf(entry);
    if (typeof name === "string") out.set(name, id);
  }
  return out;
}

/** Reads Bubble's last commit of the repository at `dir`, or throws {@link NotABubbleRepository}. */
export function readBubbleState(dir: string): BubbleState {
  const refuse = (why: string) =>
    new NotABubbleRepository(`${dir} is not a repository Bubble created: ${why}`);
  if (!existsSync(dir)) throw refuse("no such folder");
  if (!statSync(dir).isDirectory()) throw refuse("it is not a folder");
  let top: string;
  try {
    top = git(dir, "rev-parse", "--show-toplevel").trim();
  } catch {
    throw refuse("it is not a git repository");
  }
  // Real paths: a link the publisher typed to reach the folder is not a folder inside another repository.
  if (realpathSync(top) !== realpathSync(dir)) throw refuse(`it is inside the git repository ${top}`);
  let commit = "";
  try {
    commit = git(
      dir,
      "log",
      "-1",
      "--format=%H",
      "--fixed-strings",
      `--grep=${BUBBLE_COMMIT_MESSAGE}`,
    ).trim();
  } catch {
    // A repository without commits has no Bubble commit either.
  }
  if (!commit) throw refuse(`no commit says "${BUBBLE_COMMIT_MESSAGE}"`);
  const files = git(dir, "ls-tree", "-r", "--name-only", commit).split("\n").filter(Boolean);
  const json = (file: string): Record<string, unknown> => {
    try {
      return JSON.parse(git(dir, "show", `${commit}:${file}`));
    } catch {
      throw refuse(`Bubble's ${file} is not JSON`);
    }
  };
  for (const file of ["meta_data.json", "shared_tech_params.json"]) {
    if (!files.includes(file)) throw refuse(`Bubble's last commit has no ${file}`);
  }
  const usedIds = new Set<string>();
  const actions = new Map<string, BubbleAction>();
  for (const file of files) {
    for (const segment of path.dirname(file).split("/")) {
      const id = idOfActionFolder(segment);
      if (id) usedIds.add(id);
    }
    if (file.endsWith(".json")) collectIds(json(file), usedIds);
    const folder = /^actions\/([^/]+)\/params\.json$/.exec(file)?.[1];
    const id = folder && idOfActionFolder(folder);
    if (!folder || !id) continue;
    const params = json(file);
    if (typeof params.display !== "string") continue;
    actions.set(params.display, {
      id,
      folder,
      fields: idsByName(params.fields, (entry) => entry.name),
      returnValues: idsByName(params.return_value, (entry) => entry.name),
    });
  }
  const keys = idsByName(json("shared_tech_params.json").shared_keys, (entry) => entry.caption);
  return { commit, keys, actions, usedIds };
}
