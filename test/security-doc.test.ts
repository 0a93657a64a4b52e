/**
 * SECURITY.md cites, for every defence, the tests that prove it (its "- Proof:" lines). This
 * keeps those citations true: each names an existing contract case or test, so renaming or dropping a
 * test without updating SECURITY.md fails here.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CASE_GROUPS } from "./contract/all-cases.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const TEST_FILES = [
  "test/contract.test.ts",
  "test/fuzz.test.ts",
  "test/isolation.test.ts",
  "test/jwt/secret-strength.test.ts",
  "test/jwt/token.test.ts",
];

function knownTestNames(): Set<string> {
  const names = new Set(Object.values(CASE_GROUPS).flatMap((cases) => cases.map((c) => c.name)));
  for (const file of TEST_FILES) {
    for (const match of readFileSync(path.join(ROOT, file), "utf8").matchAll(/\bit\(\s*"([^"]+)"/g)) {
      names.add(match[1] as string);
    }
  }
  return names;
}

/** The code spans of every "- Proof:" line that hold a test name (a space in them). */
function citedNames(markdown: string): string[] {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("- Proof:"))
    .flatMap((line) => line.split("`").filter((_, i) => i % 2 === 1))
    .filter((span) => span.includes(" "));
}

describe("SECURITY.md", () => {
  const cited = citedNames(readFileSync(path.join(ROOT, "SECURITY.md"), "utf8"));
  const names = [...knownTestNames()];

  it("cites tests for its defences", () => expect(cited.length).toBeGreaterThan(80));

  it("cites only tests that exist (a trailing ... stands for the rest of a name)", () => {
    const missing = cited.filter((span) => {
      const prefix = span.split("...")[0]?.trim() ?? "";
      return span.includes("...") ? !names.some((name) => name.startsWith(prefix)) : !names.includes(span);
    });
    expect(missing).toEqual([]);
  });
});
