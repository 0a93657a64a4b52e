import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { type AsymmetricAlgorithm, EC_CURVES, keyTypeFor, RSA_MIN_BITS } from "../algorithms.js";
import type { ConfigErrorCode } from "../errors.js";
import { isJsonObject, isNonEmptyString } from "../values.js";
import { isSoundRsaExponent, jwkAlgAllows, jwkFitsAlgorithm, keyOpsAllow } from "./jwk-fit.js";
import { KEY_NAMES, keyError, unreadableKey, wrongKeyKind } from "./names.js";
import {
  bareBase64Blocks,
  findPemBlocks,
  type PemBlock,
  parsePastedJson,
  stripPasteWrapping,
} from "./paste.js";
import { plainRsaFromPss } from "./rsa-pss.js";

/**
 * One asymmetric key read from a plugin key and checked against the algorithm, as node KeyObjects (which
 * the keyring imports into WebCrypto for jose, see webcrypto-import.ts) and the public half as a JWK.
 */
export interface ParsedKeyPair {
  /** The private half, present only when read from `Private Key`. */
  readonly privateKey?: KeyObject;
  readonly publicKey: KeyObject;
  /** The public half as a JWK, for its thumbprint and for publishing in a JWKS. */
  readonly publicJwk: JsonWebKey;
  /** The key's own id: a JWK's `kid`, or a service-account file's `private_key_id`. */
  readonly kid?: string | undefined;
}

type Half = "private" | "public";

// Node names curves by their OpenSSL names.
const CURVE_NAMES: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };

// What a key body pasted without its BEGIN/END lines may be, most common first.
const BARE_PRIVATE_LABELS = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"];
const BARE_PUBLIC_LABELS = ["PUBLIC KEY", "CERTIFICATE", "RSA PUBLIC KEY"];

const WHOLE_PEM = "pasted whole with its BEGIN and END lines";

/**
 * Reads `Private Key`: PEM (PKCS#8, PKCS#1, SEC1), a private JWK, or a Google service-account JSON file.
 *
 * @throws {ConfigError} `unreadable_key` (node's error as the cause), `wrong_key_kind` or `weak_key`, the
 * message naming the plugin key and what `alg` needs, never quoting it.
 * @example
 * const { privateKey, publicJwk, kid } = parsePrivateKey(pem, "ES256");
 */
export function parsePrivateKey(raw: string, alg: AsymmetricAlgorithm): ParsedKeyPair {
  const keyName = KEY_NAMES.privateKey;
  const needs = keyNeeded(alg, "private");
  const text = stripPasteWrapping(raw);
  let keyObject: KeyObject;
  let kid: string | undefined;
  if (text.startsWith("{")) {
    const json = parseJson(text, keyName, needs);
    if (typeof json.private_key === "string") {
      keyObject = privateFromPem(json.private_key, keyName, needs);
      kid = nonEmptyString(json.private_key_id);
    } else if (typeof json.kty === "string" || Array.isArray(json.keys)) {
      const jwk = Array.isArray(json.keys) ? onlyPrivateJwk(json.keys, alg, keyName, needs) : json;
      if (jwk.d === undefined) {
        throw wrongKeyKind(keyName, `holds a public JWK (it has no "d"); ${needs}.`);
      }
      checkJwkFor(jwk, alg, keyName, needs);
      keyObject = fromJwk(jwk, "private", keyName, needs);
      kid = nonEmptyString(jwk.kid);
    } else {
      throw unreadableKey(keyName, `is JSON but neither a JWK nor a service-account file; ${needs}.`);
    }
  } else {
    keyObject = privateFromPem(text, keyName, needs);
  }
  const privateKey = fitKey(keyObject, alg, keyName, needs);
  return { privateKey, ...publicHalf(createPublicKey(privateKey)), kid };
}

/**
 * The one private key of a JWKS pasted as `Private Key` (generators such as mkjwk offer a key pair "set"
 * holding a single key); with none or several for `alg`, which one signs is not for the plugin to guess.
 */
function onlyPrivateJwk(
  keys: unknown[],
  alg: AsymmetricAlgorithm,
  keyName: string,
  needs: string,
): Record<string, unknown> {
  const candidates = keys.filter(
    (jwk): jwk is Record<string, unknown> => isJsonObject(jwk) && jwk.d !== undefined,
  );
  const fitting = candidates.filter((jwk) => jwkFitsAlgorithm(jwk, alg));
  if (fitting.length === 1) return fitting[0] as Record<string, unknown>;
  if (fitting.length === 0 && candidates.length === 1) return candidates[0] as Record<string, unknown>;
  throw wrongKeyKind(
    keyName,
    fitting.length > 1
      ? `is a JWKS with several private keys for ${alg}; paste the one that signs on its own (${needs}).`
      : `is a JWKS without a private key for ${alg}; ${needs}.`,
  );
}

