import { defineAction, refusedValues } from "../bubble/action.js";
import { fieldDefault } from "../bubble/defaults.js";
import { networkAccess } from "../bubble/local-runtime.js";
import { readNameList, readOptionalWholeNumber, readText, readWholeNumber } from "../bubble/properties.js";
import { CLOCK_TOLERANCE_RULE, MAX_AGE_RULE } from "../bubble/rules.js";
import type { BubbleProperties } from "../bubble/types.js";
import { verifiedValues } from "../bubble/verified.js";
import { verifyExternalToken } from "../jwt/external/verify-external.js";

/** `JWT - Verify external token`: checks an ID token from Firebase, Supabase, Auth0, Clerk, Google, Apple or any JWKS issuer. */
export const run = defineAction({
  name: "verify-external",
  async compute(properties, context) {
    const { header, claims, provider } = await verifyExternalToken(properties.token, {
      provider: providerOf(properties),
      project: readText(properties, "project"),
      jwksUrl: readText(properties, "jwks_url"),
      issuer: readText(properties, "issuer"),
      audience: readText(properties, "audience"),
      algorithms: readNameList(properties, "algorithms"),
      // External tokens come from another server's clock: plugin.json's default gives a little leeway (the contract).
      clockTolerance: readWholeNumber(properties, "clock_tolerance", CLOCK_TOLERANCE_RULE),
      maxAge: readOptionalWholeNumber(properties, "max_age", MAX_AGE_RULE),
      requiredClaims: readNameList(properties, "required_claims"),
      network: networkAccess(context),
    });
    return {
      values: { ...verifiedValues(header, claims), provider },
      log: { sub: claims.sub, jti: claims.jti, kid: header.kid },
    };
  },
  // The provider is known even for a refused token: configuration errors are thrown before any token check.
  whenRefused: (error, properties) => ({
    ...refusedValues("valid", error),
    provider: providerOf(properties),
  }),
});

function providerOf(properties: BubbleProperties): string {
  return readText(properties, "provider") ?? fieldDefault("provider");
}
