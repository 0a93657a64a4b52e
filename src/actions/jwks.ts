import { defineAction } from "../bubble/action.js";
import { readKeyMaterial } from "../bubble/keys.js";
import { readAlgorithm, readText } from "../bubble/properties.js";
import { ASYMMETRIC_ALGORITHMS } from "../jwt/algorithms.js";
import { publishedKeys } from "../jwt/jwks.js";

/** `JWT - Public keys (JWKS)`: the public half of the signing key, for others to verify this app's tokens. */
export const run = defineAction({
  name: "jwks",
  async compute(properties, context) {
    const alg = readAlgorithm(properties, ASYMMETRIC_ALGORITHMS);
    const published = await publishedKeys(readKeyMaterial(context), alg, readText(properties, "key_id"));
    return {
      values: {
        jwks_json: JSON.stringify(published.jwks),
        public_key_pem: published.publicKeyPem,
        key_id: published.kid,
      },
      log: { kid: published.kid },
    };
  },
});
