/**
 * The same actions on fast-jwt. The cold actions make their signer and verifier on the call (a script
 * run once per call has nowhere to keep them); the warm calls make them once, fast-jwt's fast path.
 */
import { randomUUID } from "node:crypto";
import { createSigner, createVerifier } from "fast-jwt";
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

type Signer = (payload: Record<string, unknown>) => string;

function sign(subject: string, lifetime: number, signer: Signer) {
  const iat = nowSeconds();
  const jti = randomUUID();
  const token = signer({ sub: subject, iat, exp: iat + lifetime, auth_time: iat, jti });
  return { token, iat, jti };
}

/** Generate, HS256, on fast-jwt. */
export async function generate(properties: BubbleProperties, context: BubbleContext) {
  const lifetime = lifetimeOf(properties);
  const signer = createSigner({ key: secretOf(context), algorithm: "HS256" });
  const { token, iat, jti } = sign(String(properties.subject), lifetime, signer);
  return issuedValues(token, iat, lifetime, jti);
}

/** Verify, HS256, on fast-jwt. */
export async function verify(properties: BubbleProperties, context: BubbleContext) {
  try {
    const claims = createVerifier({ key: secretOf(context), algorithms: ["HS256"] })(
      String(properties.token),
    );
    return verifiedValues(claims);
  } catch {
    return refusedValues();
  }
}

/** The warm calls, every signer and verifier made once. */
export async function prepareWarm(keys: BenchKeys, tokens: WarmTokens): Promise<WarmCalls> {
  const hs256 = createVerifier({ key: keys.secret, algorithms: ["HS256"] });
  const rs256: Signer = createSigner({ key: keys.rsa.privateKey, algorithm: "RS256" });
  const es256 = createVerifier({ key: keys.ec.publicKey, algorithms: ["ES256"] });
  const eddsa = createVerifier({ key: keys.ed.publicKey, algorithms: ["EdDSA"] });
  return {
    "HS256 Verify": () => hs256(tokens.HS256),
    "RS256 Generate": () => sign("user-1", 3600, rs256),
    "ES256 Verify": () => es256(tokens.ES256),
    "EdDSA Verify": () => eddsa(tokens.EdDSA),
  };
}
