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
    /** What went wrong, for the builder's log line only, never returned to the workflow; never a value. */
    readonly logReason?: string,
  ) {
    super(message);
  }
}

/**
 * The kinds of configuration problem (the README's list), one code each so a builder can search the
 * server logs for it: `JWT plugin (weak_key): …` in the stopped workflow, `configuration_error:weak_key`
 * in the action's log line.
 */
export const CONFIG_ERROR_CODES = [
  /** A plugin key the action needs is empty. */
  "missing_key",
  /** A secret or key that would let others forge tokens: too short, a placeholder, too little variety, RSA too small. */
  "weak_key",
  /** A plugin key that cannot be read: not PEM, JWK or JSON, cut short, or protected by a passphrase. */
  "unreadable_key",
  /** A readable key of the wrong kind for the algorithm: public for private, another curve or algorithm, a JWKS. */
  "wrong_key_kind",
  /** A field the action (or the chosen provider) needs is empty. */
  "missing_field",
  /** A number field outside its range. */
  "field_out_of_range",
  /** A field's value is of the wrong form: not yes or no, not one of the choices, not JSON, not a list. */
  "invalid_field",
  /** A URL or host field of the wrong form: not https, a path or credentials in it, a private address. */
  "invalid_url",
  /** Two fields that cannot be set together. */
  "conflicting_fields",
  /** A claim the plugin sets itself, set in claims or claims_json. */
  "reserved_claim",
  /** A claim set twice, or without a name. */
  "duplicate_claim",
  /** The claims would make a token longer than Verify accepts. */
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
