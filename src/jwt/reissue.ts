import { TokenError } from "./errors.js";
import type { signingKey } from "./keys/keyring.js";
import { newSessionId } from "./session.js";
import type { JsonObject } from "./token.js";
import type { VerifiedToken } from "./verify.js";

/**
 * What Refresh and the session decision share when they re-sign a verified token into new ones: the
 * claims carried over, the `kid` to write, and the latest the new tokens may expire.
 */

// Claims that belong to one token, not to the login: each new token gets its own.
const PER_TOKEN_CLAIMS = new Set(["iat", "exp", "nbf", "jti"]);

/** The login's claims, for the new tokens: all but the per-token ones, with `auth_time` and a `sid`. */
export function carriedClaims(old: JsonObject, authTime: number): JsonObject {
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

type SigningKey = Awaited<ReturnType<typeof signingKey>>;

/**
 * Whether the key that signs the new tokens is the one that verified the presented token: for a secret,
 * `JWT Secret` rather than `Previous JWT Secret`; for a key pair, the same public key (RFC 7638 thumbprint).
 */
function verifiedBySigningKey(verified: VerifiedToken, key: SigningKey): boolean {
  return key.thumbprint === undefined ? verified.currentKey : verified.key.thumbprint === key.thumbprint;
}

/**
 * When the signing key itself verified the token, its kid (perhaps one the builder chose at Generate)
 * still names that key; a token from another key (a rotation) gets the signing key's own kid.
 */
export function newKid(verified: VerifiedToken, key: SigningKey): string | undefined {
  const oldKid = typeof verified.header.kid === "string" ? verified.header.kid : undefined;
  return verifiedBySigningKey(verified, key) ? (oldKid ?? key.kid) : key.kid;
}

/**
 * The latest a token re-signed from `verified` may expire: the login's end and, when another key than the
 * signing key verified it (`Previous JWT Secret`, an older key of a JWKS), the presented token's own `exp`.
 * An old key is kept only to let the tokens it signed run out: if it leaked, a token forged with it must
 * not become a current token that outlives it.
 */
export function reissueLimit(verified: VerifiedToken, key: SigningKey, sessionEnd: number): number {
  if (verifiedBySigningKey(verified, key)) return sessionEnd;
  return Math.min(sessionEnd, Math.floor(verified.claims.exp as number));
}

export function sessionExpired(): TokenError {
  return new TokenError("session_expired", "The login is older than the maximum session; sign in again.");
}

/** A token only an older key verified, at the end of its own life: it cannot be renewed (see reissueLimit). */
export function oldKeyRanOut(): TokenError {
  return new TokenError(
    "expired",
    "The token was signed with an earlier key and its time is up, so it cannot be renewed; sign in again.",
    "signed by an earlier key (Previous JWT Secret): renewals end at the presented token's exp",
  );
}
