/**
 * The repository's text names only what its readers have: no issue numbers of a tracker they cannot see,
 * no documents outside the repository, no private name for the one-token flow. (This file names the
 * patterns, so it is not read.)
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const PLACES = [
  "README.md",
  "CHANGELOG.md",
  "SECURITY.md",
  "docs",
  "src",
  "test",
  "client/src",
  "build",
  "tools",
];
const SKIPPED = new Set(["node_modules", "fixtures", "node18", "node22"]);
const TEXT = /\.(md|ts|mjs|js|json)$/;
const THIS_FILE = path.relative(ROOT, import.meta.filename);

const UNAVAILABLE: readonly [string, RegExp][] = [
  ["an issue number", /\bissues?\s+#?\d+/i],
  ["a path outside the repository", /\.\.\/shared\b/],
  ["the seed", /\bthe\s+seed\b/i],
];

function files(place: string): string[] {
  const full = path.join(ROOT, place);
  if (!statSync(full).isDirectory()) return [place];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const relative = path.join(place, entry.name);
    if (entry.isDirectory()) return files(relative);
    return TEXT.test(entry.name) ? [relative] : [];
  });
}

describe("the repository's text", () => {
  it("names no issue numbers, no documents outside the repository and no private flow names", () => {
    const found: string[] = [];
    for (const file of PLACES.flatMap(files).filter((name) => name !== THIS_FILE)) {
      const lines = readFileSync(path.join(ROOT, file), "utf8").split("\n");
      lines.forEach((line, i) => {
        for (const [what, pattern] of UNAVAILABLE) {
          if (pattern.test(line)) found.push(`${file}:${i + 1}: ${what}`);
        }
      });
    }
    expect(found).toEqual([]);
  });
});
