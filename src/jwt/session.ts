import { createHash, randomUUID } from "node:crypto";
import { TokenError } from "./errors.js";
import type { JsonObject } from "./token.js";

/**
 * Sessions (one login on one device): an access token typed `at+jwt` beside a refresh token typed
 * `refresh+jwt` (RFC 8725 §3.11: each kind has its own `typ`, so neither is accepted for the other).
 * A token of the one-token flow keeps `typ` `JWT` (or the builder's own) and is both at once.
 */
export const ACCESS_TOKEN_TYPE = "at+jwt";
export const REFRESH_TOKEN_TYPE = "refresh+jwt";

/** What a token is for: `paired-access` (at+jwt), `refresh` (refresh+jwt), or `single` (the one-token flow). */
export type TokenKind = "paired-access" | "refresh" | "single";

/**
 * The `typ` grammar the plugin reads (an allow-list, RFC 7515 §4.1.9 and RFC 6838's subtype characters):
 * after lower-casing ASCII letters and removing one optional `application/`, one media subtype and nothing
 * else: no parameters (`;`), no second `/`, no space, no control character. Whatever a lenient reading would
 * have to guess at (`refresh+jwt; v=1`, `application/application/refresh+jwt`, `refresh+jwt\0`) is refused,
 * so no spelling of a refresh token can pass as another kind.
 */
const MEDIA_SUBTYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*$/;
const APPLICATION_PREFIX = "application/";

/** The media subtype a `typ` names, lower-cased and without `application/`; undefined when it fails the grammar. */
export function readTokenType(typ: string): string | undefined {
  // Only ASCII letters are folded: toLowerCase would turn some other characters into ASCII ones.
  const lower = typ.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
  const type = lower.startsWith(APPLICATION_PREFIX) ? lower.slice(APPLICATION_PREFIX.length) : lower;
  return MEDIA_SUBTYPE.test(type) ? type : undefined;
}

/**
 * The kind a header's `typ` names: `refresh+jwt` a refresh token, `at+jwt` a paired access token, any
 * other type that passes the grammar (`JWT`, `application/jwt`, a builder's own) or no `typ` at all the
 * one-token flow. Undefined for a `typ` that fails the grammar or is not text: no action takes that token.
 */
export function tokenKind(header: JsonObject): TokenKind | undefined {
  if (header.typ === undefined) return "single";
  if (typeof header.typ !== "string") return undefined;
  const type = readTokenType(header.typ);
  if (type === undefined) return undefined;
  if (type === REFRESH_TOKEN_TYPE) return "refresh";
  if (type === ACCESS_TOKEN_TYPE) return "paired-access";
  return "single";
}

/** Refuses a token whose kind the action does not take (`wrong_token_type`), before any claim is trusted. */
export function checkTokenKind(header: JsonObject, accepted: readonly TokenKind[]): TokenKind {
  const kind = tokenKind(header);
  if (kind !== undefined && accepted.includes(kind)) return kind;
  throw new TokenError("wrong_token_type", wrongKindMessage(kind, accepted));
}

function wrongKindMessage(kind: TokenKind | undefined, accepted: readonly TokenKind[]): string {
  switch (kind) {
    case undefined:
      return "The token's type (its typ header) is not one this plugin reads.";
    case "refresh":
      // Only a session's decision takes a refresh token; where access tokens belong, say so.
      return accepted.includes("paired-access")
        ? "This is a refresh token; send it only to the refresh-token workflow, and send the access token here."
        : "This is a session refresh token; send it to the session workflow's JWT - Session step, not to JWT - Refresh token.";
    case "paired-access":
      return "This is an access token; send the refresh token to refresh a session.";
    case "single":
      return "This token belongs to the one-token flow; a session takes only the tokens of a login with a refresh token.";
  }
}

// The label makes this hash mean "successor of a refresh token id" and nothing else (docs/sessions.md).
const SUCCESSOR_LABEL = "bubble-jwt-plugin/refresh-successor/v1:";

/**
 * The `jti` of the refresh token that replaces the one whose `jti` is `jti`: SHA-256 over the UTF-8 of
 * the label followed by `jti`, its first 128 bits in base64url (22 characters).
 *
 * Deterministic on purpose. Bubble workflows have no transactions, so two refreshes with one refresh
 * token may both run before either writes the Session. Because every answer to one refresh token names
 * the same successor, whichever write lands last leaves the Session's `current_jti` equal to the token
 * the client holds, and a retry can be recognised (its successor is already `current_jti`) without a
 * second write. A `jti` is no secret: knowing it, or its successor, lets nobody sign a token.
 */
export function successorJti(jti: string): string {
  return createHash("sha256")
    .update(SUCCESSOR_LABEL)
    .update(jti)
    .digest()
    .subarray(0, 16)
    .toString("base64url");
}

/** A new random session id (`sid`), for a login without a `session_id` of the builder's. */
export function newSessionId(): string {
  return randomUUID();
}
