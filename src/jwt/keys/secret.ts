import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { base64url } from "jose";
import { HMAC_MIN_BYTES, type HmacAlgorithm } from "../algorithms.js";
import type { ConfigError } from "../errors.js";
import { isJsonObject } from "../values.js";
import { KEY_NAMES, type KeySlot, keyError, unreadableKey, wrongKeyKind } from "./names.js";
import { parsePastedJson, stripPasteWrapping } from "./paste.js";

export interface ParsedSecret {
  readonly bytes: Uint8Array;
  /** The `kid` of an `oct` JWK, when the secret was given as one. */
  readonly kid?: string | undefined;
}

const HOW_TO_MAKE_ONE =
  "make one with a password manager's generator (64 random characters, letters and digits) or the plugin's npm run keygen";

// Strings that appear in tutorials and .env.example files. A secret built around one of them is public.
const PLACEHOLDERS = [
  "your256bitsecret",
  "yoursecretkey",
  "yoursecret",
  "yourjwtsecret",
  "mysecretkey",
  "mysecret",
  "supersecret",
  "secretkey",
  "jwtsecret",
  "changeme",
  "changethis",
  "replaceme",
  "placeholder",
  "password",
  "qwerty",
  "123456789",
  "abcdefghij",
  "lorem",
];

/**
 * Fewer distinct characters (or bytes) than this is a pattern, not a random secret. Kept low on purpose:
 * 32 random decimal digits (106 bits) hold fewer than 10 distinct digits 31% of the time and 32 random
 * hex digits 1 in 10,000 times, but fewer than 6 only about 6e-8 and 3e-13 of the time (exact occupancy
 * figures; test/jwt/secret-strength.test.ts checks 10,000 random secrets). Repeated units are caught apart.
 */
const MIN_DISTINCT_UNITS = 6;

/**
 * Reads an HMAC secret: plain text (its UTF-8 bytes) or an `oct` JWK as JSON. Whatever the encoding,
 * the secret goes through the same checks, and a ConfigError naming the plugin key says which failed:
 * key material of any form (RFC 8725 section 2.1: a public key as the HMAC secret lets anyone who holds
 * it sign), fewer bytes than the algorithm needs, too little variety, or a well-known placeholder.
 */
export function parseHmacSecret(raw: string, alg: HmacAlgorithm, slot: KeySlot): ParsedSecret {
  const keyName = KEY_NAMES[slot];
  const text = raw.trim();
  if (text.startsWith("{")) {
    const jwk = parseOctJwk(text, alg, keyName);
    // The JWK's own text is not secret, only its k: every check looks at k, as bytes and as text.
    checkSecret(jwk.bytes, [...jwk.bytes], latin1(jwk.bytes), alg, keyName);
    return jwk;
  }
  rejectQuotedJson(text, keyName, alg);
  const bytes = new TextEncoder().encode(text);
  checkSecret(
    bytes,
    [...text].map((char) => char.codePointAt(0) as number),
    text,
    alg,
    keyName,
  );
  return { bytes };
}

const JSON_KEY = "a public or private key as JSON";

/** Key material (`material` says which form) where `alg` needs a random secret. */
function keyMaterialError(keyName: string, material: string, alg: HmacAlgorithm): ConfigError {
  return wrongKeyKind(
    keyName,
    `holds ${material}, but ${alg} needs a random secret; put keys in Private Key and Public Key and choose an RS, PS, ES or EdDSA algorithm, or ${HOW_TO_MAKE_ONE}.`,
  );
}

