import { defineAction } from "../bubble/action.js";
import { PLUGIN_KEYS, readKeyMaterial, withKeyDefault } from "../bubble/keys.js";
import {
  readAlgorithm,
  readCheckbox,
  readKeyValueList,
  readText,
  readWholeNumber,
  requireText,
} from "../bubble/properties.js";
import { sessionValues, toDate } from "../bubble/results.js";
import { LIFETIME_RULE, REFRESH_LIFETIME_RULE } from "../bubble/rules.js";
import type { BubbleProperties } from "../bubble/types.js";
import { ConfigError } from "../jwt/errors.js";
import { generateToken } from "../jwt/generate.js";
import { type JsonObject, MAX_JSON_DEPTH } from "../jwt/token.js";
import { isJsonObject, jsonDepthExceeds } from "../jwt/values.js";

/** `JWT - Generate token`: signs a token for a logged-in user. */
export const run = defineAction({
  name: "generate",
  async compute(properties, context) {
    // Read (and range-checked) whether or not issue_refresh_token is ticked: a bad value is a bad value.
    const refreshExpiresIn = readWholeNumber(properties, "refresh_expires_in", REFRESH_LIFETIME_RULE);
    const { access, refresh } = await generateToken({
      alg: readAlgorithm(properties),
      material: readKeyMaterial(context),
      subject: requireText(properties, "subject", "the user's unique id (Current User's unique id)"),
      email: readText(properties, "email"),
      expiresIn: readWholeNumber(properties, "expires_in", LIFETIME_RULE),
      issuer: withKeyDefault(readText(properties, "issuer"), context, PLUGIN_KEYS.issuer),
      audience: withKeyDefault(readText(properties, "audience"), context, PLUGIN_KEYS.audience),
      extraClaims: readExtraClaims(properties),
      keyId: readText(properties, "key_id"),
      tokenType: readText(properties, "token_type"),
      sessionId: readText(properties, "session_id"),
      refreshExpiresIn: readCheckbox(properties, "issue_refresh_token") ? refreshExpiresIn : undefined,
    });
    return {
      values: {
        token: access.token,
        issued_at: toDate(access.issuedAt),
        expires_at: toDate(access.expiresAt),
        expires_in: access.expiresIn,
        jti: access.jti,
        ...sessionValues({ access, refresh }),
      },
      log: { sub: access.claims.sub, jti: access.jti, kid: access.kid },
    };
  },
});

/** Merges `claims` (text values) and `claims_json` (typed values); a name set twice is an error. */
export function readExtraClaims(properties: BubbleProperties): JsonObject {
  const extra: JsonObject = {};
  const add = (name: string, value: unknown, field: string) => {
    if (name === "")
      throw new ConfigError(
        "duplicate_claim",
        `The ${field} field has a claim without a name; name every claim.`,
      );
    if (Object.hasOwn(extra, name)) {
      throw new ConfigError(
        "duplicate_claim",
        `The claim "${name}" is set twice in claims and claims_json; set it once.`,
      );
    }
    // defineProperty, not assignment: a claim named "__proto__" must stay a plain claim.
    Object.defineProperty(extra, name, { value, enumerable: true, writable: true, configurable: true });
  };
  for (const { key, value } of readKeyValueList(properties, "claims")) add(key, value, "claims");
  const json = readText(properties, "claims_json");
  if (json !== undefined) {
    // Verify refuses a claims set nested deeper than this, so Generate must never sign one.
    if (jsonDepthExceeds(json, MAX_JSON_DEPTH)) {
      throw new ConfigError(
        "invalid_field",
        `The claims_json field nests lists or objects more than ${MAX_JSON_DEPTH} levels deep; flatten it.`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new ConfigError(
        "invalid_field",
        'The claims_json field is not valid JSON; write one object, e.g. {"role": "admin"}.',
      );
    }
    if (!isJsonObject(parsed)) {
      throw new ConfigError(
        "invalid_field",
        'The claims_json field must be one JSON object, e.g. {"role": "admin"}.',
      );
    }
    for (const [name, value] of Object.entries(parsed)) add(name, value, "claims_json");
  }
  return extra;
}
