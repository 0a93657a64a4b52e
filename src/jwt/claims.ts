import { nowSeconds } from "./clock.js";
import { TokenError } from "./errors.js";
import type { JsonObject } from "./token.js";

/** What a claims set must satisfy. Times are seconds; every bound is checked against one clock reading. */
export interface ClaimRules {
  /** Required `iss`, or a list of accepted ones (Google issues two spellings); unchecked when empty. */
  readonly issuer?: string | readonly string[] | undefined;
  /** Required `aud` (the token's `aud` string, or one element of its array); unchecked when empty. */
  readonly audience?: string | undefined;
  /** Leeway for `exp`, `nbf` and `iat`. */
  readonly clockTolerance?: number | undefined;
  /** Also accept a token that expired at most this long ago (Refresh's grace period). */
  readonly expiryGrace?: number | undefined;
  /** Reject when `iat` is older than this. */
  readonly maxAge?: number | undefined;
  readonly requiredClaims?: readonly string[] | undefined;
  readonly revokedIds?: readonly string[] | undefined;
}

/** Beyond this many seconds a time cannot become a JavaScript Date (±8.64e15 ms), and no honest token needs it. */
export const LARGEST_TIME = 8.64e12;

/**
 * Checks a verified claims set against the rules, throwing the TokenError of the first failure.
 * Call only after the signature has been verified: it trusts nothing before then.
 */
export function validateClaims(claims: JsonObject, rules: ClaimRules, now = nowSeconds()): void {
  const tolerance = rules.clockTolerance ?? 0;
  const exp = numericDate(claims, "exp");
  const nbf = numericDate(claims, "nbf");
  const iat = numericDate(claims, "iat");
  if (exp === undefined) throw new TokenError("missing_claim", 'The token has no expiry ("exp" claim).');
  if (now >= exp + tolerance + (rules.expiryGrace ?? 0))
    throw new TokenError("expired", "The token has expired.");
  if (nbf !== undefined && nbf > now + tolerance) {
    throw new TokenError("not_yet_valid", "The token is not valid yet (its nbf is in the future).");
  }
  if (iat !== undefined && iat > now + tolerance) {
    throw new TokenError("not_yet_valid", "The token claims to be issued in the future (its iat).");
  }
  if (rules.issuer?.length && !issuerMatches(claims.iss, rules.issuer)) {
    throw new TokenError("issuer_mismatch", "The token was issued by another issuer than the one required.");
  }
  if (rules.audience && !audienceIncludes(claims.aud, rules.audience)) {
    throw new TokenError(
      "audience_mismatch",
      "The token is meant for another audience than the one required.",
    );
  }
  for (const name of rules.requiredClaims ?? []) {
    // Own properties only: "constructor" or "__proto__" would otherwise be found on Object.prototype.
    if (!Object.hasOwn(claims, name) || claims[name] === undefined || claims[name] === null) {
      throw new TokenError("missing_claim", `The token lacks the required claim "${safeName(name)}".`);
    }
  }
  if (rules.maxAge !== undefined) {
    if (iat === undefined)
      throw new TokenError("missing_claim", 'The token has no issue time ("iat" claim) to check its age.');
    if (now - iat > rules.maxAge + tolerance)
      throw new TokenError("token_too_old", "The token was issued too long ago.");
  }
  if (rules.revokedIds?.length && typeof claims.jti === "string" && rules.revokedIds.includes(claims.jti)) {
    throw new TokenError("revoked", "The token has been revoked.");
  }
}

/** Reads a NumericDate claim (RFC 7519 §2): absent, or a finite number a Date can hold; else `malformed`. */
export function numericDate(
  claims: JsonObject,
  name: "exp" | "nbf" | "iat" | "auth_time",
): number | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || Math.abs(value) > LARGEST_TIME) {
    throw new TokenError("malformed", `The token's "${name}" claim is not a valid time in seconds.`);
  }
  return value;
}

function issuerMatches(iss: unknown, required: string | readonly string[]): boolean {
  return typeof required === "string" ? iss === required : typeof iss === "string" && required.includes(iss);
}

function audienceIncludes(aud: unknown, required: string): boolean {
  if (typeof aud === "string") return aud === required;
  return Array.isArray(aud) && aud.includes(required);
}

// Claim names come from the builder's required_claims field, not from the token; still keep messages tidy.
function safeName(name: string): string {
  return name.length > 64 ? `${name.slice(0, 61)}...` : name;
}
