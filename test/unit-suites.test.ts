/**
 * The in-process test files of src/jwt and of the shipped bundles (test/support/unit-suites.ts) on
 * Node 18.20.4 and Node 22, the runtimes Bubble runs the plugin on; vitest runs the same files in its own
 * process. test/scenarios/unit-suites.ts runs them in a child process with vitest's expect (see
 * test/support/unit-runner.ts).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { RUNTIMES, runScenario } from "./support/runtimes.js";
import type { UnitResults } from "./support/unit-runner.js";
import { BUNDLE_SUITES, UNIT_SUFFIX } from "./support/unit-suites.js";

interface UnitsReport {
  node: string;
  files: Record<string, UnitResults>;
}

const FILES = [
  ...readdirSync(path.join(import.meta.dirname, "jwt"))
    .filter((file) => file.endsWith(UNIT_SUFFIX))
    .sort()
    .map((file) => `jwt/${file}`),
  ...Object.keys(BUNDLE_SUITES),
];

describe.each(RUNTIMES)("in-process suites on $name", (runtime) => {
  let report: UnitsReport;
  beforeAll(async () => {
    report = await runScenario<UnitsReport>("unit-suites.ts", runtime);
  }, 180_000);

  it("runs on the intended Node version, every file", () => {
    expect(report.node).toBe(`v${runtime.version}`);
    expect(Object.keys(report.files)).toEqual(FILES);
  });

  it.each(FILES)("%s: every test passes", (file) => {
    const results = report.files[file];
    expect(results?.failed).toEqual([]);
    expect(results?.passed.length).toBeGreaterThan(0);
  });
});
