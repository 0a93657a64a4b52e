/**
 * Wycheproof's JWS and JWK vectors (test/fixtures/wycheproof, unchanged) as the plugin would be given
 * them: each group's key pasted into the plugin key a builder would use, and the action's algorithm the
 * token's own (the most a builder could do to make it pass). No npm packages: scenario processes on
 * Node 18 read this too.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ALGORITHMS } from "../../src/jwt/algorithms.js";

export const WYCHEPROOF_FILES = {
  jws: "test/fixtures/wycheproof/json_web_signature_test.json",
  jwk: "test/fixtures/wycheproof/json_web_key_test.json",
} as const;

type Jwk = Record<string, unknown>;

interface RawGroup {
  comment?: string;
  public?: Jwk;
  private?: Jwk;
  tests: { tcId: number | string; comment: string; jws: unknown; result: string; flags?: unknown }[];
}

export interface WycheproofGroup {
  /** `jws:3` or `jwk:17`: the file and the group's position in it. */
  readonly id: string;
  readonly comment: string;
  readonly tests: number;
}

export interface WycheproofVector {
  /** `jws:tc18`: the file and the vector's tcId (unique within a file only). */
  readonly id: string;
  readonly group: string;
  readonly tcId: string;
  readonly comment: string;
  readonly jws: string;
  readonly expected: "valid" | "invalid";
  /** The action's algorithm: the token header's when it is one the plugin offers, else the key's. */
  readonly alg: string;
  /** The plugin keys, by caption. */
  readonly keys: Record<string, string>;
}

/** Groups that do not apply to the plugin, and why. Every other group's vectors run. */
export const SKIPPED_GROUPS: Readonly<Record<string, string>> = {
  "jwk:0":
    "a keyset mixing an HMAC secret and an EC public key: the plugin keeps secrets (JWT Secret) and public keys (Public Key) in separate plugin keys, so such a set cannot be configured",
};

/**
 * The group whose secret is 32 zero bytes: the keyring refuses it as weak, so its valid vectors are
 * refused as a configuration error. They test how a token is read, so the test also runs them with
 * that key imported directly, past the keyring.
 */
export const WEAK_KEY_GROUP = "jws:21";

const ALG_BINDS = "a JWK's alg binds it to one algorithm (RFC 7517 §4.4)";
const COUNTING =
  "the secret is the counting bytes 00 01 02 ...: a pattern, refused as weak (its bytes spell 123456789)";

/** Vectors on which the plugin and Wycheproof's label differ on purpose, by id, and why. */
export const EXPLAINED: Readonly<Record<string, string>> = {
  "jws:tc346": `the group's key says alg PS256 and the token PS384: ${ALG_BINDS}`,
  "jws:tc350": `the group's key says alg PS256 and the token PS384: ${ALG_BINDS}`,
  "jws:tc347": `the group's key says alg "ES521" (no such JWS algorithm) and the token ES512: ${ALG_BINDS}`,
  "jws:tc351": `the group's key says alg "ES521" (no such JWS algorithm) and the token ES512: ${ALG_BINDS}`,
  "jwk:tc4":
    "two secrets with the same kid in JWT Secret and Previous JWT Secret: both are the app's own, and a rotation tries each (Wycheproof flags it Ambiguous)",
  "jwk:tc7":
    "a ROCA-weak RSA key (Infineon, 2017): neither Node nor jose can tell one, and keys made by npm run keygen or OpenSSL are not affected",
  "jwk:tc13": COUNTING,
  "jwk:tc14": COUNTING,
  "jwk:tc15": COUNTING,
  ...Object.fromEntries(
    ["357", "358", "359", "372", "373", "376", "377"].map((tcId) => [
      `jws:tc${tcId}`,
      "the base64 group's secret is 32 zero bytes, refused as weak (its vectors also run past the keyring)",
    ]),
  ),
};

