/**
 * The error codes a token check returns (the contract's table). Callers branch on `code`, never on
 * message text. Messages are one sentence for a human and never quote the token or a key.
 */
export const TOKEN_ERROR_CODES = [
  "missing_token",
  "token_too_large",
  "malformed",
  "algorithm_not_allowed",
  "invalid_signature",
  "expired",
  "not_yet_valid",
  "issuer_mismatch",
  "audience_mismatch",
  "missing_claim",
  "token_too_old",
  "session_expired",
  "revoked",
  "wrong_token_type",
  "jwks_unavailable",
  "unknown_key",
] as const;

export type TokenErrorCode = (typeof TOKEN_ERROR_CODES)[number];

/** A token was refused. Actions turn it into `error_code` / `error_message`; it is never thrown to Bubble. */
export class TokenError extends Error {
  override readonly name = "TokenError";
  constructor(
    readonly code: TokenErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Something the builder must fix: a plugin key missing, too weak or unreadable, or a field out of range.
 * Actions let it propagate, so Bubble stops the workflow and shows the message in the server logs.
 * The message names the key or field and the fix, and never contains a value.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
