import { numericDate } from "./claims.js";
import { decodeJsonObjectPart, type JsonObject, parseToken } from "./token.js";

export interface DecodedToken {
  readonly header: JsonObject;
  readonly claims: JsonObject;
}

/**
 * Reads a token's header and claims WITHOUT checking its signature: for debugging, and for reading the
 * header before choosing a key. Nothing it returns may be trusted. Throws a TokenError when unreadable.
 */
export function decodeToken(input: unknown): DecodedToken {
  const { header, payloadPart } = parseToken(input);
  const claims = decodeJsonObjectPart(payloadPart, "claims set");
  for (const name of ["exp", "nbf", "iat"] as const) numericDate(claims, name);
  return { header, claims };
}