/** The one path every encoding takes: key material, length, variety, placeholders, in that order. */
function checkSecret(
  bytes: Uint8Array,
  units: readonly number[],
  textView: string,
  alg: HmacAlgorithm,
  keyName: string,
): void {
  const material = keyMaterialIn(bytes, textView);
  if (material) {
    throw keyMaterialError(keyName, material, alg);
  }
  const min = HMAC_MIN_BYTES[alg];
  if (bytes.length < min) {
    throw keyError(
      "weak_key",
      keyName,
      `is too short for ${alg}: it needs at least ${min} bytes; ${HOW_TO_MAKE_ONE}.`,
    );
  }
  const squashed = textView.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (PLACEHOLDERS.some((placeholder) => squashed.includes(placeholder))) {
    throw keyError(
      "weak_key",
      keyName,
      `contains a well-known placeholder phrase, so anyone could forge tokens; ${HOW_TO_MAKE_ONE}.`,
    );
  }
  if (new Set(units).size < MIN_DISTINCT_UNITS || hasShortPeriod(units)) {
    throw keyError(
      "weak_key",
      keyName,
      `has too little variety (a few characters, or a short run repeated) to be secret; ${HOW_TO_MAKE_ONE}.`,
    );
  }
}

/**
 * What kind of key material the secret is or decodes to, or undefined for none: a PEM block, a JWK or
 * JWKS of an asymmetric key, or a DER key or certificate as raw bytes or as a base64 body pasted without
 * its BEGIN and END lines; and any of these once more encoded as base64 or hex text (a whole PEM file
 * in base64, as .env files and Kubernetes secrets hold keys; the DER in hex, as hex dumps and openssl
 * print it), `MAX_NESTING` encodings deep. A public key published in a JWKS can be rebuilt in any of
 * these forms; random bytes in base64 or hex decode to random bytes, which none of these checks match.
 */
function keyMaterialIn(bytes: Uint8Array, text: string, depth = 0): string | undefined {
  if (text.includes("-----BEGIN")) return "a PEM key";
  const unwrapped = stripPasteWrapping(text);
  if (unwrapped.includes("-----BEGIN")) return "a PEM key";
  if (unwrapped.startsWith("{") && isAsymmetricJson(unwrapped)) return JSON_KEY;
  if (isDerKey(bytes)) return "a key or certificate in binary (DER) form";
  const body = unwrapped.replace(/\\r\\n|\\n|\\r|\s+/g, "");
  if (body.length >= 16 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(body) && isDerKey(Buffer.from(body, "base64"))) {
    return "a key or certificate body (base64 without its BEGIN and END lines)";
  }
  if (depth >= MAX_NESTING) return undefined;
  for (const [encoding, decoded] of textDecodings(body)) {
    const inner = keyMaterialIn(decoded, latin1(decoded), depth + 1);
    if (inner) return `${inner} encoded in ${encoding}`;
  }
  return undefined;
}

// base64 of the hex of a DER is as far as any real paste goes.
const MAX_NESTING = 2;

/**
 * The bytes `body` (line breaks and spaces already removed) stands for as hex (bytes maybe separated by
 * colons, maybe after 0x) and as base64 or base64url, where it can be read so; a hex text is both.
 */
function textDecodings(body: string): [string, Uint8Array][] {
  const decodings: [string, Uint8Array][] = [];
  const hex = body.replace(/^0x/i, "").replace(/:/g, "");
  if (hex.length >= 32 && /^(?:[0-9a-f]{2})+$/i.test(hex)) decodings.push(["hex", Buffer.from(hex, "hex")]);
  if (body.length >= 32 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(body)) {
    decodings.push(["base64", Buffer.from(body, "base64")]);
  }
  return decodings;
}

/** A JWK other than `oct`, a JWKS holding one, or a service-account file. */
function isAsymmetricJson(text: string): boolean {
  let json: unknown;
  try {
    json = parsePastedJson(text);
  } catch {
    return false;
  }
  if (typeof json !== "object" || json === null) return false;
  const { kty, keys, private_key } = json as { kty?: unknown; keys?: unknown; private_key?: unknown };
  const asymmetric = (jwk: unknown) =>
    typeof jwk !== "object" || jwk === null || (jwk as { kty?: unknown }).kty !== "oct";
  return (
    (typeof kty === "string" && kty !== "oct") ||
    (Array.isArray(keys) && keys.some(asymmetric)) ||
    typeof private_key === "string"
  );
}

