import { base64url } from "jose";
import { reasonFrom, TokenError } from "./errors.js";
import { isJsonObject, type JsonObject, jsonDepthExceeds } from "./values.js";

export type { JsonObject };

/** Longest token any action reads (the contract); longer input is refused before it is decoded. */
export const MAX_TOKEN_LENGTH = 16_384;

// Room for a "Bearer " prefix and surrounding white space before the length check can be exact.
const MAX_RAW_INPUT = MAX_TOKEN_LENGTH + 1024;
const BEARER = /^bearer(\s+|$)/i;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
// The last character of a base64url text whose length leaves 2 (or 3) characters over a whole
// quantum carries 4 (or 2) unused bits. Encoders write them as zero; only these characters do that.
const CANONICAL_LAST_OF_2 = /[AQgw]$/;
const CANONICAL_LAST_OF_3 = /[AEIMQUYcgkosw048]$/;
/**
 * Deepest nesting of arrays and objects read from a header or claims set. Honest tokens nest a few
 * levels; JSON.stringify (which Decode and Verify use to return claims_json) runs out of stack a few
 * thousand levels down, so a deeper token is refused as malformed instead of crashing the action.
 */
export const MAX_JSON_DEPTH = 100;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decoded headers, by their base64url text. Every token one key issues carries the same header (alg, typ,
 * kid), so a warm runtime decodes it once rather than on every call: measured in CPU time, that is about
 * 3 µs of a 50-70 µs HS256 Verify, as jose decodes base64url through Node's JS atob before Node 25.
 * Decoding is a pure function of the text, so no entry can go stale; the map is small and keeps only
 * short headers, whatever clients send.
 */
const decodedHeaders = new Map<string, JsonObject>();
const DECODED_HEADERS_KEPT = 16;
const LONGEST_HEADER_KEPT = 512;

/** A compact JWS split and its header decoded. The claims are decoded separately, once the caller needs them. */
export interface ParsedToken {
  /** The token itself, without `Bearer ` and white space. */
  readonly compact: string;
  /** Frozen: tokens with the same header text share one decoded header. */
  readonly header: JsonObject;
  readonly payloadPart: string;
}

/**
 * Takes the token field as a client sent it (`Bearer ` in any case and surrounding white space accepted)
 * and returns the bare compact token.
 *
 * @throws {TokenError} `missing_token` when empty, `token_too_large` over MAX_TOKEN_LENGTH, `malformed`
 * when not text.
 * @example
 * cleanTokenInput("Bearer eyJhbGciOi...  "); // "eyJhbGciOi..."
 */
export function cleanTokenInput(input: unknown): string {
  if (input === null || input === undefined) throw missing();
  if (typeof input !== "string") throw malformed("The token is not text.");
  if (input.length > MAX_RAW_INPUT) throw tooLarge();
  const compact = input.trim().replace(BEARER, "");
  if (compact === "") throw missing();
  if (compact.length > MAX_TOKEN_LENGTH) throw tooLarge();
  return compact;
}

/**
 * Splits a compact JWS into its three parts and decodes the header. Anything that is not three
 * base64url parts with a JSON-object header is `malformed`: JWE (five parts), the JSON serialization,
 * stray characters, bad UTF-8.
 *
 * @throws {TokenError} cleanTokenInput's codes, and `malformed` for anything but a compact JWS.
 * @example
 * parseToken(token).header.alg; // "HS256"
 */