/**
 * Reads `Public Key`: PEM (SPKI or X.509 certificate), a public JWK, or a JWKS. Returns every key that
 * fits the algorithm; a JWKS may hold keys for other algorithms or for encryption, which are skipped.
 * Only public halves are returned, whatever was pasted.
 *
 * @throws {ConfigError} `unreadable_key` (node's error as the cause), `wrong_key_kind` or `weak_key`.
 * @example
 * const [{ publicKey, kid }] = parsePublicKeys(jwksText, "RS256");
 */
export function parsePublicKeys(raw: string, alg: AsymmetricAlgorithm): ParsedKeyPair[] {
  const keyName = KEY_NAMES.publicKey;
  const needs = keyNeeded(alg, "public");
  const text = stripPasteWrapping(raw);
  if (!text.startsWith("{")) {
    return [publicHalf(fitKey(publicFromPem(text, keyName, needs), alg, keyName, needs))];
  }
  const json = parseJson(text, keyName, needs);
  if (Array.isArray(json.keys)) {
    const fitting = json.keys.filter(
      (jwk): jwk is Record<string, unknown> => isJsonObject(jwk) && jwkFitsAlgorithm(jwk, alg),
    );
    if (fitting.length === 0) {
      throw wrongKeyKind(
        keyName,
        `is a JWKS without a signing key for ${alg}; add one (${needs}) or choose the algorithm of its keys.`,
      );
    }
    return fitting.map((jwk) => ({
      ...publicHalf(fitKey(fromJwk(jwk, "public", keyName, needs), alg, keyName, needs)),
      kid: nonEmptyString(jwk.kid),
    }));
  }
  if (typeof json.kty !== "string") {
    throw unreadableKey(keyName, `is JSON but neither a JWK nor a JWKS; ${needs}.`);
  }
  checkJwkFor(json, alg, keyName, needs);
  const publicKey = fitKey(fromJwk(json, "public", keyName, needs), alg, keyName, needs);
  return [{ ...publicHalf(publicKey), kid: nonEmptyString(json.kid) }];
}

function publicHalf(publicKey: KeyObject): ParsedKeyPair {
  return { publicKey, publicJwk: publicKey.export({ format: "jwk" }) };
}

/** "RS256 needs an RSA private key of 2048 bits or more": the end of every message about a missing or misfit key. */
export function keyNeeded(alg: AsymmetricAlgorithm, half: Half): string {
  const kty = keyTypeFor(alg);
  if (kty === "RSA") return `${alg} needs an RSA ${half} key of ${RSA_MIN_BITS} bits or more`;
  if (kty === "EC") return `${alg} needs an EC ${half} key on curve ${EC_CURVES[alg]}`;
  return `${alg} needs an Ed25519 ${half} key`;
}

function privateFromPem(text: string, keyName: string, needs: string): KeyObject {
  const blocks = findPemBlocks(text);
  // A key file may hold the certificate too, in either order: the private key is the block wanted.
  const block = blocks.find((b) => b.label.endsWith("PRIVATE KEY")) ?? blocks[0];
  if (!block) {
    return readFirst(bareBase64Blocks(text, BARE_PRIVATE_LABELS), "private", (cause) => {
      throw unreadableKey(
        keyName,
        `is not a PEM key, a JWK or a service-account file; ${needs}, pasted whole.`,
        cause,
      );
    });
  }
  if (block.encrypted || block.label.includes("ENCRYPTED")) {
    throw unreadableKey(
      keyName,
      `is protected by a passphrase; ${needs} without one (export it unencrypted, e.g. as PKCS#8).`,
    );
  }
  if (!block.label.endsWith("PRIVATE KEY")) {
    throw wrongKeyKind(keyName, `holds a public key or certificate; ${needs}.`);
  }
  return readFirst([block], "private", (cause) => {
    throw unreadableKey(keyName, `could not be read as a private key; ${needs}, ${WHOLE_PEM}.`, cause);
  });
}

function publicFromPem(text: string, keyName: string, needs: string): KeyObject {
  const block = findPemBlocks(text)[0];
  if (!block) {
    return readFirst(bareBase64Blocks(text, BARE_PUBLIC_LABELS), "public", (cause) => {
      throw unreadableKey(
        keyName,
        `is not a PEM key, a certificate, a JWK or a JWKS; ${needs}, pasted whole.`,
        cause,
      );
    });
  }
  if (block.encrypted || block.label.includes("ENCRYPTED")) {
    throw unreadableKey(keyName, `is an encrypted private key; ${needs}.`);
  }
  // createPublicKey also reads X.509 certificates, and derives the public half of a private PEM.
  return readFirst([block], "public", (cause) => {
    throw unreadableKey(
      keyName,
      `could not be read as a public key or certificate; ${needs}, ${WHOLE_PEM}.`,
      cause,
    );
  });
}

/**
 * The first block node:crypto reads as a key of that half, else what `fail` throws, given node's last error
 * as the cause (never in the message: node's may quote input).
 */
