import { base64url } from "jose";
import type { Algorithm } from "./algorithms.js";

/**
 * ECDSA signatures are malleable: when (r, s) verifies, so does (r, n − s), n the curve's order. The
 * plugin writes the low form only (s ≤ n/2, as libsecp256k1 and Bitcoin's BIP 62 do), so each token it
 * issues has one string. Verify and Refresh accept both forms, as jose, PyJWT, jsonwebtoken and
 * golang-jwt do: other signers write either, and the second string of a token carries the same header
 * and claims under the same key, so it gives nobody anything the token did not (revocation is by `jti`
 * and session, never by the token's text; see SECURITY.md).
 *
 * Normalising rather than signing again until s happens to be low: one signature per token, the same
 * cost every time, and no loop that could in principle run on. Signatures are JWS's fixed-size r ‖ s
 * (RFC 7518 §3.4), read and written with jose's base64url.
 */
// The group order n of P-256, P-384, P-521 (SEC 2, FIPS 186-4 D.1.2). The last two are written as 2^bits
// minus the rest: the same numbers, without their long runs of f in every server.js.
const CURVE_ORDERS: Partial<Record<Algorithm, bigint>> = {
  ES256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  ES384: 2n ** 384n - 0x389cb27e0bc8d220a7e5f24db74f58851313e695333ad68dn,
  ES512: 2n ** 521n - 0x5ae79787c40d069948033feb708f65a2fc44a36477663b851449048e16ec79bf7n,
};

/** A compact ES* token with its signature in the low form; any other token unchanged. */
export function toLowS(token: string, alg: Algorithm): string {
  const order = CURVE_ORDERS[alg];
  const dot = token.lastIndexOf(".");
  if (order === undefined) return token;
  const signature = base64url.decode(token.slice(dot + 1));
  const half = signature.length / 2;
  const s = toBigInt(signature.subarray(half));
  if (s <= order / 2n) return token;
  const low = new Uint8Array(signature);
  low.set(fromBigInt(order - s, half), half);
  return `${token.slice(0, dot + 1)}${base64url.encode(low)}`;
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
}

function fromBigInt(value: bigint, length: number): Uint8Array {
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(length * 2, "0"), "hex"));
}
