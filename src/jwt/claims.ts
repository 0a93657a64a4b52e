import { nowSeconds } from "./clock.js";
import { TokenError } from "./errors.js";
import {
  CLOCK_TOLERANCE,
  checkOptionalSeconds,
  checkSeconds,
  GRACE_PERIOD,
  LARGEST_TIME,
  MAX_AGE,
  MOMENT,
} from "./limits.js";
import type { JsonObject } from "./token.js";

/** What a claims set must satisfy. Times are seconds; every bound is checked against one clock reading. */
export interface ClaimRules {
  /** Required `iss`, or a list of accepted ones (Google issues two spellings); unchecked when empty. */
  readonly issuer?: string | readonly string[] | undefined;
  /** Required `aud` (the token's `aud` string, or one element of its array); unchecked when empty. */
  readonly audience?: string | undefined;
  /** Leeway for `exp`, `nbf` and `iat` (limits.ts: CLOCK_TOLERANCE). */
  readonly clockTolerance?: number | undefined;
  /** Also accept a token that expired at most this long ago: Refresh's grace period (limits.ts: GRACE_PERIOD). */
  readonly gracePeriod?: number | undefined;
  /** Reject when `iat` is older than this (limits.ts: MAX_AGE). */
  readonly maxAge?: number | undefined;
  readonly requiredClaims?: readonly string[] | undefined;
  readonly revokedIds?: readonly string[] | undefined;
}

export { LARGEST_TIME } from "./limits.js";

/** The numbers of a ClaimRules, checked: absent ones as their defaults. */
export interface CheckedTimes {
  readonly tolerance: number;
  readonly grace: number;
  readonly maxAge: number | undefined;
}

/**
 * Checks the numbers of `rules` (finite, in their limits.ts range) and returns them with their defaults;
 * throws a `field_out_of_range` ConfigError naming the option otherwise, so a NaN or negative leeway can
 * never widen what is accepted.
 *
 * @throws {ConfigError} `field_out_of_range` for a clockTolerance, gracePeriod or maxAge
 * that is not a number in its range.
 * @example
 * checkClaimTimes({ clockTolerance: 30 }); // { tolerance: 30, grace: 0, maxAge: undefined }
 */
export function checkClaimTimes(rules: ClaimRules): CheckedTimes {
  const tolerance = checkSeconds("clockTolerance", rules.clockTolerance ?? 0, CLOCK_TOLERANCE);
  const grace = checkSeconds("gracePeriod", rules.gracePeriod ?? 0, GRACE_PERIOD);
  return { tolerance, grace, maxAge: checkOptionalSeconds("maxAge", rules.maxAge, MAX_AGE) };
}

/**
 * Checks a verified claims set against the rules at `now` (seconds), throwing the TokenError of the first
 * failure. Call only after the signature has been verified: it trusts nothing before then.
 *
 * @throws {TokenError} `missing_claim`, `expired`, `not_yet_valid`, `issuer_mismatch`, `audience_mismatch`,
 * `token_too_old`, `revoked`, or `malformed` (a time or `jti` of the wrong type).
 * @throws {ConfigError} `field_out_of_range` for a number of `rules` or a `now` out of range (checkClaimTimes).
 * @example
 * validateClaims(claims, { issuer: "my-app", clockTolerance: 30 }, Date.now() / 1000);
 */
export function validateClaims(claims: JsonObject, rules: ClaimRules, now = nowSeconds()): void {
  const { tolerance, grace, maxAge } = checkClaimTimes(rules);
  checkSeconds("now", now, MOMENT);
  const exp = numericDate(claims, "exp");
  const nbf = numericDate(claims, "nbf");
  const iat = numericDate(claims, "iat");
  if (exp === undefined) throw new TokenError("missing_claim", 'The token has no expiry ("exp" claim).');
  if (now >= exp + tolerance + grace) throw new TokenError("expired", "The token has expired.");
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
  if (maxAge !== undefined) {
    if (iat === undefined)
      throw new TokenError("missing_claim", 'The token has no issue time ("iat" claim) to check its age.');
    if (now - iat > maxAge + tolerance)
      throw new TokenError("token_too_old", "The token was issued too long ago.");
  }
  // RFC 7519 §4.1.7: a jti is text. Any other kind could never match revoked_ids, so it is refused
  // rather than let through unrevokable.
  if (claims.jti !== undefined && typeof claims.jti !== "string") {
    throw new TokenError("malformed", 'The token\'s id ("jti" claim) is not text.');
  }
  if (rules.revokedIds?.length && typeof claims.jti === "string" && rules.revokedIds.includes(claims.jti)) {
    throw new TokenError("revoked", "The token has been revoked.");
  }
}

/**
 * Reads a NumericDate claim (RFC 7519 §2): absent, or a finite number a Date can hold; else `malformed`.
 *
 * @throws {TokenError} `malformed` when the claim is present but not such a number.
 * @example
 * numericDate({ exp: 1700000000 }, "exp"); // 1700000000
 */
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
