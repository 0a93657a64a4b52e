import { compactVerify } from "jose";
import { JWSSignatureVerificationFailed } from "jose/errors";
import type { Algorithm } from "./algorithms.js";
import { type ClaimRules, checkClaimTimes, validateClaims } from "./claims.js";
import { nowSeconds } from "./clock.js";
import { reasonFrom, TokenError } from "./errors.js";
import { type ReadyKey, verificationKeys } from "./keys/keyring.js";
import type { KeyMaterial } from "./keys/names.js";
import { checkSeconds, MOMENT } from "./limits.js";
import { checkTokenKind, type TokenKind } from "./session.js";
import { type JsonObject, type ParsedToken, parseJsonObjectBytes, parseToken } from "./token.js";

export interface VerifyOptions extends ClaimRules {
  /** The one algorithm accepted: a token whose header says otherwise is refused before any key is tried. */
  readonly alg: Algorithm;
  readonly material: KeyMaterial;
  /** The kinds of token taken (see session.ts); by default access tokens of either flow, never a refresh token. */
  readonly acceptedKinds?: readonly TokenKind[] | undefined;
  /** The time the claims are checked at, in seconds since the epoch; the clock's when absent. */
  readonly now?: number | undefined;
}

/** What Verify takes: an access token, paired (at+jwt) or of the one-token flow; a refresh token never. */
export const ACCESS_KINDS: readonly TokenKind[] = ["paired-access", "single"];

export interface VerifiedToken {
  readonly header: JsonObject;
  readonly claims: JsonObject;
  /** The key whose signature matched, and whether it is the current one (not `Previous JWT Secret`). */
  readonly key: ReadyKey;
  readonly currentKey: boolean;
  readonly kind: TokenKind;
}

/**
 * Verifies a token in two plain steps, the signature and then the claims, and trusts nothing in the
 * claims before the signature holds.
 *
 * @throws {TokenError} the contract's code for a bad token (parseToken's, `algorithm_not_allowed`,
 * `invalid_signature`, `wrong_token_type`, validateClaims's).
 * @throws {ConfigError} when the plugin keys cannot verify anything, or a number of the options
 * (clockTolerance, gracePeriod, maxAge, now) is out of range, whatever the token.
 * @example
 * const { claims } = await verifyToken(`Bearer ${token}`, { alg: "HS256", material: { secret }, issuer: "my-app" });
 */
export async function verifyToken(input: unknown, options: VerifyOptions): Promise<VerifiedToken> {
  // The options and keys first: what the builder must fix is reported whatever the token.
  checkClaimTimes(options);
  const now = checkSeconds("now", options.now ?? nowSeconds(), MOMENT);
  const readyKeys = await verificationKeys(options.material, options.alg);
  const parsed = parseToken(input);
  checkHeader(parsed.header, options.alg);
  const { claims, key } = await verifySignature(parsed, readyKeys, options.alg);
  // After the signature, so a forged token is invalid_signature whatever its typ says.
  const kind = checkTokenKind(parsed.header, options.acceptedKinds ?? ACCESS_KINDS);
  validateClaims(claims, options, now);
  return { header: parsed.header, claims, key, currentKey: key === readyKeys[0], kind };
}

/**
 * Header rules that hold before any key is tried (RFC 8725 §3.1, §3.2).
 *
 * @throws {TokenError} `algorithm_not_allowed` when `alg` is not the header's, `malformed` for `crit` or `b64`.
 * @example
 * checkHeader(parseToken(token).header, "HS256");
 */
export function checkHeader(header: JsonObject, alg: Algorithm): void {
  if (header.alg !== alg) {
    throw new TokenError(
      "algorithm_not_allowed",
      `The token is not signed with ${alg}, the only algorithm this action accepts.`,
    );
  }
  // No JWS extension is supported, so a critical one (RFC 7515 §4.1.11) or unencoded payload (RFC 7797) is refused.
  if (header.crit !== undefined || header.b64 !== undefined) {
    throw new TokenError("malformed", "The token uses a JWS extension (crit or b64) that is not supported.");
  }
}

/**
 * Tries the candidate keys, those whose `kid` matches the token's first, and returns the claims of the
 * first signature that verifies. The token's own `jwk`, `jku`, `x5u` and `x5c` headers are never used.
 * jose is told the one algorithm too: a second line of defence behind checkHeader.
 *
 * @throws {TokenError} `invalid_signature` when no key verifies it; `malformed` when jose cannot read the
 * signature (its error kept as the cause and named in the log reason) or the claims set is no JSON object.
 * @example
 * const { claims, key } = await verifySignature(parseToken(token), await verificationKeys(material, "HS256"), "HS256");
 */
export async function verifySignature(
  parsed: ParsedToken,
  keys: readonly ReadyKey[],
  alg: Algorithm,
): Promise<{ claims: JsonObject; key: ReadyKey }> {
  for (const key of candidates(keys, parsed.header.kid)) {
    let payload: Uint8Array;
    try {
      ({ payload } = await compactVerify(parsed.compact, key.key, { algorithms: [alg] }));
    } catch (error) {
      if (error instanceof JWSSignatureVerificationFailed) continue;
      throw new TokenError(
        "malformed",
        "The token's signature could not be read.",
        reasonFrom("signature unreadable", error),
        { cause: error },
      );
    }
    return { claims: parseJsonObjectBytes(payload, "claims set"), key };
  }
  throw new TokenError("invalid_signature", "The token's signature does not match any configured key.");
}

function candidates(keys: readonly ReadyKey[], kid: unknown): readonly ReadyKey[] {
  if (typeof kid !== "string" || keys.length < 2) return keys;
  const matching = keys.filter((key) => key.kid === kid);
  return matching.length > 0 ? matching : keys;
}
