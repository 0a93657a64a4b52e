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
import { refreshToken } from "../jwt/refresh.js";

/** `JWT - Refresh token`: exchanges a current token for a new one, within the login's maximum age. */
export const run = defineAction({
  name: "refresh",
  async compute(properties, context) {
    const refreshed = await refreshToken(properties.token, {
      alg: readAlgorithm(properties),
      material: readKeyMaterial(context),
      expiresIn: readWholeNumber(properties, "expires_in", LIFETIME_RULE),
      refreshExpiresIn: readWholeNumber(properties, "refresh_expires_in", REFRESH_LIFETIME_RULE),
      gracePeriod: readWholeNumber(properties, "grace_period", GRACE_PERIOD_RULE),
      maxSession: readWholeNumber(properties, "max_session", MAX_SESSION_RULE),
      issuer: withKeyDefault(readText(properties, "issuer"), context, PLUGIN_KEYS.issuer),
      audience: withKeyDefault(readText(properties, "audience"), context, PLUGIN_KEYS.audience),
      revokedIds: await readTextList(properties, "revoked_ids"),
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
        ...sessionValues(refreshed),
      },
      log: { sub: refreshed.subject, jti: access.jti, kid: access.kid },
    };
  },
  whenRefused: (error) => ({ ...refusedValues("ok", error), token: "", refresh_token: "" }),
});
