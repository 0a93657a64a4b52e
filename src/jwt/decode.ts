import { numericDate } from "./claims.js";
import { nowSeconds } from "./clock.js";
import { checkSeconds, MOMENT } from "./limits.js";
import { decodeJsonObjectPart, type JsonObject, parseToken } from "./token.js";

export interface DecodedToken {
  readonly header: JsonObject;
  readonly claims: JsonObject;
  /** Whether its `exp` has passed at the moment asked (false without an `exp`): a hint, like all of it. */
  readonly expired: boolean;
}

/**
 * Reads a token's header and claims WITHOUT checking its signature: for debugging, and for reading the
 * header before choosing a key. Nothing it returns may be trusted.
 *
 * @param now The moment `expired` is judged at, in seconds since the epoch; the clock's when absent.
 * @throws {TokenError} parseToken's codes, or `malformed` for a claims set that is no JSON object or has an
 * `exp`, `nbf` or `iat` that is not a time.
 * @throws {ConfigError} `field_out_of_range` for a `now` that is not a time.
 * @example
 * const { claims, expired } = decodeToken(`Bearer ${token}`);
 */
export function decodeToken(input: unknown, now: number = nowSeconds()): DecodedToken {
  checkSeconds("now", now, MOMENT);
  const { header, payloadPart } = parseToken(input);
  const claims = decodeJsonObjectPart(payloadPart, "claims set");
  const [exp] = (["exp", "nbf", "iat"] as const).map((name) => numericDate(claims, name));
  return { header, claims, expired: exp !== undefined && now >= exp };
}
