/** Every algorithm an action can be set to (the contract's `algorithm` Dropdown, in its order). */
export const ALGORITHMS = [
  "HS256",
  "HS384",
  "HS512",
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
] as const;

export type Algorithm = (typeof ALGORITHMS)[number];
export type HmacAlgorithm = "HS256" | "HS384" | "HS512";
export type AsymmetricAlgorithm = Exclude<Algorithm, HmacAlgorithm>;

export const ASYMMETRIC_ALGORITHMS = ALGORITHMS.filter(
  (alg): alg is AsymmetricAlgorithm => !alg.startsWith("HS"),
);

export function isHmac(alg: Algorithm): alg is HmacAlgorithm {
  return alg.startsWith("HS");
}

/** RFC 7518 §3.2: an HMAC key must be at least as long as the hash output. */
export const HMAC_MIN_BYTES: Record<HmacAlgorithm, number> = { HS256: 32, HS384: 48, HS512: 64 };

/** The EC curve each ES algorithm requires (RFC 7518 §3.4). */
export const EC_CURVES: Partial<Record<AsymmetricAlgorithm, string>> = {
  ES256: "P-256",
  ES384: "P-384",
  ES512: "P-521",
};

/** RFC 7518 §3.3 and §3.5 demand 2048-bit RSA keys at least. */
export const RSA_MIN_BITS = 2048;

/** The key type (JWK `kty`) an algorithm signs with. */
export function keyTypeFor(alg: Algorithm): "oct" | "RSA" | "EC" | "OKP" {
  if (isHmac(alg)) return "oct";
  if (alg.startsWith("RS") || alg.startsWith("PS")) return "RSA";
  if (alg.startsWith("ES")) return "EC";
  return "OKP";
}
