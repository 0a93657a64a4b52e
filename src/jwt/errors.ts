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

/**
 * A token was refused. Actions turn it into `error_code` / `error_message`; it is never thrown to Bubble.
 * `options.cause` keeps the underlying error (jose's, a parser's) for a debugger; the actions return and
 * log only the code, the message and `logReason`.
 */
export class TokenError extends Error {
  override readonly name = "TokenError";
  constructor(
    readonly code: TokenErrorCode,
    message: string,
    /** What went wrong, for the builder's log line only, never returned to the workflow; never a value. */
    readonly logReason?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The log reason of a refusal caused by `error`: `what` and the error's class (and jose's `code`), never its
 * message, which may quote the input: "signature unreadable (JWSInvalid, ERR_JWS_INVALID)".
 */
export function reasonFrom(what: string, error: unknown): string {
  if (!(error instanceof Error)) return `${what} (${typeof error})`;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && /^[A-Z0-9_]{1,64}$/.test(code)
    ? `${what} (${error.name}, ${code})`
    : `${what} (${error.name})`;
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
    /** `cause`: the underlying error (node's key reader, a JSON parser); the actions never show it. */
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
