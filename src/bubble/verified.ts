import { nowSeconds } from "../jwt/clock.js";
import type { JsonObject } from "../jwt/token.js";
import { audienceText, claimLists, claimText, toDate } from "./results.js";
import type { ReturnValues } from "./types.js";

/** The return values every verifying action shares (Verify, Verify external): the token's claims. */
export function verifiedValues(header: JsonObject, claims: JsonObject): ReturnValues {
  const exp = claims.exp as number;
  return {
    valid: true,
    error_code: "",
    error_message: "",
    subject: claimText(claims.sub),
    email: claimText(claims.email),
    issuer: claimText(claims.iss),
    audience: audienceText(claims.aud),
    jti: claimText(claims.jti),
    key_id: claimText(header.kid),
    issued_at: toDate(claims.iat),
    expires_at: toDate(exp),
    expires_in: Math.max(0, Math.floor(exp - nowSeconds())),
    session_id: claimText(claims.sid),
    auth_time: toDate(claims.auth_time),
    claims_json: JSON.stringify(claims),
    ...claimLists(claims),
  };
}
