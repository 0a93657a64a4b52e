import type { Algorithm } from "./algorithms.js";
import { numericDate } from "./claims.js";
import { TokenError } from "./errors.js";
import { type IssuedTokens, issue } from "./generate.js";
import { signingKey } from "./keys/keyring.js";
import type { KeyMaterial } from "./keys/names.js";
import { checkSeconds, GRACE_PERIOD, LIFETIME, MAX_SESSION, MOMENT } from "./limits.js";
import { carriedClaims, newKid, oldKeyRanOut, reissueLimit, sessionExpired } from "./reissue.js";
import type { TokenKind } from "./session.js";
import { newTokenId } from "./sign.js";
import { verifyToken } from "./verify.js";

export interface RefreshOptions {
  readonly alg: Algorithm;
  readonly material: KeyMaterial;
  readonly expiresIn: number;
  /** Accept a token that expired at most this many seconds ago. */
  readonly gracePeriod: number;
  /** The absolute limit of a login: refuse when `auth_time` (else `iat`) is older. */
  readonly maxSession: number;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
  readonly revokedIds?: readonly string[] | undefined;
  /** The time of the refresh, in seconds: every check and every new time is taken from this one reading. */
  readonly now: number;
}

export interface RefreshedTokens extends IssuedTokens {
  readonly previousJti?: string | undefined;
  readonly subject?: string | undefined;
  /** When the login happened (seconds). */
  readonly authTime: number;
  /**
   * Until when the presented token could still be accepted (its `exp` plus the grace period, seconds):
   * how long the revoked-list row that retires it must live, so it cannot be refreshed a second time.
   */
  readonly revokeUntil: number;
}

/**
 * What Refresh takes: a token of the one-token flow only. A session's refresh token (refresh+jwt) is
 * rotated by the session decision, which knows the Session row; refreshed here, it would outlive a logout
 * or a detected reuse. A session's access token (at+jwt) is never refreshed at all.
 */
const REFRESHABLE: readonly TokenKind[] = ["single"];

/**
 * Verifies a token of the one-token flow (within `gracePeriod` after its expiry) and issues one new token
 * of the same `typ`, with every claim carried over except `iat`, `exp`, `nbf` and `jti`. The new token
 * never outlives the login (`auth_time + maxSession`), nor, when only an older key verified the presented
 * token, the presented token itself. Refresh and access tokens of a session are refused (`wrong_token_type`).
 */
export async function refreshToken(input: unknown, options: RefreshOptions): Promise<RefreshedTokens> {
  // Every number first, so a NaN or an infinity is refused before it can stretch a lifetime or a limit.
  const now = checkSeconds("now", options.now, MOMENT);
  const expiresIn = checkSeconds("expiresIn", options.expiresIn, LIFETIME);
  const gracePeriod = checkSeconds("gracePeriod", options.gracePeriod, GRACE_PERIOD);
  const maxSession = checkSeconds("maxSession", options.maxSession, MAX_SESSION);
  // The signing key next, so a key the builder must fix is reported whatever the token.
  const key = await signingKey(options.material, options.alg);
  const verified = await verifyToken(input, { ...options, acceptedKinds: REFRESHABLE });
  const old = verified.claims;
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
  const sessionEnd = Math.floor(authTime + maxSession);
  const iat = Math.floor(now);
  if (now >= sessionEnd) throw sessionExpired();
  const limit = reissueLimit(verified, key, sessionEnd);
  const exp = Math.min(iat + expiresIn, limit);
  if (exp <= iat) throw limit < sessionEnd ? oldKeyRanOut() : sessionExpired();
  const typ = typeof verified.header.typ === "string" ? verified.header.typ : "JWT";
  const claims = { ...carriedClaims(old, authTime), iat, exp, jti: newTokenId() };
  const access = await issue(claims, options.alg, key, { kid: newKid(verified, key), typ });
  return {
    access,
    previousJti: typeof old.jti === "string" ? old.jti : undefined,
    subject: typeof old.sub === "string" ? old.sub : undefined,
    authTime,
    revokeUntil: (old.exp as number) + gracePeriod,
  };
}
