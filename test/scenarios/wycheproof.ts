/**
 * Scenario: every applicable Wycheproof vector (test/support/wycheproof.ts) through the built Verify.
 * The verdict is "valid" when Verify accepted it or refused only what follows the signature
 * (verdictOfRefusal), else the code, or "configuration_error" when the action refused the key. Prints one
 * report for test/wycheproof.test.ts.
 */
import path from "node:path";
import { BubbleRuntime } from "../../src/emulator/runtime.js";
import { harness } from "../contract/harness.js";
import { printReport } from "../support/observe.js";
import { loadWycheproof, SKIPPED_GROUPS, verdictOfRefusal } from "../support/wycheproof.js";

const h = harness(new BubbleRuntime(path.resolve("actions")));
const verdicts: Record<string, string> = {};
const leaks: string[] = [];
for (const v of loadWycheproof(process.cwd()).vectors) {
  if (v.group in SKIPPED_GROUPS) continue;
  const observed = await h.call("verify", { token: v.jws, algorithm: v.alg }, v.keys);
  if (observed.leaks.length > 0) leaks.push(`${v.group}:${v.tcId}`);
  const values = observed.values;
  let verdict: string;
  if (!values) verdict = "configuration_error";
  else if (values.valid === true) verdict = "valid";
  else verdict = verdictOfRefusal(String(values.error_code), String(values.error_message));
  verdicts[v.id] = verdict;
}
printReport({ node: process.version, verdicts, leaks });
