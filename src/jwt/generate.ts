import type { Algorithm } from "./algorithms.js";
import { nowSeconds } from "./clock.js";
import { ConfigError } from "./errors.js";
import { type ReadyKey, signingKey } from "./keys/keyring.js";
import type { KeyMaterial } from "./keys/names.js";
import { checkOptionalSeconds, checkSeconds, LIFETIME, MOMENT, REFRESH_LIFETIME } from "./limits.js";
import { ACCESS_TOKEN_TYPE, newSessionId, REFRESH_TOKEN_TYPE, tokenKind } from "./session.js";
import { newTokenId, signClaims } from "./sign.js";
import { type JsonObject, MAX_TOKEN_LENGTH } from "./token.js";

/** Claims the plugin sets itself; `claims` / `claims_json` may not set them (no silent overwrite). */
export const RESERVED_CLAIMS = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "auth_time"] as const;

/** The longest lifetime Generate and Refresh accept (limits.ts: LIFETIME). */
export const MAX_LIFETIME_SECONDS = LIFETIME.max;

export interface GenerateOptions {
  readonly alg: Algorithm;
  readonly material: KeyMaterial;
  readonly subject: string;
  readonly email?: string | undefined;
  /** Lifetime in whole seconds (limits.ts: LIFETIME). */
  readonly expiresIn: number;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
  /** Extra claims, already merged from the builder's fields. */
  readonly extraClaims?: JsonObject | undefined;
  readonly keyId?: string | undefined;
  /** The one-token flow's `typ`; not with `refreshExpiresIn`, whose tokens are typed at+jwt and refresh+jwt. */
  readonly tokenType?: string | undefined;
  /** The session's `sid`; a new random one when empty. */
  readonly sessionId?: string | undefined;
  /**
   * When given, also issue a refresh token living this many whole seconds (limits.ts: REFRESH_LIFETIME),
   * and type the access token at+jwt.
   */
  readonly refreshExpiresIn?: number | undefined;
  /** The login's time, in seconds since the epoch (`iat` is its whole second); the clock's when absent. */
  readonly now?: number | undefined;
}

export interface IssuedToken {
  readonly token: string;
  readonly claims: JsonObject;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly expiresIn: number;
  readonly jti: string;
  readonly kid?: string | undefined;
}

/** What Generate and Refresh issue: the token (the access token of a session), and its refresh token if any. */
export interface IssuedTokens {
  readonly access: IssuedToken;
  readonly refresh?: IssuedToken | undefined;
}

/**
 * Issues the tokens of a login: `sub`, `iat`, `exp`, a random `jti`, `auth_time` (= `iat`: this is a
 * login), `sid`, and `iss`, `aud`, `email` and extra claims when given. With `refreshExpiresIn`, a refresh
 * token (`typ` refresh+jwt) with the same claims but its own `jti` and `exp`, and the access token typed at+jwt.
 *
 * @throws {ConfigError} `field_out_of_range` for an expiresIn, refreshExpiresIn or now out of range; the
 * keyring's codes for a signing key that is missing, weak or does not fit `alg`; `reserved_claim` for an
 * extra claim the plugin sets; `conflicting_fields` for a tokenType that contradicts the flow;
 * `claims_too_large` for a token longer than Verify accepts.
 * @example
 * const { access } = await generateToken({ alg: "HS256", material: { secret }, subject: "user-1", expiresIn: 3600 });
 */