function readFirst(blocks: readonly PemBlock[], half: Half, fail: (cause: unknown) => never): KeyObject {
  let lastError: unknown;
  for (const block of blocks) {
    try {
      const input = { key: block.pem, format: "pem" as const };
      return half === "private" ? createPrivateKey(input) : createPublicKey(input);
    } catch (error) {
      // Try the next reading; the caller's message covers the case where none works.
      lastError = error;
    }
  }
  return fail(lastError);
}

function fromJwk(jwk: Record<string, unknown>, half: Half, keyName: string, needs: string): KeyObject {
  try {
    const key = { key: jwk as JsonWebKey, format: "jwk" as const };
    // From a private JWK pasted as Public Key, createPublicKey keeps the public half only.
    return half === "private" ? createPrivateKey(key) : createPublicKey(key);
  } catch (error) {
    throw unreadableKey(keyName, `is a JWK that could not be read; ${needs}, pasted whole.`, error);
  }
}

function parseJson(text: string, keyName: string, needs: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = parsePastedJson(text);
  } catch (error) {
    throw unreadableKey(
      keyName,
      `starts with "{" but is not valid JSON; paste the whole file (${needs}).`,
      error,
    );
  }
  // The text starts with "{", so whatever parses is an object.
  return json as Record<string, unknown>;
}

/** A JWK's own `alg` and `use` must allow signing with `alg`. */
function checkJwkFor(
  jwk: Record<string, unknown>,
  alg: AsymmetricAlgorithm,
  keyName: string,
  needs: string,
): void {
  if (!jwkAlgAllows(jwk.alg, alg)) {
    throw wrongKeyKind(
      keyName,
      `is a JWK marked for another algorithm (its "alg"); set the action's algorithm to the JWK's, or paste another key (${needs}).`,
    );
  }
  if (jwk.use !== undefined && jwk.use !== "sig") {
    throw wrongKeyKind(keyName, `is a JWK marked for encryption, not signatures (its "use"); ${needs}.`);
  }
  if (!keyOpsAllow(jwk.key_ops, ["sign", "verify"])) {
    throw wrongKeyKind(keyName, `is a JWK whose "key_ops" allow neither signing nor verifying; ${needs}.`);
  }
}

/**
 * The key to use for `alg`, or a ConfigError saying what the key is and what the algorithm needs.
 * An RSASSA-PSS key serves the PS algorithms its parameters allow, as the plain RSA key it holds.
 */
function fitKey(key: KeyObject, alg: AsymmetricAlgorithm, keyName: string, needs: string): KeyObject {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  const misfit = (code: ConfigErrorCode = "wrong_key_kind") =>
    keyError(code, keyName, `is ${describeKey(key)}; ${needs}.`);
  const kty = keyTypeFor(alg);
  if (kty === "RSA") {
    if (type !== "rsa" && type !== "rsa-pss") throw misfit();
    if ((details.modulusLength ?? 0) < RSA_MIN_BITS) throw misfit("weak_key");
    if (!isSoundRsaExponent(details.publicExponent)) {
      throw keyError("weak_key", keyName, `is an RSA key with an unsafe public exponent; ${needs}.`);
    }
    if (type === "rsa") return key;
    if (!alg.startsWith("PS")) throw misfit();
    const hash = `sha${alg.slice(2)}`;
    const hashBytes = Number(alg.slice(2)) / 8;
    const allowed =
      (details.hashAlgorithm === undefined || details.hashAlgorithm === hash) &&
      (details.mgf1HashAlgorithm === undefined || details.mgf1HashAlgorithm === hash) &&
      (details.saltLength === undefined || details.saltLength <= hashBytes);
    if (!allowed) {
      throw wrongKeyKind(
        keyName,
        `is an RSA-PSS key restricted to other parameters than ${alg} uses; set the action's algorithm to the one it was made for, or paste another key (${needs}).`,
      );
    }
    try {
      return plainRsaFromPss(key);
    } catch (error) {
      throw unreadableKey(keyName, `is an RSA-PSS key that could not be read; ${needs}.`, error);
    }
  }
  if (kty === "EC") {
    const curve = type === "ec" ? CURVE_NAMES[details.namedCurve ?? ""] : undefined;
    if (curve !== EC_CURVES[alg]) throw misfit();
    return key;
  }
  if (type !== "ed25519") throw misfit();
  return key;
}

/** What kind of key it is, for messages: its type and size, never any of its material. */
function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case "rsa":
      return `an RSA key of ${details.modulusLength} bits`;
    case "rsa-pss":
      return `an RSA-PSS key of ${details.modulusLength} bits (for PS algorithms only)`;
    case "ec": {
      const curve = CURVE_NAMES[details.namedCurve ?? ""];
      return curve ? `an EC key on curve ${curve}` : "an EC key on an unsupported curve";
    }
    case "ed25519":
      return "an Ed25519 key";
    case "ed448":
      return "an Ed448 key";
    case "x25519":
    case "x448":
      return "a key-agreement key, not a signing key";
    default:
      return "a key of an unsupported type";
  }
}

function nonEmptyString(value: unknown): string | undefined {
  return isNonEmptyString(value) ? value : undefined;
}
