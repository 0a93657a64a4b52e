/**
 * `npm run mutation -- [files…]`: mutation testing with Stryker on Node 22 (Stryker 10 needs it; the npm
 * script starts this file there through tools/on-node.ts). Stryker changes one operator, condition or
 * value of the given source files at a time and runs the test files that import them; a change that no
 * test notices (a survivor) is behaviour nothing pins, unless it is equivalent (it changes nothing a
 * caller can observe), which tools/mutation-equivalents.ts lists with the reason.
 *
 * Without files it runs over DEFAULT_TARGETS and writes docs/mutation.md. It prints each file's score and,
 * last, `mutation: S% (K killed, V survived, N no coverage)`; it exits 1 when a survivor is not listed as
 * equivalent. Test files that run the built bundles in child processes are left out: they test what
 * ships, not these sources, and a mutant in the sources does not reach them; so are those that start child
 * processes of their own (a CLI's tests), for the same reason.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { LogLevel, MutantResult } from "@stryker-mutator/api/core";
import { Stryker } from "@stryker-mutator/core";
import { repoRoot } from "../src/paths.js";
import { EQUIVALENT_MUTANTS, type EquivalentMutant } from "./mutation-equivalents.js";

/**
 * What a run without arguments mutates: folders (every .ts file in them) or files. Add the next module here.
 * Not the workflow interpreter yet: its tests need better-sqlite3, built for the machine's Node, and Stryker
 * runs on Node 22 (a build of better-sqlite3 for Node 22 beside the other would let it in).
 */
export const DEFAULT_TARGETS = ["src/jwt", "src/bubble"];

const ROOT = repoRoot();
// A test file importing this runs the built actions in child processes: see the comment at the top.
const BUNDLE_RUNNER = path.join(ROOT, "test/support/runtimes.ts");

const args = process.argv.slice(2);
const started = Date.now();
const targets = expand(args.length > 0 ? args : DEFAULT_TARGETS);
const testFiles = testsImporting(targets);
if (testFiles.length === 0) {
  console.error(`No test file imports ${targets.join(", ")}.`);
  process.exit(2);
}
console.error(
  `mutating ${targets.length} file(s) with ${testFiles.length} test file(s): ${testFiles.join(", ")}`,
);

process.env.MUTATION_TEST_FILES = testFiles.join(",");
const results = await new Stryker({
  mutate: targets,
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "tools/mutation.vitest.config.ts", related: false },
  coverageAnalysis: "perTest",
  // Stryker's TypeScript checker and tsconfig rewriting do not understand TypeScript 7; type errors are
  // tsc's job, and a mutant that does not type-check still runs (as JavaScript) and is judged by the tests.
  checkers: [],
  // Stryker marks files @ts-nocheck; by default JavaScript too, which would change the committed actions/.
  disableTypeChecks: "{src,test}/**/*.ts",
  tsconfigFile: "tools/no-tsconfig-for-stryker.json",
  concurrency: 2,
  // Progress with its estimate of the time left, on a terminal or in a log alike.
  reporters: ["progress"],
  tempDirName: "node_modules/.cache/stryker",
  // The sandbox is a copy of the repository: leave out the Node runtimes and what the unit tests never read.
  ignorePatterns: ["/tools/node18", "/tools/node22", "/client", "/bench", "/reports"],
  cleanTempDir: "always",
  logLevel: "warn" as LogLevel,
}).runMutationTest();
const minutes = (Date.now() - started) / 60_000;

interface Score {
  killed: number;
  survived: number;
  noCoverage: number;
}

const survivors: { mutant: MutantResult; original: string; why?: string }[] = [];
const byFile = new Map<string, Score>();
for (const target of targets) byFile.set(target, { killed: 0, survived: 0, noCoverage: 0 });
for (const mutant of results) {
  const file = path.relative(ROOT, path.resolve(ROOT, mutant.fileName));
  const score = byFile.get(file) ?? { killed: 0, survived: 0, noCoverage: 0 };
  byFile.set(file, score);
  if (mutant.status === "Killed" || mutant.status === "Timeout") score.killed++;
  else if (mutant.status === "Survived" || mutant.status === "NoCoverage") {
    if (mutant.status === "Survived") score.survived++;
    else score.noCoverage++;
    const original = sourceOf(file, mutant);
    survivors.push({ mutant, original, why: equivalence(file, original, mutant)?.why });
  }
}

const total: Score = { killed: 0, survived: 0, noCoverage: 0 };
const lines: string[] = [];
for (const [file, score] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
  total.killed += score.killed;
  total.survived += score.survived;
  total.noCoverage += score.noCoverage;
  lines.push(`${file}: ${summary(score)}`);
}
const unexplained = survivors.filter((s) => s.why === undefined);
for (const { mutant, original } of unexplained) {
  console.log(
    `  ${where(mutant)} ${mutant.mutatorName}: ${oneLine(original)} -> ${oneLine(mutant.replacement)}`,
  );
}
console.log(lines.join("\n"));
console.log(`took ${minutes.toFixed(1)} min; ${unexplained.length} survivor(s) not listed as equivalent`);
if (args.length === 0) writeReport();
console.log(`mutation: ${summary(total)}`);
process.exitCode = unexplained.length > 0 ? 1 : 0;

