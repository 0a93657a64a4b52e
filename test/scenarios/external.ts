/**
 * Scenario: `JWT - Verify external token` through the built bundle, against a JWKS server on 127.0.0.1
 * started here, in the same process, so the action's own fetch runs on Node 18 as on Bubble. Runs the
 * cases under two presentations (the bundle's key cache outlives both, so each uses its own paths),
 * and the slow-endpoint case once, alongside the others. Prints one report for test/external.test.ts.
 */
import path from "node:path";
import { BubbleRuntime } from "../../src/emulator/runtime.js";
import { harness } from "../contract/harness.js";
import {
  EXTERNAL_CASES,
  EXTERNAL_PRESENTATIONS,
  type ExternalCase,
  type ExternalEnv,
  SLOW_CASE,
} from "../external/cases.js";
import { installFetchGlobal } from "../support/fetch-global.js";
import { JwksTestServer, testKey } from "../support/jwks-server.js";
import { printReport } from "../support/observe.js";

const fetchGlobal = installFetchGlobal();
const nativeCrypto = globalThis.crypto;
const cryptoBefore = typeof nativeCrypto;
const report: Record<string, unknown> = { node: process.version, cryptoBefore };
const server = await new JwksTestServer().start();
const keys = {
  rsa: testKey("RS256", "rsa-1"),
  rsaNew: testKey("RS256", "rsa-2"),
  attacker: testKey("RS256", "attacker-1"),
  ec: testKey("ES256", "ec-1"),
  ed: testKey("EdDSA", "ed-1"),
};

function env(prefix: string): ExternalEnv {
  return {
    server,
    keys,
    path: (name) => `/${prefix}/${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}/jwks.json`,
  };
}

async function observeCase(c: ExternalCase, h: ReturnType<typeof harness>, e: ExternalEnv): Promise<unknown> {
  try {
    return await c.run(h, e);
  } catch (error) {
    return { scenarioError: String(error) };
  }
}

const actionsDir = path.resolve("actions");
// The JWKS server is plain http on 127.0.0.1: reached through the local runtime's seam, as in local development.
const local = { localRuntime: { loopbackHttp: true } };
const slow = observeCase(SLOW_CASE, harness(new BubbleRuntime(actionsDir, local)), env("slow"));
let index = 0;
for (const [presentation, options] of Object.entries(EXTERNAL_PRESENTATIONS)) {
  const h = harness(new BubbleRuntime(actionsDir, { ...options, ...local }));
  const e = env(`p${index++}`);
  for (const [group, cases] of Object.entries(EXTERNAL_CASES)) {
    for (const c of cases) report[`${presentation} | ${group} | ${c.name}`] = await observeCase(c, h, e);
  }
}
report[`slow | ${SLOW_CASE.name}`] = await slow;
report.fetchGlobal = { name: fetchGlobal.name, calls: fetchGlobal.calls() };
report.cryptoAfter = typeof globalThis.crypto;
report.cryptoKept = globalThis.crypto === nativeCrypto;
await server.close();
printReport(report);
