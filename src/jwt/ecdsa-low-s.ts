import { base64url } from "jose";
import type { Algorithm } from "./algorithms.js";
import { TokenError } from "./errors.js";

/**
 * ECDSA signatures are malleable: when (r, s) verifies, so does (r, n − s), n the curve's order. So a
 * signed token would have two strings that verify alike, and a builder's token-keyed cache or denylist
 * could be sidestepped. The plugin writes the low form only (s ≤ n/2, as libsecp256k1 and Bitcoin's
 * BIP 62 do) and Verify accepts only that form for the app's own tokens. Verify external does not
 * apply it: providers sign with libraries that write either form, and promise neither.
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

/** floor(n/2) of each curve as big-endian bytes of the width of s, so Verify compares bytes, not numbers. */
const HALF_ORDERS: Partial<Record<Algorithm, Uint8Array>> = Object.fromEntries(
  Object.entries(CURVE_ORDERS).map(([alg, order]) => {
    const width = alg === "ES512" ? 66 : Number(alg.slice(2)) / 8;
    return [alg, fromBigInt(order / 2n, width)];
  }),
);

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

/**
 * Refuses an ES* signature in the high form (s > n/2) as `invalid_signature`, before any key is tried:
 * the plugin never writes one, so it is the other string of a token the app signed, or a forgery.
 * `signaturePart` is the token's third part, already checked to be canonical base64url.
 */
export function rejectHighS(signaturePart: string, alg: Algorithm): void {
  const half = HALF_ORDERS[alg];
  if (half === undefined) return;
  let signature: Uint8Array;
  try {
    signature = base64url.decode(signaturePart);
  } catch {
    return; // Not this check's to report: jose refuses it as the signature it cannot read.
  }
  // Any other length is not a signature of this curve; jose refuses it.
  if (signature.length !== half.length * 2) return;
  if (greaterThan(signature.subarray(half.length), half)) {
    throw new TokenError(
      "invalid_signature",
      "The token's ECDSA signature is not in the form this plugin writes (its s is above half the curve order).",
    );
  }
}

/** Whether big-endian `a` is above big-endian `b`, both of one length. */
function greaterThan(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return (a[i] as number) > (b[i] as number);
  }
  return false;
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
}

function fromBigInt(value: bigint, length: number): Uint8Array {
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(length * 2, "0"), "hex"));
}
