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
  const load = () => crypto.subtle.importKey("jwk", jwk, webCryptoAlgorithm(alg), false, [usage]);
  return alg === "EdDSA" ? withoutEd25519Warning(load) : load();
}

// What Node 18 says, once per process, the first time WebCrypto imports an Ed25519 key.
const ED25519_WARNING = "The Ed25519 Web Crypto API algorithm is an experimental feature";

/**
 * Runs `load` with that one warning dropped. Node 18 prints it to stderr, a second line in the app's
 * logs beside the action's own. Bubble's process is shared, so nothing is silenced for good:
 * process.emitWarning is wrapped only while `load` runs synchronously (Node emits the warning inside
 * importKey, before it returns), only that warning is dropped, and the original is put back at once.
 * Node 20 and later print nothing here, and run `load` the same way.
 */
function withoutEd25519Warning<T>(load: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
    const message = typeof warning === "string" ? warning : warning?.message;
    if (typeof message === "string" && message.startsWith(ED25519_WARNING)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** The WebCrypto algorithm of each JWS algorithm's keys (RFC 7518 §3.3-3.5, RFC 8037 §3.1). */
function webCryptoAlgorithm(alg: AsymmetricAlgorithm) {
  const hash = `SHA-${alg.slice(2)}`;
  if (alg.startsWith("RS")) return { name: "RSASSA-PKCS1-v1_5", hash };
  if (alg.startsWith("PS")) return { name: "RSA-PSS", hash };
  if (alg.startsWith("ES")) return { name: "ECDSA", namedCurve: EC_CURVES[alg] as string };
  return { name: "Ed25519" };
}
