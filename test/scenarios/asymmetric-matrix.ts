/**
 * Scenario: the asymmetric key matrix (test/contract/asymmetric-matrix.ts) through the built actions/
 * in the Bubble runtime stand-in, once. Prints one report for test/asymmetric-matrix.test.ts.
 */
import path from "node:path";
import { BubbleRuntime } from "../../src/emulator/runtime.js";
import { MATRIX_ROWS } from "../contract/asymmetric-matrix.js";
import { harness } from "../contract/harness.js";
import { printReport } from "../support/observe.js";

// Recorded before any action runs: on Node 18 the plugin itself must bring WebCrypto.
const cryptoBefore = typeof globalThis.crypto;
const started = Date.now();
const h = harness(new BubbleRuntime(path.resolve("actions")));
const rows: Record<string, unknown> = {};
for (const row of MATRIX_ROWS) {
  try {
    rows[row.name] = await row.run(h);
  } catch (error) {
    rows[row.name] = { scenarioError: String(error) };
  }
}
printReport({ node: process.version, cryptoBefore, milliseconds: Date.now() - started, rows });
