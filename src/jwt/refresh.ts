import type { Algorithm } from "./algorithms.js";
import { numericDate } from "./claims.js";
import { nowSeconds } from "./clock.js";
import { TokenError } from "./errors.js";
import { type IssuedToken, issue } from "./generate.js";
import { signingKey } from "./keys/keyring.js";
import type { KeyMaterial } from "./keys/names.js";
import { newTokenId } from "./sign.js";
import type { JsonObject } from "./token.js";
import { verifyToken } from "./verify.js";

export interface RefreshOptions {
  readonly alg: Algorithm;
  readonly keys: KeyMaterial;
  readonly expiresIn: number;
  /** Accept a token that expired at most this many seconds ago. */
  readonly gracePeriod: number;
  /** The absolute limit of a login: refuse when `auth_time` (else `iat`) is older. */
  readonly maxSession: number;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
  readonly revokedIds?: readonly string[] | undefined;
}

export interface RefreshedToken extends IssuedToken {
  readonly previousJti?: string | undefined;
  readonly subject?: string | undefined;
}

// Claims that belong to one token, not to the login: the new token gets its own.
const PER_TOKEN_CLAIMS = new Set(["iat", "exp", "nbf", "jti"]);

/**
 * Verifies the current token (within `gracePeriod` after its expiry) and issues a new one with every
 * claim carried over except `iat`, `exp`, `nbf` and `jti`. The new token never outlives the login:
 * its `exp` is at most `auth_time + maxSession`.
 */
export async function refreshToken(input: unknown, options: RefreshOptions): Promise<RefreshedToken> {
  // The signing key first, so a key the builder must fix is reported whatever the token.
  const key = await signingKey(options.keys, options.alg);
  const verified = await verifyToken(input, { ...options, expiryGrace: options.gracePeriod });
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
  const sessionEnd = authTime + options.maxSession;
  const iat = Math.floor(now);
  const exp = Math.min(iat + options.expiresIn, Math.floor(sessionEnd));
  if (now >= sessionEnd || exp <= iat) {
    throw new TokenError("session_expired", "The login is older than the maximum session; sign in again.");
  }
  const claims: JsonObject = {};
  for (const [name, value] of Object.entries(old)) {
    // defineProperty, not assignment: a claim named "__proto__" must be carried over as a claim.
    if (!PER_TOKEN_CLAIMS.has(name))
      Object.defineProperty(claims, name, { value, enumerable: true, writable: true, configurable: true });
  }
  claims.auth_time = authTime;
  claims.iat = iat;
  claims.exp = exp;
  claims.jti = newTokenId();
  const oldKid = typeof verified.header.kid === "string" ? verified.header.kid : undefined;
  const oldTyp = typeof verified.header.typ === "string" ? verified.header.typ : undefined;
  // When the signing key itself verified the token, its kid (perhaps one the builder chose at Generate)
  // still names that key; a token from another key (a rotation) gets the signing key's own kid.
  const sameKey =
    key.thumbprint === undefined ? verified.currentKey : verified.key.thumbprint === key.thumbprint;
  const kid = sameKey ? (oldKid ?? key.kid) : key.kid;
  const issued = await issue(claims, options.alg, key, { kid, typ: oldTyp ?? "JWT" });
  return {
    ...issued,
    previousJti: typeof old.jti === "string" ? old.jti : undefined,
    subject: typeof old.sub === "string" ? old.sub : undefined,
  };
}
