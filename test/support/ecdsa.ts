/**
 * The other string of an ECDSA-signed token: the same r with s replaced by n − s, which verifies
 * alike (test side, independent of src/jwt/ecdsa-low-s.ts: its own curve orders and arithmetic).
 */
const ORDERS: Record<string, bigint> = {
  ES256: BigInt("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"),
  ES384: BigInt(
    "0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
  ),
  ES512: BigInt(
    "0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
  ),
};

/** Whether the token's ES signature has s above half the order. */
export function isHighS(token: string, alg: string): boolean {
  const { s, order } = split(token, alg);
  return s > order / 2n;
}

/** The token with s replaced by n − s. */
export function flipS(token: string, alg: string): string {
  const { input, signature, s, order } = split(token, alg);
  const half = signature.length / 2;
  const flipped = Buffer.concat([
    signature.subarray(0, half),
    Buffer.from((order - s).toString(16).padStart(half * 2, "0"), "hex"),
  ]);
  return `${input}.${flipped.toString("base64url")}`;
}

/** The token in the form with s at most half the order (the form the plugin writes and Verify accepts). */
export function lowS(token: string, alg: string): string {
  return isHighS(token, alg) ? flipS(token, alg) : token;
}

/** A raw r ‖ s signature in its low form. */
export function lowSignature(signature: Buffer, alg: string): Buffer {
  const order = ORDERS[alg] as bigint;
  const half = signature.length / 2;
  const s = BigInt(`0x${signature.subarray(half).toString("hex")}`);
  if (s <= order / 2n) return signature;
  return Buffer.concat([
    signature.subarray(0, half),
    Buffer.from((order - s).toString(16).padStart(half * 2, "0"), "hex"),
  ]);
}

/** The token in the form with s above half the order, whichever form it was signed in. */
export function highS(token: string, alg: string): string {
  return isHighS(token, alg) ? token : flipS(token, alg);
}

function split(token: string, alg: string) {
  const dot = token.lastIndexOf(".");
  const signature = Buffer.from(token.slice(dot + 1), "base64url");
  const order = ORDERS[alg];
  if (order === undefined) throw new Error(`${alg} is not an ECDSA algorithm`);
  const s = BigInt(`0x${signature.subarray(signature.length / 2).toString("hex")}`);
  return { input: token.slice(0, dot), signature, s, order };
}
