/**
 * Scenario: every applicable Wycheproof vector (test/support/wycheproof.ts) through the built Verify.
 * The payloads are not claims sets (most are "foo"), so a signature that holds shows as the refusal of
 * the claims set that follows it: `malformed` naming the claims set, or a claim's code. The verdict is
 * "valid" then, else the code, or "configuration_error" when the action refused the key. Prints one
 * report for test/wycheproof.test.ts.
 */
import path from "node:path";
import { BubbleRuntime } from "../../src/emulator/runtime.js";
import { harness } from "../contract/harness.js";
import { printReport } from "../support/observe.js";
import { loadWycheproof, SKIPPED_GROUPS } from "../support/wycheproof.js";

const CLAIM_CODES = new Set([
  "expired",
  "not_yet_valid",
  "missing_claim",
  "issuer_mismatch",
  "audience_mismatch",
]);

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
  else if (CLAIM_CODES.has(String(values.error_code))) verdict = "valid";
  else if (values.error_code === "malformed" && /claims set/.test(String(values.error_message)))
    verdict = "valid";
  else verdict = String(values.error_code);
  verdicts[v.id] = verdict;
}
printReport({ node: process.version, verdicts, leaks });
