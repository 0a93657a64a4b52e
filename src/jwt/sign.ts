import { CompactSign } from "jose";
import type { Algorithm } from "./algorithms.js";
import { toLowS } from "./ecdsa-low-s.js";
import type { ReadyKey } from "./keys/keyring.js";
import type { JsonObject } from "./token.js";

export interface SignHeader {
  readonly kid?: string | undefined;
  readonly typ?: string | undefined;
}

/**
 * Signs a claims set as a compact JWS. The header carries only `alg`, and `typ` and `kid` when given.
 * An ECDSA signature is written in its low form (see ecdsa-low-s.ts), so each token has one string.
 * It reads no clock: the claims carry their times.
 *
 * @throws jose's error when `key` cannot sign with `alg` (the keyring gives only keys that can).
 * @example
 * const token = await signClaims({ sub: "u", exp }, "HS256", await signingKey(material, "HS256"), { typ: "JWT" });
 */
export async function signClaims(
  claims: JsonObject,
  alg: Algorithm,
  key: ReadyKey,
  header: SignHeader,
): Promise<string> {
  const protectedHeader: { alg: string; typ?: string; kid?: string } = { alg };
  if (header.typ) protectedHeader.typ = header.typ;
  if (header.kid) protectedHeader.kid = header.kid;
  const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader(protectedHeader)
    .sign(key.key);
  return toLowS(token, alg);
}

/**
 * A fresh random token id (`jti`).
 *
 * @example
 * newTokenId(); // "3b241101-e2bb-4255-8caf-4136c566a962"
 */
export function newTokenId(): string {
  return crypto.randomUUID();
}
