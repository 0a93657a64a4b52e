/**
 * The in-process test files (src/jwt's unit suites, test/jwt/*.test.ts, and the BUNDLE_SUITES), unmodified,
 * on the Node this runs on: bundled with "vitest" resolved to test/support/unit-runner.ts (see
 * test/support/runtimes.ts), each file is loaded and its tests run in turn. Reports every file, so one
 * that registers nothing is seen.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { ensureWebCrypto } from "../../src/bubble/webcrypto.js";
import { printReport } from "../support/observe.js";
import { runTestFile, type UnitResults } from "../support/unit-runner.js";
import { BUNDLE_SUITES, UNIT_SUFFIX } from "../support/unit-suites.js";

// src/jwt uses the global WebCrypto, which every action installs on Node 18 before it calls src/jwt.
ensureWebCrypto();

const results: Record<string, UnitResults> = {};
const jwtFiles = readdirSync(path.resolve("test/jwt"))
  .filter((file) => file.endsWith(UNIT_SUFFIX))
  .sort();
for (const file of jwtFiles) {
  const name = file.slice(0, -UNIT_SUFFIX.length);
  // esbuild bundles every file this template can name, i.e. each test/jwt/*.test.ts.
  results[`jwt/${file}`] = await runTestFile(() => import(`../jwt/${name}.test.ts`));
}
for (const [file, load] of Object.entries(BUNDLE_SUITES)) results[file] = await runTestFile(load);
printReport({ node: process.version, files: results });
