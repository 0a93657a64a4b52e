import { defineAction } from "../bubble/action.js";
import { claimText, toDate } from "../bubble/results.js";
import { decodeToken } from "../jwt/decode.js";
import { tokenKind } from "../jwt/session.js";

/** `JWT - Decode token (unverified)`: reads a token without checking its signature, for debugging. */
export const run = defineAction({
  name: "decode",
  async compute(properties) {
    const { header, claims, expired } = decodeToken(properties.token);
    const exp = typeof claims.exp === "number" ? claims.exp : undefined;
    return {
      values: {
        header_json: JSON.stringify(header),
        claims_json: JSON.stringify(claims),
        algorithm: claimText(header.alg),
        key_id: claimText(header.kid),
        subject: claimText(claims.sub),
        issuer: claimText(claims.iss),
        issued_at: toDate(claims.iat),
        expires_at: toDate(exp),
        is_expired: expired,
        session_id: claimText(claims.sid),
        token_use: tokenKind(header) === "refresh" ? "refresh" : "access",
        error_code: "",
        error_message: "",
      },
      // Unverified: its sub and jti are whatever the sender wrote, so they stay out of the log.
    };
  },
  whenRefused: (error) => ({ is_expired: false, error_code: error.code, error_message: error.message }),
});
