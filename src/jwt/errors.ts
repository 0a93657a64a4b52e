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
  "refresh_token_reused",
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
    /** What went wrong, for the builder's log line only, never returned to the workflow; never a value. */
    readonly logReason?: string,
  ) {
    super(message);
  }
}

/**
 * The kinds of configuration problem, one code each so a builder can search the server logs for it:
 * `JWT plugin (weak_key): …` in the stopped workflow, `configuration_error:weak_key` in the action's log
 * line. The README's table says what each means (test/manifest.test.ts keeps it in step with this list).
 */
export const CONFIG_ERROR_CODES = [
  "missing_key",
  "weak_key",
  "unreadable_key",
  "wrong_key_kind",
  "missing_field",
  "field_out_of_range",
  "invalid_field",
  "invalid_url",
  "conflicting_fields",
  "reserved_claim",
  "duplicate_claim",
  "claims_too_large",
] as const;

export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

/**
 * Something the builder must fix: a plugin key missing, too weak or unreadable, or a field out of range.
 * Actions let it propagate, so Bubble stops the workflow and shows the code and message in the server logs.
 * The message names the key or field and the fix, and never contains a value.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
  ) {
    super(message);
  }
}
