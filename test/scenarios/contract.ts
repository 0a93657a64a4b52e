/**
 * Scenario: every contract case through the built actions/ in the Bubble runtime stand-in, under each
 * way Bubble may present what it leaves undocumented (evaluation once or per call, lists as Bubble lists
 * or arrays, empty fields as null, undefined or ""). Prints one report for test/contract.test.ts.
 */
import path from "node:path";
import { BubbleRuntime } from "../../src/emulator/runtime.js";
import { CASE_GROUPS } from "../contract/all-cases.js";
import { harness } from "../contract/harness.js";
import { PRESENTATIONS } from "../contract/presentations.js";
import { printReport } from "../support/observe.js";

// Recorded before any action runs: on Node 18 the plugin itself must bring WebCrypto; on Node 22 it must
// leave the native one in place.
const nativeCrypto = globalThis.crypto;
const cryptoBefore = typeof nativeCrypto;
const report: Record<string, unknown> = { node: process.version, cryptoBefore };
const actionsDir = path.resolve("actions");
for (const [presentation, options] of Object.entries(PRESENTATIONS)) {
  // Verify external cases use JWKS servers on 127.0.0.1: reached through the local runtime's seam.
  const h = harness(new BubbleRuntime(actionsDir, { ...options, localRuntime: { loopbackHttp: true } }));
  for (const [group, cases] of Object.entries(CASE_GROUPS)) {
    for (const c of cases) {
      try {
        report[`${presentation} | ${group} | ${c.name}`] = await c.run(h);
      } catch (error) {
        report[`${presentation} | ${group} | ${c.name}`] = { scenarioError: String(error) };
      }
    }
  }
}
report.cryptoAfter = typeof globalThis.crypto;
report.cryptoKept = globalThis.crypto === nativeCrypto;
printReport(report);
