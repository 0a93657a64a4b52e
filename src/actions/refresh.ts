import { defineAction, refusedValues } from "../bubble/action.js";
import { PLUGIN_KEYS, readKeyMaterial, withKeyDefault } from "../bubble/keys.js";
import { readAlgorithm, readText, readTextList, readWholeNumber } from "../bubble/properties.js";
import { sessionValues, toDate } from "../bubble/results.js";
import {
  GRACE_PERIOD_RULE,
  LIFETIME_RULE,
  MAX_SESSION_RULE,
  REFRESH_LIFETIME_RULE,
} from "../bubble/rules.js";
import { nowSeconds } from "../jwt/clock.js";
import { refreshToken } from "../jwt/refresh.js";

/** `JWT - Refresh token`: exchanges a one-token-flow token for a new one, within the login's maximum age. */
export const run = defineAction({
  name: "refresh",
  async compute(properties, context) {
    // 0.2's refresh_expires_in no longer applies (session refresh tokens go to JWT - Session), but a
    // value out of range is still a mistake to show.
    readWholeNumber(properties, "refresh_expires_in", REFRESH_LIFETIME_RULE);
    const refreshed = await refreshToken(properties.token, {
      alg: readAlgorithm(properties),
      material: readKeyMaterial(context),
      expiresIn: readWholeNumber(properties, "expires_in", LIFETIME_RULE),
      gracePeriod: readWholeNumber(properties, "grace_period", GRACE_PERIOD_RULE),
      maxSession: readWholeNumber(properties, "max_session", MAX_SESSION_RULE),
      issuer: withKeyDefault(readText(properties, "issuer"), context, PLUGIN_KEYS.issuer),
      audience: withKeyDefault(readText(properties, "audience"), context, PLUGIN_KEYS.audience),
      revokedIds: await readTextList(properties, "revoked_ids"),
      now: nowSeconds(),
    });
    const { access } = refreshed;
    return {
      values: {
        ok: true,
        error_code: "",
        error_message: "",
        token: access.token,
        issued_at: toDate(access.issuedAt),
        expires_at: toDate(access.expiresAt),
        expires_in: access.expiresIn,
        jti: access.jti,
        previous_jti: refreshed.previousJti ?? null,
        subject: refreshed.subject ?? null,
        auth_time: toDate(refreshed.authTime),
        revoke_until: toDate(refreshed.revokeUntil),
        ...sessionValues(refreshed),
      },
      log: { sub: refreshed.subject, jti: access.jti, kid: access.kid },
    };
  },
  whenRefused: (error) => ({ ...refusedValues("ok", error), token: "", refresh_token: "" }),
});
