/**
 * jose's floor: the least code that does what the plugin's actions do, straight on jose. The cold
 * actions read the secret as bytes on every call (as a builder's script would); the warm calls import
 * every key once, so they cost only jose's own sign and verify.
 */
import { randomUUID, webcrypto } from "node:crypto";
import { importPKCS8, importSPKI, jwtVerify, SignJWT } from "jose";
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

/** jose needs WebCrypto, which Node 18 (Bubble's runtime) only offers as `require("crypto").webcrypto`. */
function installWebCrypto(): void {
  if (typeof globalThis.crypto === "undefined") {
    Object.defineProperty(globalThis, "crypto", { value: webcrypto, configurable: true, writable: true });
  }
}

function sign(subject: string, lifetime: number, key: Uint8Array | CryptoKey, alg: string) {
  const iat = nowSeconds();
  const jti = randomUUID();
  return new SignJWT({ sub: subject, auth_time: iat, jti })
    .setProtectedHeader({ alg, typ: "JWT" })
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetime)
    .sign(key)
    .then((token) => ({ token, iat, jti }));
}

/** Generate, HS256, on jose. */
export async function generate(properties: BubbleProperties, context: BubbleContext) {
  installWebCrypto();
  const lifetime = lifetimeOf(properties);
  const secret = new TextEncoder().encode(secretOf(context));
  const { token, iat, jti } = await sign(String(properties.subject), lifetime, secret, "HS256");
  return issuedValues(token, iat, lifetime, jti);
}

/** Verify, HS256, on jose. */
export async function verify(properties: BubbleProperties, context: BubbleContext) {
  installWebCrypto();
  const secret = new TextEncoder().encode(secretOf(context));
  try {
    const { payload } = await jwtVerify(String(properties.token), secret, { algorithms: ["HS256"] });
    return verifiedValues(payload);
  } catch {
    return refusedValues();
  }
}

/** The warm calls, every key imported once. */
export async function prepareWarm(keys: BenchKeys, tokens: WarmTokens): Promise<WarmCalls> {
  installWebCrypto();
  const hmac = await webcrypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(keys.secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  const rsa = await importPKCS8(keys.rsa.privateKey, "RS256");
  const ec = await importSPKI(keys.ec.publicKey, "ES256");
  const ed = await importSPKI(keys.ed.publicKey, "EdDSA");
  return {
    "HS256 Verify": () => jwtVerify(tokens.HS256, hmac as CryptoKey, { algorithms: ["HS256"] }),
    "RS256 Generate": () => sign("user-1", 3600, rsa, "RS256"),
    "ES256 Verify": () => jwtVerify(tokens.ES256, ec, { algorithms: ["ES256"] }),
    "EdDSA Verify": () => jwtVerify(tokens.EdDSA, ed, { algorithms: ["EdDSA"] }),
  };
}
