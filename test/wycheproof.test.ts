/**
 * Wycheproof's JWS and JWK vectors (test/fixtures/wycheproof, unchanged, Apache-2.0), every applicable
 * one through verifyToken (the keyring reading the group's key as a plugin key, then every check Verify
 * makes), and through the built Verify on every runtime (test/scenarios/wycheproof.ts). A vector marked
 * valid that the plugin refuses, or the
 * reverse, is listed in EXPLAINED with the reason, and the test checks that it still goes that way.
 */
import path from "node:path";
import { importJWK, type JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import type { Algorithm } from "../src/jwt/algorithms.js";
import { validateClaims } from "../src/jwt/claims.js";
import { ConfigError, TokenError } from "../src/jwt/errors.js";
import { parseToken } from "../src/jwt/token.js";
import { checkHeader, verifySignature, verifyToken } from "../src/jwt/verify.js";
import { onEveryRuntime, RUNTIMES } from "./support/runtimes.js";
import { rejectionOf } from "./support/thrown.js";
import {
  EXPLAINED,
  loadWycheproof,
  SKIPPED_GROUPS,
  verdictOfRefusal,
  WEAK_KEY_EXPLAINED,
  WEAK_KEY_GROUP,
  type WycheproofVector,
} from "./support/wycheproof.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const { groups, vectors } = loadWycheproof(ROOT);

const applicable = vectors.filter((v) => !(v.group in SKIPPED_GROUPS));

/**
 * What verifyToken makes of a vector, configured as the built action would be: "valid", a token error code,
 * or "configuration_error". The same reading of its refusal as the scenario's (verdictOfRefusal); any
 * other error fails the test rather than passing for a refusal.
 */
async function throughVerify(v: WycheproofVector): Promise<string> {
  const material = {
    secret: v.keys["JWT Secret"],
    previousSecret: v.keys["Previous JWT Secret"],
    publicKey: v.keys["Public Key"],
  };
  return verdictOf(() => verifyToken(v.jws, { alg: v.alg as Algorithm, material }));
}

/**
 * The weak-key group past the keyring, which refuses its all-zero secret: the token read and checked by
 * verifyToken's own steps (parseToken, checkHeader, verifySignature) with the key imported directly.
 */
async function pastTheKeyring(v: WycheproofVector, key: CryptoKey): Promise<string> {
  return verdictOf(async () => {
    const parsed = parseToken(v.jws);
    checkHeader(parsed.header, "HS256");
    const { claims } = await verifySignature(parsed, [{ key }], "HS256");
    validateClaims(claims, {});
  });
}

/** A call's ending in Wycheproof's words: "valid", verdictOfRefusal's reading, or "configuration_error". */
async function verdictOf(run: () => Promise<unknown>): Promise<string> {
  const error = await rejectionOf(run);
  if (error === undefined) return "valid";
  if (error instanceof TokenError) return verdictOfRefusal(error.code, error.message);
  if (error instanceof ConfigError) return "configuration_error";
  throw error;
}

function disagreement(
  v: WycheproofVector,
  verdict: string,
  explained: Readonly<Record<string, string>>,
): string | undefined {
  const agrees = (verdict === "valid") === (v.expected === "valid");
  if (agrees === !(v.id in explained)) return undefined;
  const listed = v.id in explained ? " (listed as explained)" : "";
  return `${v.id} (${v.group}) ${v.comment}: labelled ${v.expected}, got ${verdict}${listed}`;
}

describe("Wycheproof JWS and JWK vectors", () => {
  it("the skip table names groups that exist, and every explanation names a vector that runs", () => {
    const ids = new Set(groups.map((g) => g.id));
    for (const id of Object.keys(SKIPPED_GROUPS)) expect(ids.has(id), id).toBe(true);
    const run = new Set(applicable.map((v) => v.id));
    for (const tcId of [...Object.keys(EXPLAINED), ...Object.keys(WEAK_KEY_EXPLAINED)])
      expect(run.has(tcId), tcId).toBe(true);
    expect(applicable.length).toBeGreaterThan(400);
  });

  it("through verifyToken, every applicable vector gets its label, or its listed explanation", async () => {
    const wrong: string[] = [];
    for (const v of applicable) {
      const problem = disagreement(v, await throughVerify(v), EXPLAINED);
      if (problem) wrong.push(problem);
    }
    expect(wrong).toEqual([]);
  });

  it("the base64 group, with its all-zero key imported past the keyring, gets its labels (or the listed reasons)", async () => {
    const group = applicable.filter((v) => v.group === WEAK_KEY_GROUP);
    const jwk = JSON.parse(group[0]?.keys["JWT Secret"] as string) as JWK;
    const key = (await importJWK(jwk, "HS256")) as CryptoKey;
    const wrong: string[] = [];
    for (const v of group) {
      const problem = disagreement(v, await pastTheKeyring(v, key), WEAK_KEY_EXPLAINED);
      if (problem) wrong.push(problem);
    }
    expect(group.length).toBe(21);
    expect(wrong).toEqual([]);
  });
});

interface BuiltVerdicts {
  node: string;
  verdicts: Record<string, string>;
  /** Vectors whose call leaked a token or key (test/support/observe.ts). */
  leaks: string[];
}

const reports = onEveryRuntime<BuiltVerdicts>("wycheproof.ts");

describe.each(RUNTIMES)("Wycheproof through the built Verify on $name", (runtime) => {
  let report: BuiltVerdicts;
  beforeAll(async () => {
    report = (await reports.get(runtime.name)) as BuiltVerdicts;
  }, 120_000);

  it("every applicable vector gets its label through the action, or its listed explanation", () => {
    const wrong: string[] = [];
    for (const v of applicable) {
      const verdict = report.verdicts[v.id] ?? "not run";
      const problem = disagreement(v, verdict, EXPLAINED);
      if (problem) wrong.push(problem);
    }
    expect(Object.keys(report.verdicts)).toHaveLength(applicable.length);
    expect(wrong).toEqual([]);
    expect(report.leaks).toEqual([]);
  });
});
