/**
 * The in-process test files of src/jwt and of the shipped bundles (test/support/unit-suites.ts) on
 * Node 18.20.4 and Node 22, the runtimes Bubble runs the plugin on; vitest runs the same files in its own
 * process. test/scenarios/unit-suites.ts runs them in a child process with vitest's expect (see
 * test/support/unit-runner.ts). Each runtime must pass exactly the tests vitest collects from those files
 * (`vitest list`), by name: a test the small runner failed to register, or named otherwise, is seen.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { onEveryRuntime, RUNTIMES } from "./support/runtimes.js";
import type { UnitResults } from "./support/unit-runner.js";
import { BUNDLE_SUITES, UNIT_SUFFIX } from "./support/unit-suites.js";

interface UnitsReport {
  node: string;
  files: Record<string, UnitResults>;
}

const ROOT = path.resolve(import.meta.dirname, "..");
const FILES = [
  ...readdirSync(path.join(import.meta.dirname, "jwt"))
    .filter((file) => file.endsWith(UNIT_SUFFIX))
    .sort()
    .map((file) => `jwt/${file}`),
  ...Object.keys(BUNDLE_SUITES),
];

/** The full name of every test vitest collects from FILES, by file (as FILES names it), sorted. */
async function listedByVitest(): Promise<Record<string, string[]>> {
  const dir = mkdtempSync(path.join(tmpdir(), "vitest-list-"));
  const out = path.join(dir, "list.json");
  try {
    await new Promise<void>((resolve, reject) => {
      const cli = path.join(ROOT, "node_modules/vitest/vitest.mjs");
      const files = FILES.map((file) => `test/${file}`);
      execFile(
        process.execPath,
        [cli, "list", ...files, `--json=${out}`],
        { cwd: ROOT, timeout: 120_000 },
        (error, _, stderr) =>
          error ? reject(new Error(`vitest list failed: ${error.message}\n${stderr}`)) : resolve(),
      );
    });
    const listed = JSON.parse(readFileSync(out, "utf8")) as { name: string; file: string }[];
    const byFile: Record<string, string[]> = {};
    for (const { name, file } of listed) {
      const key = path.relative(path.join(ROOT, "test"), file);
      byFile[key] = [...(byFile[key] ?? []), name];
    }
    for (const names of Object.values(byFile)) names.sort();
    return byFile;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Started together at once: the two runtimes and the listing run side by side, not one after the other.
const reports = onEveryRuntime<UnitsReport>("unit-suites.ts");
const listing = listedByVitest();
// Awaited in the tests below; a rejection is reported there, not as an unhandled one here.
listing.catch(() => undefined);

describe("vitest's list of the in-process tests", () => {
  it("names tests in every file", async () => {
    const listed = await listing;
    expect(Object.keys(listed).sort()).toEqual([...FILES].sort());
    for (const file of FILES) expect(listed[file]?.length, file).toBeGreaterThan(0);
  }, 180_000);
});

describe.each(RUNTIMES)("in-process suites on $name", (runtime) => {
  let report: UnitsReport;
  let listed: Record<string, string[]>;
  beforeAll(async () => {
    [report, listed] = await Promise.all([reports.get(runtime.name) as Promise<UnitsReport>, listing]);
  }, 180_000);

  it("runs on the intended Node version, every file", () => {
    expect(report.node).toBe(`v${runtime.version}`);
    expect(Object.keys(report.files)).toEqual(FILES);
  });

  it.each(FILES)("%s: passes exactly the tests vitest collects", (file) => {
    const results = report.files[file];
    expect(results?.failed).toEqual([]);
    expect([...(results?.passed ?? [])].sort()).toEqual(listed[file]);
  });
});
