/**
 * ECDSA malleability (h.p.(r ‖ n − s) verifies like h.p.(r ‖ s)): the plugin writes the low form only,
 * Verify and Refresh refuse the high form of the app's own tokens, Verify external accepts both forms
 * of a provider's token (providers promise neither).
 */
import { generateKeyPairSync } from "node:crypto";
import { compactVerify, importJWK, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { TokenError } from "../../src/jwt/errors.js";
import { generateToken } from "../../src/jwt/generate.js";
import { refreshToken } from "../../src/jwt/refresh.js";
import { verifyToken } from "../../src/jwt/verify.js";
import { flipS, highS, isHighS } from "../support/ecdsa.js";

const CURVES = { ES256: "P-256", ES384: "P-384", ES512: "P-521" } as const;
type EcAlg = keyof typeof CURVES;

function keysFor(alg: EcAlg) {
  const pair = generateKeyPairSync("ec", { namedCurve: CURVES[alg] });
  return {
    privateKey: pair.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    publicJwk: pair.publicKey.export({ format: "jwk" }) as JWK,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    if (error instanceof TokenError) return error.code;
    throw error;
  }
}

describe.each(Object.keys(CURVES) as EcAlg[])("%s", (alg) => {
  const keys = keysFor(alg);
  const material = { privateKey: keys.privateKey };

  it("Generate writes every signature in the low form (s ≤ n/2): 64 tokens, none high", async () => {
    const high: string[] = [];
    for (let i = 0; i < 64; i++) {
      const {
        access: { token },
      } = await generateToken({ alg, material, subject: `u${i}`, expiresIn: 600 });
      if (isHighS(token, alg)) high.push(token.slice(-12));
    }
    expect(high).toEqual([]);
  });

  it("the high form of a token verifies in jose, yet Verify and Refresh refuse it as invalid_signature", async () => {
    const {
      access: { token },
    } = await generateToken({ alg, material, subject: "u", expiresIn: 600 });
    const twin = flipS(token, alg);
    expect(twin).not.toBe(token);
    // The malleability is real: jose (WebCrypto) accepts both strings.
    const publicKey = await importJWK(keys.publicJwk, alg);
    await expect(compactVerify(twin, publicKey)).resolves.toBeDefined();
    expect(await codeOf(verifyToken(token, { alg, material }))).toBe("ok");
    expect(await codeOf(verifyToken(twin, { alg, material }))).toBe("invalid_signature");
    const refresh = {
      alg,
      material,
      expiresIn: 600,
      gracePeriod: 0,
      maxSession: 86_400,
      now: Date.now() / 1000,
    };
    expect(await codeOf(refreshToken(twin, refresh))).toBe("invalid_signature");
  });

  it("a token signed elsewhere in the high form is refused, its low twin accepted", async () => {
    const {
      access: { token },
    } = await generateToken({ alg, material, subject: "u", expiresIn: 600 });
    expect(await codeOf(verifyToken(highS(token, alg), { alg, material }))).toBe("invalid_signature");
    expect(await codeOf(verifyToken(flipS(highS(token, alg), alg), { alg, material }))).toBe("ok");
  });
});
