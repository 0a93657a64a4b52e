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
 * The kind a header's `typ` names. A `typ` is a media type (RFC 7515 §4.1.9): compared without regard
 * to case, and `application/` may be left out, so `Refresh+JWT` and `application/refresh+jwt` are the same.
 */
export function tokenKind(header: JsonObject): TokenKind {
  if (typeof header.typ !== "string") return "single";
  const type = header.typ
    .trim()
    .toLowerCase()
    .replace(/^application\//, "");
  if (type === REFRESH_TOKEN_TYPE) return "refresh";
  if (type === ACCESS_TOKEN_TYPE) return "paired-access";
  return "single";
}

/** Refuses a token whose kind the action does not take (`wrong_token_type`), before any claim is trusted. */
export function checkTokenKind(header: JsonObject, accepted: readonly TokenKind[]): TokenKind {
  const kind = tokenKind(header);
  if (accepted.includes(kind)) return kind;
  throw new TokenError(
    "wrong_token_type",
    kind === "refresh"
      ? "This is a refresh token; send it only to the refresh-token workflow, and send the access token here."
      : "This is an access token; send the refresh token to refresh a session.",
  );
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
