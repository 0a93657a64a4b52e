import { defineAction, refusedValues } from "../bubble/action.js";
import { PLUGIN_KEYS, readKeyMaterial, withKeyDefault } from "../bubble/keys.js";
import {
  readAlgorithm,
  readNameList,
  readOptionalWholeNumber,
  readText,
  readTextList,
  readWholeNumber,
} from "../bubble/properties.js";
import { CLOCK_TOLERANCE_RULE, MAX_AGE_RULE } from "../bubble/rules.js";
import { verifiedValues } from "../bubble/verified.js";
import { verifyToken } from "../jwt/verify.js";

/** `JWT - Verify token`: checks the token a client sent to a protected workflow. */
export const run = defineAction({
  name: "verify",
  async compute(properties, context) {
    const options = {
      alg: readAlgorithm(properties),
      material: readKeyMaterial(context),
      issuer: withKeyDefault(readText(properties, "issuer"), context, PLUGIN_KEYS.issuer),
      audience: withKeyDefault(readText(properties, "audience"), context, PLUGIN_KEYS.audience),
      clockTolerance: readWholeNumber(properties, "clock_tolerance", CLOCK_TOLERANCE_RULE),
      maxAge: readOptionalWholeNumber(properties, "max_age", MAX_AGE_RULE),
      requiredClaims: readNameList(properties, "required_claims"),
      revokedIds: await readTextList(properties, "revoked_ids"),
    };
    const { header, claims } = await verifyToken(properties.token, options);
    return {
      values: verifiedValues(header, claims),
      log: { sub: claims.sub, jti: claims.jti, kid: header.kid },
    };
  },
  whenRefused: (error) => refusedValues("valid", error),
});
