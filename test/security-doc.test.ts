/**
 * SECURITY.md's threat table, row by row: each defence (a bold title, then its Defence, Standard and
 * Proof lines) cites tests on its Proof line, each citation names a test that exists in the file its
 * letter stands for (the legend under "Defences"), so renaming or dropping a test, or citing it under
 * the wrong file, fails here. A trailing "..." stands for the rest of a name.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { adversarialCases } from "./contract/adversarial-cases.js";
import { asymmetricCases } from "./contract/asymmetric-cases.js";
import { hmacCases } from "./contract/hmac-cases.js";
import { sessionCases } from "./contract/session-cases.js";
import { EXTERNAL_CASES, SLOW_CASE } from "./external/cases.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const markdown = readFileSync(path.join(ROOT, "SECURITY.md"), "utf8");

// Case files hold cases, not it() calls: their names come from the cases themselves.
const CASE_FILES: Record<string, readonly { name: string }[]> = {
  "test/contract/adversarial-cases.ts": adversarialCases,
  "test/contract/hmac-cases.ts": hmacCases,
  "test/contract/asymmetric-cases.ts": asymmetricCases,
  "test/contract/session-cases.ts": sessionCases,
  "test/external/cases.ts": [...Object.values(EXTERNAL_CASES).flat(), SLOW_CASE],
};

/** The names of the tests a file declares: it("..."), and it.each(...)("...") templates. */
function testNames(file: string): string[] {
  const cases = CASE_FILES[file];
  if (cases) return cases.map((c) => c.name);
  const source = readFileSync(path.join(ROOT, file), "utf8");
  const quoted = String.raw`"((?:[^"\\]|\\.)+)"`;
  const plain = [...source.matchAll(new RegExp(String.raw`\bit\(\s*${quoted}`, "g"))];
  const templates = [...source.matchAll(new RegExp(String.raw`\)\(\s*${quoted},\s*(?:async\s*)?\(`, "g"))];
  return [...plain, ...templates].map((match) => JSON.parse(`"${match[1]}"`) as string);
}

/** The legend: `**A** = \`test/...\`` pairs. */
function legend(): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of markdown.matchAll(/\*\*([A-Z]{1,2})\*\* =\s+`([^`]+)`/g)) {
    found.set(match[1] as string, match[2] as string);
  }
  return found;
}

interface Row {
  readonly title: string;
  readonly lines: string[];
}

/** The rows of the "Defences" section: a line that is only a bold title starts each. */
function rows(): Row[] {
  const section = markdown.split("\n## Defences")[1]?.split("\n## ")[0] ?? "";
  const found: Row[] = [];
  for (const line of section.split("\n")) {
    const title = /^\*\*(.+)\*\*$/.exec(line.trim());
    if (title) found.push({ title: title[1] as string, lines: [] });
    else found.at(-1)?.lines.push(line);
  }
  return found;
}

/** A Proof line's citations, each with the letter of the file it cites (undefined: any file). */
function citations(proof: string): { letter?: string; name: string }[] {
  const cited: { letter?: string; name: string }[] = [];
  let letter: string | undefined;
  const pieces = proof.replace(/^- Proof:\s*/, "").split("`");
  pieces.forEach((piece, i) => {
    if (i % 2 === 0) {
      const marker = [...piece.matchAll(/(?:^|[\s;(])([A-Z]{1,2}):\s/g)].at(-1);
      if (marker) letter = marker[1];
      return;
    }
    if (piece.includes(" ")) cited.push({ letter, name: piece });
  });
  return cited;
}

function exists(name: string, names: readonly string[]): boolean {
  if (!name.includes("...")) return names.includes(name);
  const prefix = name.split("...")[0]?.trim() ?? "";
  return names.some((known) => known.startsWith(prefix));
}

describe("SECURITY.md", () => {
  const files = legend();
  const table = rows();
  const allTestFiles = [
    ...new Set([
      ...files.values(),
      ...readdirSync(path.join(ROOT, "test"), { recursive: true })
        .map(String)
        .filter((file) => file.endsWith(".test.ts"))
        .map((file) => `test/${file}`),
    ]),
  ];
  const everyName = allTestFiles.flatMap(testNames);

  it("has a legend whose files exist, and a table of defences", () => {
    expect(files.size).toBeGreaterThan(8);
    for (const file of files.values()) expect(() => readFileSync(path.join(ROOT, file)), file).not.toThrow();
    expect(table.length).toBeGreaterThan(30);
  });

  it("every row has a Defence and a Proof line, and its Proof cites at least one test", () => {
    const incomplete = table
      .filter((row) => {
        const proof = row.lines.find((line) => line.startsWith("- Proof:"));
        return (
          !row.lines.some((line) => line.startsWith("- Defence:")) || !proof || citations(proof).length === 0
        );
      })
      .map((row) => row.title);
    expect(incomplete).toEqual([]);
  });

  it("every citation names a test that exists, in the file its letter stands for", () => {
    const missing: string[] = [];
    for (const row of table) {
      for (const line of row.lines.filter((l) => l.startsWith("- Proof:"))) {
        for (const { letter, name } of citations(line)) {
          const file = letter === undefined ? undefined : files.get(letter);
          if (letter !== undefined && !file) missing.push(`${row.title}: unknown letter ${letter}`);
          else if (!exists(name, file ? testNames(file) : everyName))
            missing.push(`${row.title}: ${letter ?? "?"}: ${name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
