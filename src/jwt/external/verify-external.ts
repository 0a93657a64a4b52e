import type { AsymmetricAlgorithm } from "../algorithms.js";
import { validateClaims } from "../claims.js";
import { nowSeconds } from "../clock.js";
import { TokenError } from "../errors.js";
import { checkTokenKind } from "../session.js";
import { type JsonObject, parseToken } from "../token.js";
import { ACCESS_KINDS, checkHeader, verifySignature } from "../verify.js";
import type { NetworkAccess } from "./fetch.js";
import { JwksCache } from "./jwks-cache.js";
import { type Provider, type ProviderSettings, resolveProvider } from "./presets.js";

export interface ExternalVerifyOptions extends ProviderSettings {
  /** Leeway for `exp`, `nbf`, `iat` (and Firebase's `auth_time`), in seconds. */
  readonly clockTolerance: number;
  /** Reject when `iat` is older than this many seconds. */
  readonly maxAge?: number | undefined;
  readonly requiredClaims?: readonly string[] | undefined;
  /**
   * How the keys may be downloaded. Bubble's runtime always gets the defaults (https, public addresses,
   * real timers); the local backend and tests reach loopback JWKS servers with `loopbackHttp`.
   */
  readonly network?: NetworkAccess | undefined;
}

export interface ExternalVerifiedToken {
  readonly header: JsonObject;
  readonly claims: JsonObject;
  readonly provider: Provider;
}

// One cache for the whole runtime: the bundle is evaluated once per warm runtime, so keys fetched by
// one call serve the next ones.
const sharedCache = new JwksCache();

/**
 * Verifies an ID token issued by another identity provider against the keys it publishes (JWKS): the
 * configuration first (ConfigError), then the header, the published key, the signature and the claims
 * (TokenError with the contract's code). The token's own `jku`, `x5u`, `x5c` and `jwk` headers are
 * never used: keys come from the configured JWKS URL only.
 *
 * @example
 * const { claims } = await verifyExternalToken(idToken, { provider: "Firebase", project: "my-app-123", clockTolerance: 30 });
 */
export async function verifyExternalToken(
  input: unknown,
  options: ExternalVerifyOptions,
  cache: JwksCache = sharedCache,
): Promise<ExternalVerifiedToken> {
  const resolved = resolveProvider(options, options.network?.loopbackHttp === true);
  const parsed = parseToken(input);
  const alg = allowedAlgorithm(parsed.header.alg, resolved.algorithms);
  checkHeader(parsed.header, alg);
  const kid = parsed.header.kid;
  if (kid !== undefined && typeof kid !== "string") {
    throw new TokenError("malformed", "The token's key id (kid header) is not text.");
  }
  const keys = await cache.keysFor(resolved.jwksUrl, kid, alg, options.network);
  const { claims } = await verifySignature(parsed, keys, alg);
  // An ID token or access token, never a refresh token (RFC 8725 §3.11), even one the provider signed.
  checkTokenKind(parsed.header, ACCESS_KINDS);
  const now = nowSeconds();
  validateClaims(
    claims,
    {
      issuer: resolved.issuers,
      audience: resolved.audience,
      clockTolerance: options.clockTolerance,
      maxAge: options.maxAge,
      requiredClaims: options.requiredClaims,
    },
    now,
  );
  resolved.checkClaims?.(claims, now, options.clockTolerance);
  return { header: parsed.header, claims, provider: resolved.provider };
}

/** The header's `alg` when it is one the provider allows; `none` and every HS* never are. */
function allowedAlgorithm(alg: unknown, allowed: readonly AsymmetricAlgorithm[]): AsymmetricAlgorithm {
  const match = allowed.find((name) => name === alg);
  if (!match) {
    throw new TokenError(
      "algorithm_not_allowed",
      `The token is not signed with an algorithm this action accepts (${allowed.join(", ")}).`,
    );
  }
  return match;
}