export function parseToken(input: unknown): ParsedToken {
  const compact = cleanTokenInput(input);
  if (compact.startsWith("{")) {
    throw malformed("The token uses the JSON serialization; send the compact form (three parts).");
  }
  const parts = compact.split(".");
  if (parts.length === 5) {
    throw malformed("The token is encrypted (JWE); only signed tokens (JWS) are supported.");
  }
  if (parts.length !== 3) {
    throw malformed(`The token should be three parts separated by dots; it has ${parts.length}.`);
  }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  if (!BASE64URL.test(headerPart) || !BASE64URL.test(payloadPart) || !BASE64URL.test(signaturePart)) {
    throw malformed("The token contains characters that are not base64url.");
  }
  // Decoders ignore unused bits, so without this check up to 4 different strings would carry the same
  // signature bytes and verify alike. Refusing them keeps one token string per signed token, so a
  // token-keyed cache or denylist a builder keeps cannot be sidestepped by re-encoding the signature.
  if (
    !isCanonicalBase64url(headerPart) ||
    !isCanonicalBase64url(payloadPart) ||
    !isCanonicalBase64url(signaturePart)
  ) {
    throw malformed("The token is not canonical base64url (RFC 7515 section 2).");
  }
  return { compact, header: decodeHeader(headerPart), payloadPart };
}

function decodeHeader(part: string): JsonObject {
  const known = decodedHeaders.get(part);
  if (known) return known;
  const header = Object.freeze(decodeJsonObjectPart(part, "header"));
  if (part.length <= LONGEST_HEADER_KEPT) {
    if (decodedHeaders.size >= DECODED_HEADERS_KEPT) {
      decodedHeaders.delete(decodedHeaders.keys().next().value as string);
    }
    decodedHeaders.set(part, header);
  }
  return header;
}

/**
 * Decodes one base64url part that must hold a JSON object (the header, or the claims set).
 *
 * @throws {TokenError} `malformed` for an empty part, bytes that are not UTF-8, or text not a JSON object.
 * @example
 * decodeJsonObjectPart("eyJzdWIiOiJ1In0", "claims set"); // { sub: "u" }
 */
export function decodeJsonObjectPart(part: string, what: "header" | "claims set"): JsonObject {
  if (part === "") throw badPart(what, "empty");
  let text: string;
  try {
    text = utf8.decode(base64url.decode(part));
  } catch (error) {
    throw badPart(what, "not valid base64url-encoded UTF-8", error);
  }
  return parseJsonObject(text, what);
}

/** Reads the decoded bytes of a header or claims set, which must be UTF-8 text holding a JSON object. */
export function parseJsonObjectBytes(bytes: Uint8Array, what: "header" | "claims set"): JsonObject {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    throw badPart(what, "not valid UTF-8", error);
  }
  return parseJsonObject(text, what);
}

/** Parses a header or claims set, which must be a JSON object nested at most MAX_JSON_DEPTH levels. */
export function parseJsonObject(text: string, what: "header" | "claims set"): JsonObject {
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    throw badPart(what, "nested too deeply");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badPart(what, "not valid JSON", error);
  }
  if (!isJsonObject(value)) throw badPart(what, "not a JSON object");
  return value;
}

/** Whether `part` is base64url as an encoder writes it (RFC 4648 section 3.5): unused bits zero, no lone character. */
export function isCanonicalBase64url(part: string): boolean {
  switch (part.length % 4) {
    case 1:
      return false;
    case 2:
      return CANONICAL_LAST_OF_2.test(part);
    case 3:
      return CANONICAL_LAST_OF_3.test(part);
    default:
      return true;
  }
}

function missing(): TokenError {
  return new TokenError("missing_token", "No token was given.");
}

function tooLarge(): TokenError {
  return new TokenError("token_too_large", `The token is longer than ${MAX_TOKEN_LENGTH} characters.`);
}

function malformed(message: string): TokenError {
  return new TokenError("malformed", message);
}

/**
 * A header or claims set that cannot be read: "The token's header is <why>.", with the decoder's or
 * parser's error as the cause and its class in the log reason (never its message: it quotes the input).
 */
function badPart(what: "header" | "claims set", why: string, cause?: unknown): TokenError {
  const message = `The token's ${what} is ${why}.`;
  if (cause === undefined) return malformed(message);
  return new TokenError("malformed", message, reasonFrom(`${what} ${why}`, cause), { cause });
}
