import type { Algorithm } from "./algorithms.js";
import { numericDate } from "./claims.js";
import { nowSeconds } from "./clock.js";
import { TokenError } from "./errors.js";
import { type IssuedTokens, issue } from "./generate.js";
import { signingKey } from "./keys/keyring.js";
import type { KeyMaterial } from "./keys/names.js";
import {
  ACCESS_TOKEN_TYPE,
  newSessionId,
  REFRESH_TOKEN_TYPE,
  successorJti,
  type TokenKind,
} from "./session.js";
import { newTokenId } from "./sign.js";
import type { JsonObject } from "./token.js";
import { isNonEmptyString } from "./values.js";
import { type VerifiedToken, verifyToken } from "./verify.js";

export interface RefreshOptions {
  readonly alg: Algorithm;
  readonly material: KeyMaterial;
  readonly expiresIn: number;
  /** Lifetime of the new refresh token, when a refresh token is presented. */
  readonly refreshExpiresIn: number;
  /** Accept a token that expired at most this many seconds ago. */
  readonly gracePeriod: number;
  /** The absolute limit of a login: refuse when `auth_time` (else `iat`) is older. */
  readonly maxSession: number;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
  readonly revokedIds?: readonly string[] | undefined;
}

export interface RefreshedTokens extends IssuedTokens {
  readonly previousJti?: string | undefined;
  readonly subject?: string | undefined;
  /** When the login happened (seconds). */
  readonly authTime: number;
}

/** What Refresh takes: a refresh token, or a token of the one-token flow; never an at+jwt access token. */
const REFRESHABLE: readonly TokenKind[] = ["refresh", "single"];

// Claims that belong to one token, not to the login: the new token gets its own.
const PER_TOKEN_CLAIMS = new Set(["iat", "exp", "nbf", "jti"]);

/**
 * Verifies the presented token (within `gracePeriod` after its expiry) and issues its replacement with
 * every claim carried over except `iat`, `exp`, `nbf` and `jti`; neither new token outlives the login
 * (`auth_time + maxSession`).
 * - A refresh token (refresh+jwt) is rotated: a new access token (at+jwt, random `jti`) and a new refresh
 *   token whose `jti` is the presented one's successor (see session.ts for why it is not random).
 * - A token of the one-token flow gets one new token of the same `typ`, as before sessions.
 * An at+jwt access token is refused (`wrong_token_type`): once a login has a refresh token, only it refreshes.
 */
export async function refreshToken(input: unknown, options: RefreshOptions): Promise<RefreshedTokens> {
  // The signing key first, so a key the builder must fix is reported whatever the token.
  const key = await signingKey(options.material, options.alg);
  const verified = await verifyToken(input, {
    ...options,
    expiryGrace: options.gracePeriod,
    acceptedKinds: REFRESHABLE,
  });
  const old = verified.claims;
  const now = nowSeconds();
  const authTime = numericDate(old, "auth_time") ?? numericDate(old, "iat");
  if (authTime === undefined) {
    throw new TokenError(
      "missing_claim",
      'The token has neither "auth_time" nor "iat", so its login age is unknown.',
    );
  }
  // A login cannot start later than now: a future auth_time would stretch the session past max_session.
  if (authTime > now) {
    throw new TokenError("not_yet_valid", 'The token claims a login in the future (its "auth_time").');
  }
  const sessionEnd = Math.floor(authTime + options.maxSession);
  const iat = Math.floor(now);
  const accessExp = Math.min(iat + options.expiresIn, sessionEnd);
  if (now >= sessionEnd || accessExp <= iat) {
    throw new TokenError("session_expired", "The login is older than the maximum session; sign in again.");
  }
  const previousJti = typeof old.jti === "string" ? old.jti : undefined;
  if (verified.kind === "refresh" && !isNonEmptyString(previousJti)) {
    throw new TokenError("missing_claim", 'The refresh token has no id ("jti" claim) to rotate.');
  }
  const carried = carriedClaims(old, authTime);
  const claimsFor = (exp: number, jti: string): JsonObject => ({ ...carried, iat, exp, jti });
  const kid = newKid(verified, key);
  const result = { previousJti, subject: typeof old.sub === "string" ? old.sub : undefined, authTime };
  if (verified.kind !== "refresh") {
    const typ = typeof verified.header.typ === "string" ? verified.header.typ : "JWT";
    const access = await issue(claimsFor(accessExp, newTokenId()), options.alg, key, { kid, typ });
    return { ...result, access };
  }
  const refreshExp = Math.min(iat + options.refreshExpiresIn, sessionEnd);
  const [access, refresh] = await Promise.all([
    issue(claimsFor(accessExp, newTokenId()), options.alg, key, { kid, typ: ACCESS_TOKEN_TYPE }),
    issue(claimsFor(refreshExp, successorJti(previousJti as string)), options.alg, key, {
      kid,
      typ: REFRESH_TOKEN_TYPE,
    }),
  ]);
  return { ...result, access, refresh };
}

/** The login's claims, for the new tokens: all but the per-token ones, with `auth_time` and a `sid`. */
function carriedClaims(old: JsonObject, authTime: number): JsonObject {
  const claims: JsonObject = {};
  for (const [name, value] of Object.entries(old)) {
    // defineProperty, not assignment: a claim named "__proto__" must be carried over as a claim.
    if (!PER_TOKEN_CLAIMS.has(name))
      Object.defineProperty(claims, name, { value, enumerable: true, writable: true, configurable: true });
  }
  claims.auth_time = authTime;
  // A token issued before sessions has no sid: from now on its login has one.
  if (claims.sid === undefined) claims.sid = newSessionId();
  return claims;
}

/**
 * When the signing key itself verified the token, its kid (perhaps one the builder chose at Generate)
 * still names that key; a token from another key (a rotation) gets the signing key's own kid.
 */
function newKid(verified: VerifiedToken, key: Awaited<ReturnType<typeof signingKey>>): string | undefined {
  const oldKid = typeof verified.header.kid === "string" ? verified.header.kid : undefined;
  const sameKey =
    key.thumbprint === undefined ? verified.currentKey : verified.key.thumbprint === key.thumbprint;
  return sameKey ? (oldKid ?? key.kid) : key.kid;
}