/** Whether node reads the bytes as a DER public key (SPKI, PKCS#1), private key (PKCS#8, PKCS#1, SEC1) or certificate. */
function isDerKey(bytes: Uint8Array): boolean {
  // Every one of these is an ASN.1 SEQUENCE; anything else is not worth handing to OpenSSL.
  if (bytes[0] !== 0x30) return false;
  const key = Buffer.from(bytes);
  const der = <T extends string>(type: T) => ({ key, format: "der" as const, type });
  const readers: (() => unknown)[] = [
    () => createPublicKey(der("spki")),
    () => createPublicKey(der("pkcs1")),
    () => createPrivateKey(der("pkcs8")),
    () => createPrivateKey(der("pkcs1")),
    () => createPrivateKey(der("sec1")),
    () => new X509Certificate(key),
  ];
  return readers.some((read) => {
    try {
      read();
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * A JWK copied with the quotes of the JSON string that held it: not a secret typed as text. Read as
 * plain text, its bytes would be a public key's (anyone could rebuild them) or a JWK's whose `k` was
 * never checked, so it is refused with the fix.
 */
function rejectQuotedJson(text: string, keyName: string, alg: HmacAlgorithm): void {
  if (!/^["'`]/.test(text)) return;
  const unwrapped = stripPasteWrapping(text);
  if (!unwrapped.startsWith("{")) return;
  if (isAsymmetricJson(unwrapped)) return; // keyMaterialIn names it.
  throw unreadableKey(
    keyName,
    `is a JWK inside quotes; paste the JWK itself without the quotes (an "oct" JWK for ${alg}).`,
  );
}

function parseOctJwk(text: string, alg: HmacAlgorithm, keyName: string): ParsedSecret {
  let jwk: unknown;
  try {
    jwk = parsePastedJson(stripPasteWrapping(text));
  } catch {
    throw unreadableKey(keyName, `starts with "{" but is not valid JSON; paste the whole JWK.`);
  }
  if (!isJsonObject(jwk)) {
    throw unreadableKey(keyName, "is JSON but not a JWK; paste plain text or an oct JWK.");
  }
  if (isAsymmetricJson(text)) {
    throw keyMaterialError(keyName, JSON_KEY, alg);
  }
  if (Array.isArray((jwk as { keys?: unknown }).keys)) {
    throw wrongKeyKind(
      keyName,
      "is a JWKS; paste the one oct JWK that signs on its own (a rotation's previous one goes in Previous JWT Secret).",
    );
  }
  if ((jwk as { kty?: unknown }).kty !== "oct") {
    throw wrongKeyKind(keyName, `is JSON but not an "oct" JWK; paste plain text or an oct JWK.`);
  }
  const { k, kid, alg: jwkAlg } = jwk as { k?: unknown; kid?: unknown; alg?: unknown };
  if (jwkAlg !== undefined && jwkAlg !== alg) {
    throw wrongKeyKind(keyName, `is a JWK for another algorithm; choose that algorithm or a key for ${alg}.`);
  }
  let bytes: Uint8Array;
  try {
    if (typeof k !== "string" || k === "") throw new Error("no k");
    bytes = base64url.decode(k);
  } catch {
    throw unreadableKey(keyName, `is an oct JWK whose "k" is not base64url; paste the whole JWK.`);
  }
  return { bytes, kid: typeof kid === "string" && kid !== "" ? kid : undefined };
}

/** Bytes as text one character per byte, so a placeholder or PEM inside a JWK's k reads as it was typed. */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("latin1");
}

/** Whether the units repeat a run of at most half their length ("abcdefabcdefabcdef..."). */
function hasShortPeriod(units: readonly number[]): boolean {
  for (let period = 1; period <= units.length / 2; period++) {
    let repeats = true;
    for (let i = period; i < units.length && repeats; i++) repeats = units[i] === units[i - period];
    if (repeats) return true;
  }
  return false;
}