/** With the base64 group's key imported past the keyring: what still differs, and why. */
export const WEAK_KEY_EXPLAINED: Readonly<Record<string, string>> = {
  "jws:tc372":
    "labelled valid, yet its header holds a character outside base64url: only base64url is read (RFC 7515 §2)",
  "jws:tc373":
    "labelled valid, yet its payload holds a character outside base64url: only base64url is read (RFC 7515 §2)",
  "jws:tc367":
    "byte for byte the token of tc357 (ValidMac), labelled invalid: the padding it is named for is not in it",
  "jws:tc370":
    "byte for byte the token of tc357 (ValidMac), labelled invalid: the padding it is named for is not in it",
};

export function loadWycheproof(root: string): { groups: WycheproofGroup[]; vectors: WycheproofVector[] } {
  const groups: WycheproofGroup[] = [];
  const vectors: WycheproofVector[] = [];
  for (const [file, relative] of Object.entries(WYCHEPROOF_FILES)) {
    const parsed = JSON.parse(readFileSync(path.join(root, relative), "utf8")) as { testGroups: RawGroup[] };
    parsed.testGroups.forEach((group, index) => {
      const id = `${file}:${index}`;
      groups.push({ id, comment: group.comment ?? "", tests: group.tests.length });
      const key = (group.public ?? group.private) as Jwk;
      for (const test of group.tests) {
        const jws = typeof test.jws === "string" ? test.jws : JSON.stringify(test.jws);
        vectors.push({
          id: `${file}:tc${test.tcId}`,
          group: id,
          tcId: String(test.tcId),
          comment: test.comment,
          jws,
          expected: test.result === "valid" ? "valid" : "invalid",
          alg: actionAlgorithm(jws, key),
          keys: file === "jwk" ? keysOfSet(key) : keysOf(key),
        });
      }
    });
  }
  return { groups, vectors };
}

/** One JWK: an oct key is a JWT Secret, any other a Public Key. */
function keysOf(jwk: Jwk): Record<string, string> {
  return jwk.kty === "oct" || typeof jwk.k === "string"
    ? { "JWT Secret": JSON.stringify(jwk) }
    : { "Public Key": JSON.stringify(jwk) };
}

/** A JWKS: secrets as JWT Secret and Previous JWT Secret (the plugin's two), public keys as Public Key. */
function keysOfSet(jwks: Jwk): Record<string, string> {
  const keys = (jwks.keys as Jwk[]) ?? [];
  if (keys.length > 0 && keys.every((key) => key.kty === "oct")) {
    const [current, previous] = keys;
    return previous
      ? { "JWT Secret": JSON.stringify(current), "Previous JWT Secret": JSON.stringify(previous) }
      : { "JWT Secret": JSON.stringify(current) };
  }
  return { "Public Key": JSON.stringify(jwks) };
}

function actionAlgorithm(jws: string, key: Jwk): string {
  const headerAlg = headerOf(jws)?.alg;
  if (typeof headerAlg === "string" && isAlgorithm(headerAlg)) return headerAlg;
  const keyAlg = key.alg ?? (key.keys as Jwk[] | undefined)?.[0]?.alg;
  return typeof keyAlg === "string" && isAlgorithm(keyAlg) ? keyAlg : "HS256";
}

function isAlgorithm(name: string): boolean {
  return (ALGORITHMS as readonly string[]).includes(name);
}

function headerOf(jws: string): Record<string, unknown> | undefined {
  try {
    const header: unknown = JSON.parse(Buffer.from(jws.split(".")[0] ?? "", "base64url").toString("utf8"));
    return typeof header === "object" && header !== null ? (header as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Refusals that come after the signature held: a claim's code, or `malformed` naming the claims set. */
const CLAIM_CODES = new Set([
  "expired",
  "not_yet_valid",
  "missing_claim",
  "issuer_mismatch",
  "audience_mismatch",
]);

/**
 * The verdict on a vector from how Verify refused it. The payloads are not claims sets (most are "foo"), so
 * a signature that holds shows as the refusal of the claims set that follows it: `malformed` naming the
 * claims set, or a claim's code. The verdict is "valid" then, else the code. One reading for the built
 * action (test/scenarios/wycheproof.ts) and for src/jwt in process (test/wycheproof.test.ts).
 */
export function verdictOfRefusal(code: string, message: string): string {
  if (CLAIM_CODES.has(code)) return "valid";
  if (code === "malformed" && /claims set/.test(message)) return "valid";
  return code;
}