export async function generateToken(options: GenerateOptions): Promise<IssuedTokens> {
  const expiresIn = checkSeconds("expiresIn", options.expiresIn, LIFETIME);
  const refreshExpiresIn = checkOptionalSeconds(
    "refreshExpiresIn",
    options.refreshExpiresIn,
    REFRESH_LIFETIME,
  );
  const now = checkSeconds("now", options.now ?? nowSeconds(), MOMENT);
  const key = await signingKey(options.material, options.alg);
  const extra = options.extraClaims ?? {};
  for (const name of Object.keys(extra)) {
    if ((RESERVED_CLAIMS as readonly string[]).includes(name)) {
      throw new ConfigError(
        "reserved_claim",
        `The claim "${name}" is set by the plugin; remove it from claims and claims_json.`,
      );
    }
    if (name === "sid") {
      throw new ConfigError(
        "reserved_claim",
        'The claim "sid" is set by the session_id field; remove it from claims and claims_json.',
      );
    }
    if (name === "email" && options.email) {
      throw new ConfigError(
        "reserved_claim",
        'The claim "email" is set by the email field; remove it from claims and claims_json.',
      );
    }
  }
  const paired = refreshExpiresIn !== undefined;
  const typ = accessTokenType(options.tokenType, paired);
  const iat = Math.floor(now);
  const sid = options.sessionId || newSessionId();
  const claimsFor = (lifetime: number): JsonObject => {
    const registered: JsonObject = { sub: options.subject };
    if (options.email) registered.email = options.email;
    if (options.issuer) registered.iss = options.issuer;
    if (options.audience) registered.aud = options.audience;
    registered.iat = iat;
    registered.exp = iat + lifetime;
    registered.auth_time = iat;
    registered.sid = sid;
    registered.jti = newTokenId();
    // Spread defines each extra claim as an own property (no setter runs), so "__proto__" stays a plain claim.
    return { ...registered, ...extra };
  };
  const kid = options.keyId || key.kid;
  const access = await issue(claimsFor(expiresIn), options.alg, key, { kid, typ });
  if (refreshExpiresIn === undefined) return { access };
  const refresh = await issue(claimsFor(refreshExpiresIn), options.alg, key, {
    kid,
    typ: REFRESH_TOKEN_TYPE,
  });
  return { access, refresh };
}

/** The access token's `typ`: at+jwt beside a refresh token, else the builder's `token_type` or JWT. */
function accessTokenType(tokenType: string | undefined, paired: boolean): string {
  if (paired) {
    if (tokenType) {
      throw new ConfigError(
        "conflicting_fields",
        "The token_type field cannot be set together with issue_refresh_token: a session's tokens are typed at+jwt and refresh+jwt; clear token_type.",
      );
    }
    return ACCESS_TOKEN_TYPE;
  }
  if (!tokenType) return "JWT";
  // Every action reads typ by one grammar (session.ts): a type it would refuse must never be signed.
  const kind = tokenKind({ typ: tokenType });
  if (kind === undefined) {
    throw new ConfigError(
      "invalid_field",
      "The token_type field must be one media type such as JWT or application/jwt: letters, digits and !#$&^_.+- only, no spaces, parameters (;) or second slash.",
    );
  }
  // A refresh token is issued beside its access token or not at all; at+jwt alone is a legitimate
  // access token for a resource server that asks for it (RFC 9068), which Refresh will not renew.
  if (kind === "refresh") {
    throw new ConfigError(
      "conflicting_fields",
      "The token_type field names the refresh token type; tick issue_refresh_token instead, or choose another type.",
    );
  }
  return tokenType;
}
/**
 * Signs a complete claims set (its `iat`, `exp` and `jti` set by the caller: no clock is read here) and
 * reports what the actions return. Shared by Generate and Refresh.
 *
 * @throws {ConfigError} `claims_too_large` when the token would be longer than Verify accepts.
 * @example
 * const issued = await issue({ sub: "u", iat, exp: iat + 600, jti: newTokenId() }, "HS256", key, { typ: "JWT" });
 */
export async function issue(
  claims: JsonObject,
  alg: Algorithm,
  key: ReadyKey,
  header: { kid?: string | undefined; typ?: string | undefined },
): Promise<IssuedToken> {
  const token = await signClaims(claims, alg, key, header);
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new ConfigError(
      "claims_too_large",
      `The token would be ${token.length} characters, over the ${MAX_TOKEN_LENGTH} that Verify accepts; put fewer claims in claims and claims_json.`,
    );
  }
  const issuedAt = claims.iat as number;
  const expiresAt = claims.exp as number;
  return {
    token,
    claims,
    issuedAt,
    expiresAt,
    expiresIn: expiresAt - issuedAt,
    jti: claims.jti as string,
    kid: header.kid,
  };
}
