import type { KeyObject } from "node:crypto";
import { type AsymmetricAlgorithm, EC_CURVES } from "../algorithms.js";

/**
 * Imports a key the plugin has read and checked as the CryptoKey that jose signs or verifies with for
 * `alg`: a private key for signing, a public key for verifying. A CryptoKey is jose's fastest input;
 * handed a KeyObject instead, jose would re-check it and look up its own import on every call (and on
 * Node 18, lacking a global CryptoKey, throw and catch inside that check), and jose's importJWK would
 * add 2.7 KB to every bundle for this one step. jose still checks the key against `alg` at every use.
 */
export function importForJws(key: KeyObject, alg: AsymmetricAlgorithm): Promise<CryptoKey> {
  const jwk = key.export({ format: "jwk" });
  const usage = key.type === "private" ? "sign" : "verify";
  return crypto.subtle.importKey("jwk", jwk, webCryptoAlgorithm(alg), false, [usage]);
}

/** The WebCrypto algorithm of each JWS algorithm's keys (RFC 7518 §3.3-3.5, RFC 8037 §3.1). */
function webCryptoAlgorithm(alg: AsymmetricAlgorithm) {
  const hash = `SHA-${alg.slice(2)}`;
  if (alg.startsWith("RS")) return { name: "RSASSA-PKCS1-v1_5", hash };
  if (alg.startsWith("PS")) return { name: "RSA-PSS", hash };
  if (alg.startsWith("ES")) return { name: "ECDSA", namedCurve: EC_CURVES[alg] as string };
  return { name: "Ed25519" };
}
