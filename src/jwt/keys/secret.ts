import { base64url } from "jose";
import { HMAC_MIN_BYTES, type HmacAlgorithm } from "../algorithms.js";
import { ConfigError } from "../errors.js";
import { KEY_NAMES, type KeySlot } from "./names.js";
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
 * Fewer distinct characters than this is a pattern, not a random secret. Kept low on purpose: 32 random
 * decimal digits (106 bits) hold fewer than 10 distinct digits 31% of the time and 32 random hex digits
 * 1 in 10,000 times, but fewer than 6 only about 6e-8 and 3e-13 of the time (exact occupancy figures;
 * test/jwt/secret-strength.test.ts checks 10,000 random secrets). Repeated units are caught apart.
 */
const MIN_DISTINCT_CHARACTERS = 6;

/**
 * Reads an HMAC secret: plain text (its UTF-8 bytes) or an `oct` JWK as JSON. Throws a ConfigError
 * naming the plugin key when the secret is shorter than the algorithm needs or obviously guessable.
 */
export function parseHmacSecret(raw: string, alg: HmacAlgorithm, slot: KeySlot): ParsedSecret {
  const keyName = KEY_NAMES[slot];
  const text = raw.trim();
  const parsed = text.startsWith("{")
    ? parseOctJwk(text, alg, keyName)
    : { bytes: new TextEncoder().encode(text) };
  const min = HMAC_MIN_BYTES[alg];
  if (parsed.bytes.length < min) {
    throw new ConfigError(
      `The ${keyName} plugin key is too short for ${alg}: it needs at least ${min} bytes; ${HOW_TO_MAKE_ONE}.`,
    );
  }
  if (!text.startsWith("{")) {
    rejectPemKey(text, keyName, alg);
    rejectGuessable(text, keyName);
  }
  return parsed;
}

function parseOctJwk(text: string, alg: HmacAlgorithm, keyName: string): ParsedSecret {
  let jwk: unknown;
  try {
    jwk = parsePastedJson(stripPasteWrapping(text));
  } catch {
    throw new ConfigError(
      `The ${keyName} plugin key starts with "{" but is not valid JSON; paste the whole JWK.`,
    );
  }
  if (typeof jwk !== "object" || jwk === null || (jwk as { kty?: unknown }).kty !== "oct") {
    throw new ConfigError(
      `The ${keyName} plugin key is JSON but not an "oct" JWK; paste plain text or an oct JWK.`,
    );
  }
  const { k, kid, alg: jwkAlg } = jwk as { k?: unknown; kid?: unknown; alg?: unknown };
  if (jwkAlg !== undefined && jwkAlg !== alg) {
    throw new ConfigError(
      `The ${keyName} plugin key is a JWK for another algorithm; choose that algorithm or a key for ${alg}.`,
    );
  }
  let bytes: Uint8Array;
  try {
    if (typeof k !== "string" || k === "") throw new Error("no k");
    bytes = base64url.decode(k);
  } catch {
    throw new ConfigError(
      `The ${keyName} plugin key is an oct JWK whose "k" is not base64url; paste the whole JWK.`,
    );
  }
  return { bytes, kid: typeof kid === "string" && kid !== "" ? kid : undefined };
}

function rejectGuessable(text: string, keyName: string): void {
  const squashed = text.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (PLACEHOLDERS.some((placeholder) => squashed.includes(placeholder))) {
    throw new ConfigError(
      `The ${keyName} plugin key contains a well-known placeholder phrase, so anyone could forge tokens; ${HOW_TO_MAKE_ONE}.`,
    );
  }
  if (new Set(text).size < MIN_DISTINCT_CHARACTERS || hasShortPeriod(text)) {
    throw new ConfigError(
      `The ${keyName} plugin key has too little variety (a few characters, or a short run repeated) to be secret; ${HOW_TO_MAKE_ONE}.`,
    );
  }
}

/**
 * The RS/HS confusion (RFC 8725 section 2.1): with a public key as the HMAC secret, anyone holding the
 * public key signs valid HS* tokens. A PEM in JWT Secret is always a key in the wrong place.
 */
function rejectPemKey(text: string, keyName: string, alg: HmacAlgorithm): void {
  if (text.includes("-----BEGIN")) {
    throw new ConfigError(
      `The ${keyName} plugin key holds a PEM key, but ${alg} needs a random secret; put keys in Private Key and Public Key and choose an RS, PS, ES or EdDSA algorithm, or ${HOW_TO_MAKE_ONE}.`,
    );
  }
}

/** Whether the text repeats a unit of at most half its length ("abcdefabcdefabcdef..."). */
function hasShortPeriod(text: string): boolean {
  for (let period = 1; period <= text.length / 2; period++) {
    let repeats = true;
    for (let i = period; i < text.length && repeats; i++) repeats = text[i] === text[i - period];
    if (repeats) return true;
  }
  return false;
}
