import { type AsymmetricAlgorithm, EC_CURVES, keyTypeFor } from "../algorithms.js";

/**
 * The one rule for whether a JWK is a key for an algorithm, for keys pasted into the plugin keys and
 * keys a provider publishes alike: the key type and curve the algorithm signs with (RFC 7518), an
 * `alg` member that names it (RFC 9864 names Ed25519 signatures "Ed25519", the key EdDSA uses), and a
 * `use` of signatures when present (RFC 7517 §4.2).
 */
export function jwkFitsAlgorithm(jwk: Readonly<Record<string, unknown>>, alg: AsymmetricAlgorithm): boolean {
  if (jwk.kty !== keyTypeFor(alg)) return false;
  if (!jwkAlgAllows(jwk.alg, alg)) return false;
  if (jwk.use !== undefined && jwk.use !== "sig") return false;
  if (jwk.kty === "EC") return jwk.crv === EC_CURVES[alg];
  if (jwk.kty === "OKP") return jwk.crv === "Ed25519";
  return true;
}

/**
 * A provider's published key must also allow verifying when it lists `key_ops` (RFC 7517 §4.3). Keys
 * pasted into the plugin keys are not held to it: a private JWK carries `"key_ops": ["sign"]`, yet the
 * plugin verifies with its public half, which the builder put there for that.
 */
export function publishedJwkFitsAlgorithm(
  jwk: Readonly<Record<string, unknown>>,
  alg: AsymmetricAlgorithm,
): boolean {
  const ops = jwk.key_ops;
  if (ops !== undefined && !(Array.isArray(ops) && ops.includes("verify"))) return false;
  return jwkFitsAlgorithm(jwk, alg);
}

/** Whether a JWK's `alg` member (absent, or the algorithm's name, or Ed25519 for EdDSA) allows `alg`. */
export function jwkAlgAllows(jwkAlg: unknown, alg: AsymmetricAlgorithm): boolean {
  return jwkAlg === undefined || jwkAlg === alg || (alg === "EdDSA" && jwkAlg === "Ed25519");
}