function summary(score: Score): string {
  const all = score.killed + score.survived + score.noCoverage;
  const percent = all === 0 ? 100 : (100 * score.killed) / all;
  return `${percent.toFixed(1)}% (${score.killed} killed, ${score.survived} survived, ${score.noCoverage} no coverage)`;
}

/** The .ts files of the given folders and files, relative to the root, sorted. */
function expand(entries: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (relative: string) => {
    const full = path.join(ROOT, relative);
    if (!existsSync(full)) throw new Error(`${relative} does not exist.`);
    if (statSync(full).isDirectory()) {
      for (const name of readdirSync(full)) visit(path.join(relative, name));
    } else if (relative.endsWith(".ts") && !relative.endsWith(".d.ts")) {
      files.push(path.normalize(relative));
    }
  };
  for (const entry of entries) visit(entry);
  return [...new Set(files)].sort();
}

/**
 * Test files (test/**\/*.test.ts) whose imports reach a target, bundle tests excepted. Imports are followed
 * through test/ and through the targets' own folders only: a test of the local backend reaches src/jwt
 * through src/emulator, but tests the emulator, and would only slow every mutant down. Type-only imports
 * run nothing and are not followed.
 */
function testsImporting(targets: readonly string[]): string[] {
  const wanted = new Set(targets.map((file) => path.join(ROOT, file)));
  const followed = [
    path.join(ROOT, "test") + path.sep,
    ...new Set(targets.map((file) => path.join(ROOT, path.dirname(file)) + path.sep)),
  ];
  const reach = new Map<string, Set<string>>();
  const importsOf = (file: string): Set<string> => {
    const known = reach.get(file);
    if (known) return known;
    const found = new Set<string>();
    reach.set(file, found);
    const source = readFileSync(file, "utf8").replace(/import\s+type\s[^;]*?from\s*"[^"]+";/g, "");
    for (const match of source.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = path.resolve(path.dirname(file), (match[1] as string).replace(/\.js$/, ".ts"));
      if (!existsSync(target) || !target.endsWith(".ts")) continue;
      found.add(target);
      if (!followed.some((dir) => target.startsWith(dir))) continue;
      for (const inner of importsOf(target)) found.add(inner);
    }
    return found;
  };
  const tests: string[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) visit(full);
      else if (name.endsWith(".test.ts")) {
        const imports = importsOf(full);
        if (imports.has(BUNDLE_RUNNER) || /from "node:child_process"/.test(readFileSync(full, "utf8")))
          continue;
        if ([...imports].some((file) => wanted.has(file))) tests.push(path.relative(ROOT, full));
      }
    }
  };
  visit(path.join(ROOT, "test"));
  return tests.sort();
}

/** The source text a mutant replaced (Stryker reports lines and columns counted from 1). */
function sourceOf(file: string, mutant: MutantResult): string {
  const lines = readFileSync(path.join(ROOT, file), "utf8").split("\n");
  const start = { line: mutant.location.start.line - 1, column: mutant.location.start.column - 1 };
  const end = { line: mutant.location.end.line - 1, column: mutant.location.end.column - 1 };
  if (start.line === end.line) return (lines[start.line] ?? "").slice(start.column, end.column);
  return [
    (lines[start.line] ?? "").slice(start.column),
    ...lines.slice(start.line + 1, end.line),
    (lines[end.line] ?? "").slice(0, end.column),
  ].join("\n");
}

function equivalence(file: string, original: string, mutant: MutantResult): EquivalentMutant | undefined {
  return EQUIVALENT_MUTANTS.find(
    (e) =>
      e.file === file &&
      oneLine(e.original) === oneLine(original) &&
      oneLine(e.replacement) === oneLine(mutant.replacement ?? ""),
  );
}

function where(mutant: MutantResult): string {
  return `${path.relative(ROOT, path.resolve(ROOT, mutant.fileName))}:${mutant.location.start.line}`;
}

function oneLine(text: string | undefined): string {
  const flat = (text ?? "").replace(/\s+/g, " ").trim();
  return flat.length > 90 ? `${flat.slice(0, 87)}...` : flat;
}

function writeReport(): void {
  const rows = [...byFile]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, score]) => `| \`${file}\` | ${summary(score).replace(" (", " | ").replace(/\)$/, "")} |`);
  const listed = survivors.map(
    ({ mutant, original, why }) =>
      `- \`${where(mutant)}\` ${mutant.mutatorName}${mutant.status === "NoCoverage" ? " (no coverage)" : ""}: \`${oneLine(original)}\` → \`${oneLine(mutant.replacement)}\`: ${why ?? "**not explained: a test should kill it**"}`,
  );
  const text = [
    "# Mutation testing",
    "",
    "Generated by `npm run mutation` (Stryker on Node 22, tools/mutation.ts): each source file below, mutated one",
    "change at a time, against the test files that import it. A mutant is killed when a test fails with it. The",
    "reasons for the equivalent survivors live in tools/mutation-equivalents.ts.",
    "",
    `Over all: ${summary(total)}. The run took ${minutes.toFixed(0)} minutes on a 2-core machine, so it is not part of \`npm test\`.`,
    "",
    "| File | Score | Killed, survived, no coverage |",
    "| --- | --- | --- |",
    ...rows,
    "",
    "## Survivors",
    "",
    ...(listed.length > 0 ? listed : ["None."]),
    "",
  ].join("\n");
  writeFileSync(path.join(ROOT, "docs/mutation.md"), text);
}
