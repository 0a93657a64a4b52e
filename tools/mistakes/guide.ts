/**
 * The mistakes table's place in the builder's guide (docs/workflows.md): the lines between the guide's two
 * markers. `npm run workflows -- --mistakes` writes them; `npm run build` keeps them as they are when it
 * regenerates the rest of the guide; the mistakes test fails when they are not what the suite now finds.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { MISTAKES_BEGIN, MISTAKES_END } from "../../build/workflows-guide.js";

export const GUIDE = "docs/workflows.md";

/** The table between the markers of a guide's text, or undefined when it has none yet. */
export function tableIn(guide: string): string | undefined {
  const begin = guide.indexOf(MISTAKES_BEGIN);
  const end = guide.indexOf(MISTAKES_END);
  if (begin < 0 || end < begin) return undefined;
  return guide
    .slice(begin + MISTAKES_BEGIN.length, end)
    .replace(/^\n/, "")
    .replace(/\n$/, "");
}

/** The table docs/workflows.md of the repository at `root` holds now (undefined when none). */
export function storedTable(root: string): string | undefined {
  const file = path.join(root, GUIDE);
  return existsSync(file) ? tableIn(readFileSync(file, "utf8")) : undefined;
}

/** Puts `table` between the markers of docs/workflows.md; false when it was already there. */
export function writeTable(root: string, table: string): boolean {
  const file = path.join(root, GUIDE);
  const guide = readFileSync(file, "utf8");
  const begin = guide.indexOf(MISTAKES_BEGIN);
  const end = guide.indexOf(MISTAKES_END);
  if (begin < 0 || end < begin) throw new Error(`${GUIDE} has no place for the mistakes table`);
  const next = `${guide.slice(0, begin + MISTAKES_BEGIN.length)}\n${table}\n${guide.slice(end)}`;
  if (next === guide) return false;
  writeFileSync(file, next);
  return true;
}
