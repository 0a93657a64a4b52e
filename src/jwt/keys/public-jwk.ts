import type { JWK } from "jose";

// The members a public key of each type is made of (RFC 7518 §6.2.1 and §6.3.1, RFC 8037 §2). Copying
// only these leaves behind every private member, and whatever else a JWK carries.
const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  RSA: ["kty", "n", "e"],
  EC: ["kty", "crv", "x", "y"],
  OKP: ["kty", "crv", "x"],
};

/** A JWK's public members only (none for a key type other than RSA, EC and OKP). */
export function publicMembers(jwk: JWK): JWK {
  const members = PUBLIC_MEMBERS[jwk.kty ?? ""] ?? [];
  const out: Record<string, unknown> = {};
  for (const name of members) out[name] = (jwk as Record<string, unknown>)[name];
  return out as JWK;
}
