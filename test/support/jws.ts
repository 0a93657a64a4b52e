/**
 * An independent compact-JWS signer on node:crypto, for tests only: it crafts tokens the plugin must
 * accept or refuse (expired, tampered, odd headers) without going through jose or the plugin, and it
 * needs no global WebCrypto, so it runs on Node 18 before the plugin has installed anything.
 */

import { constants, createHmac, type KeyObject, sign } from "node:crypto";
import { lowSignature } from "./ecdsa.js";

export type TestAlgorithm =
  | "HS256"
  | "HS384"
  | "HS512"
  | "RS256"
  | "RS384"
  | "RS512"
  | "PS256"
  | "PS384"
  | "PS512"
  | "ES256"
  | "ES384"
  | "ES512"
  | "EdDSA";

export function b64url(input: string | Uint8Array): string {
  return Buffer.from(input).toString("base64url");
}

/** Encodes a header or claims part: an object as JSON, a string as given (for malformed cases). */
export function encodePart(part: unknown): string {
  return b64url(typeof part === "string" ? part : JSON.stringify(part));
}

/** The signature of `signingInput` with `alg` (the header's alg need not match: for confusion tests). */
export function signature(
  signingInput: string,
  alg: TestAlgorithm,
  key: string | Uint8Array | KeyObject,
): string {
  const data = Buffer.from(signingInput);
  const bits = alg === "EdDSA" ? 0 : Number(alg.slice(2));
  const hash = `sha${bits}`;
  if (alg.startsWith("HS"))
    return b64url(
      createHmac(hash, key as string | Uint8Array)
        .update(data)
        .digest(),
    );
  const privateKey = key as KeyObject;
  if (alg.startsWith("RS")) return b64url(sign(hash, data, privateKey));
  if (alg.startsWith("PS")) {
    return b64url(
      sign(hash, data, {
        key: privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      }),
    );
  }
  // The low form of s, as the plugin writes and its Verify demands (test/support/ecdsa.ts makes the other).
  if (alg.startsWith("ES"))
    return b64url(lowSignature(sign(hash, data, { key: privateKey, dsaEncoding: "ieee-p1363" }), alg));
  return b64url(sign(null, data, privateKey));
}

/** A complete compact JWS: header and claims encoded, signed with `alg` and `key`. */
export function signJws(
  header: Record<string, unknown>,
  claims: unknown,
  alg: TestAlgorithm,
  key: string | Uint8Array | KeyObject,
): string {
  const signingInput = `${encodePart(header)}.${encodePart(claims)}`;
  return `${signingInput}.${signature(signingInput, alg, key)}`;
}

/** Seconds since the epoch, whole. */
export function now(): number {
  return Math.floor(Date.now() / 1000);
}
