import { type AsymmetricAlgorithm, EC_CURVES, keyTypeFor } from "../algorithms.js";

/**
 * The one rule for whether a JWK is a key for an algorithm, for keys pasted into the plugin keys and
 * keys a provider publishes alike: the key type and curve the algorithm signs with (RFC 7518), an
 * `alg` member that names it (RFC 9864 names Ed25519 signatures "Ed25519", the key EdDSA uses), a
 * `use` of signatures and `key_ops` holding a signature operation when present (RFC 7517 §4.2, §4.3).
 */
export function jwkFitsAlgorithm(jwk: Readonly<Record<string, unknown>>, alg: AsymmetricAlgorithm): boolean {
  if (jwk.kty !== keyTypeFor(alg)) return false;
  if (!jwkAlgAllows(jwk.alg, alg)) return false;
  if (jwk.use !== undefined && jwk.use !== "sig") return false;
  if (!keyOpsAllow(jwk.key_ops, ["sign", "verify"])) return false;
  if (jwk.kty === "EC") return jwk.crv === EC_CURVES[alg];
  if (jwk.kty === "OKP") return jwk.crv === "Ed25519";
  return true;
}

/**
 * A provider's published key must allow "verify" itself when it lists `key_ops`: the plugin only ever
 * verifies with it. A pasted key may hold either signature operation instead: a private JWK carries
 * `"key_ops": ["sign"]`, yet the plugin also verifies with its public half, which the builder put there
 * for that. The difference is only this; every other rule is jwkFitsAlgorithm's.
 */
export function publishedJwkFitsAlgorithm(
  jwk: Readonly<Record<string, unknown>>,
  alg: AsymmetricAlgorithm,
): boolean {
  return keyOpsAllow(jwk.key_ops, ["verify"]) && jwkFitsAlgorithm(jwk, alg);
}

/** Whether a JWK's `key_ops` (absent, or a list) holds one of `wanted`. */
export function keyOpsAllow(keyOps: unknown, wanted: readonly string[]): boolean {
  return keyOps === undefined || (Array.isArray(keyOps) && keyOps.some((op) => wanted.includes(op)));
}

/** Whether a JWK's `alg` member (absent, or the algorithm's name, or Ed25519 for EdDSA) allows `alg`. */
export function jwkAlgAllows(jwkAlg: unknown, alg: AsymmetricAlgorithm): boolean {
  return jwkAlg === undefined || jwkAlg === alg || (alg === "EdDSA" && jwkAlg === "Ed25519");
}

/**
 * An RSA public exponent that makes a signature scheme: odd and at least 3. With e = 1 a "signature"
 * is the padded message itself, which anyone can write; an even e is no RSA key. Keys from OpenSSL,
 * WebCrypto and every provider use 65537.
 */
export function isSoundRsaExponent(exponent: bigint | undefined): boolean {
  return exponent !== undefined && exponent >= 3n && exponent % 2n === 1n;
}
