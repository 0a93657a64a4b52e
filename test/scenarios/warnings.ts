/**
 * Scenario: an EdDSA Generate and Verify through the built bundles write one log line and no process
 * warning (Node 18 warns, once per process, that WebCrypto's Ed25519 is experimental), while a warning
 * anyone else emits still goes through. Prints one report for test/warnings.test.ts.
 */
import { generateKeyPairSync } from "node:crypto";
import path from "node:path";
import { BubbleRuntime } from "../../src/emulator/runtime.js";
import { harness } from "../contract/harness.js";
import { printReport } from "../support/observe.js";

const warnings: string[] = [];
process.on("warning", (warning) => warnings.push(`${warning.name}: ${warning.message}`));
const originalEmitWarning = process.emitWarning;
const h = harness(new BubbleRuntime(path.resolve("actions")));
const pair = generateKeyPairSync("ed25519");
const keys = { "Private Key": pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString() };

const generated = await h.call("generate", { subject: "u", algorithm: "EdDSA" }, keys);
const verified = await h.call("verify", { token: generated.values?.token, algorithm: "EdDSA" }, keys);
const published = await h.call("jwks", { algorithm: "EdDSA" }, keys);
process.emitWarning("a warning of someone else's", "ExperimentalWarning");
// Warnings are delivered on a later turn of the event loop.
await new Promise((resolve) => setTimeout(resolve, 50));

printReport({
  node: process.version,
  generated,
  verified,
  published,
  warnings,
  emitWarningRestored: process.emitWarning === originalEmitWarning,
});
