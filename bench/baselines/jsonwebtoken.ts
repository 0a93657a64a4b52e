/**
 * The same actions on jsonwebtoken, as a builder writes them in a Toolbox server script today. The
 * warm calls hold every key as a KeyObject made once. jsonwebtoken 9 has no EdDSA, so that case is absent.
 */
import { createPrivateKey, createPublicKey, createSecretKey, randomUUID } from "node:crypto";
import jwt from "jsonwebtoken";
import type { BenchKeys, WarmCalls, WarmTokens } from "../cases.js";
import {
  type BubbleContext,
  type BubbleProperties,
  issuedValues,
  lifetimeOf,
  nowSeconds,
  refusedValues,
  secretOf,
  verifiedValues,
} from "./shared.js";

function sign(subject: string, lifetime: number, key: jwt.Secret, algorithm: jwt.Algorithm) {
  const iat = nowSeconds();
  const jti = randomUUID();
  const token = jwt.sign({ sub: subject, iat, auth_time: iat, jti }, key, {
    algorithm,
    expiresIn: lifetime,
  });
  return { token, iat, jti };
}

/** Generate, HS256, on jsonwebtoken. */
export async function generate(properties: BubbleProperties, context: BubbleContext) {
  const lifetime = lifetimeOf(properties);
  const { token, iat, jti } = sign(String(properties.subject), lifetime, secretOf(context), "HS256");
  return issuedValues(token, iat, lifetime, jti);
}

/** Verify, HS256, on jsonwebtoken. */
export async function verify(properties: BubbleProperties, context: BubbleContext) {
  try {
    const claims = jwt.verify(String(properties.token), secretOf(context), { algorithms: ["HS256"] });
    return typeof claims === "object" ? verifiedValues(claims) : refusedValues();
  } catch {
    return refusedValues();
  }
}

/** The warm calls, every key made into a KeyObject once. */
export async function prepareWarm(keys: BenchKeys, tokens: WarmTokens): Promise<WarmCalls> {
  const hmac = createSecretKey(Buffer.from(keys.secret, "utf8"));
  const rsa = createPrivateKey(keys.rsa.privateKey);
  const ec = createPublicKey(keys.ec.publicKey);
  return {
    "HS256 Verify": () => jwt.verify(tokens.HS256, hmac, { algorithms: ["HS256"] }),
    "RS256 Generate": () => sign("user-1", 3600, rsa, "RS256"),
    "ES256 Verify": () => jwt.verify(tokens.ES256, ec, { algorithms: ["ES256"] }),
  };
}
