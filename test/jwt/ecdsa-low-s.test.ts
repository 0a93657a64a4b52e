/**
 * ECDSA malleability (h.p.(r ‖ n − s) verifies like h.p.(r ‖ s)): the plugin writes the low form only;
 * Verify, Refresh and Verify external accept both forms, as every major JWT library does (other signers
 * write either), with the same claims: nothing keys on a token's text.
 */
import { generateKeyPairSync } from "node:crypto";
import { compactVerify, importJWK, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { toLowS } from "../../src/jwt/ecdsa-low-s.js";
import { generateToken } from "../../src/jwt/generate.js";
import { refreshToken } from "../../src/jwt/refresh.js";
import { verifyToken } from "../../src/jwt/verify.js";
import { flipS, highS, isHighS } from "../support/ecdsa.js";
import { OK, settledOutcome } from "../support/thrown.js";

const CURVES = { ES256: "P-256", ES384: "P-384", ES512: "P-521" } as const;
type EcAlg = keyof typeof CURVES;

function keysFor(alg: EcAlg) {
  const pair = generateKeyPairSync("ec", { namedCurve: CURVES[alg] });
  return {
    privateKey: pair.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    publicJwk: pair.publicKey.export({ format: "jwk" }) as JWK,
  };
}

/** Each curve's order n (SEC 2), for boundary signatures built here independently of src/jwt. */
const ORDERS: Record<EcAlg, bigint> = {
  ES256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  ES384: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  ES512:
    0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
};
const WIDTH: Record<EcAlg, number> = { ES256: 32, ES384: 48, ES512: 66 };

/** A signature part r ‖ s of the curve's width, r = 1. */
function signaturePart(alg: EcAlg, s: bigint): string {
  const width = WIDTH[alg];
  const r = Buffer.alloc(width);
  r[width - 1] = 1;
  return Buffer.concat([r, Buffer.from(s.toString(16).padStart(width * 2, "0"), "hex")]).toString(
    "base64url",
  );
}

describe.each(Object.keys(CURVES) as EcAlg[])("%s", (alg) => {
  const keys = keysFor(alg);
  const material = { privateKey: keys.privateKey };

  it("Generate writes every signature in the low form (s ≤ n/2), each still verifying: 64 tokens", async () => {
    const high: string[] = [];
    const publicKey = await importJWK(keys.publicJwk, alg);
    for (let i = 0; i < 64; i++) {
      const {
        access: { token },
      } = await generateToken({ alg, material, subject: `u${i}`, expiresIn: 600 });
      if (isHighS(token, alg)) high.push(token.slice(-12));
      // A normaliser that wrote another s (a wrong order, a wrong width) would fail here.
      await expect(compactVerify(token, publicKey), token.slice(-12)).resolves.toBeDefined();
      expect(await settledOutcome(verifyToken(token, { alg, material }))).toBe(OK);
    }
    expect(high).toEqual([]);
  });

  it("draws the line at n/2: s = floor(n/2) stays, floor(n/2) + 1 becomes n - s", () => {
    const half = ORDERS[alg] / 2n;
    const header = "eyJhbGciOiJFUzI1NiJ9.e30.";
    expect(toLowS(`${header}${signaturePart(alg, half)}`, alg)).toBe(`${header}${signaturePart(alg, half)}`);
    // Differing only in the last byte: every byte is compared, not the first alone.
    expect(toLowS(`${header}${signaturePart(alg, half - 1n)}`, alg)).toBe(
      `${header}${signaturePart(alg, half - 1n)}`,
    );
    expect(toLowS(`${header}${signaturePart(alg, half + 1n)}`, alg)).toBe(
      `${header}${signaturePart(alg, ORDERS[alg] - half - 1n)}`,
    );
    expect(toLowS(`${header}${signaturePart(alg, ORDERS[alg] - 1n)}`, alg)).toBe(
      `${header}${signaturePart(alg, 1n)}`,
    );
  });

  it("the high form of a token verifies in jose, and in Verify and Refresh with the same claims", async () => {
    const {
      access: { token },
    } = await generateToken({ alg, material, subject: "u", expiresIn: 600 });
    const twin = flipS(token, alg);
    expect(twin).not.toBe(token);
    expect(isHighS(twin, alg)).toBe(true);
    // The malleability is real: jose (WebCrypto) accepts both strings.
    const publicKey = await importJWK(keys.publicJwk, alg);
    await expect(compactVerify(twin, publicKey)).resolves.toBeDefined();
    const original = await verifyToken(token, { alg, material });
    const high = await verifyToken(twin, { alg, material });
    expect(high.claims).toEqual(original.claims);
    expect(high.header).toEqual(original.header);
    const refresh = {
      alg,
      material,
      expiresIn: 600,
      gracePeriod: 0,
      maxSession: 86_400,
      now: Date.now() / 1000,
    };
    const refreshed = await refreshToken(twin, refresh);
    expect(refreshed.previousJti).toBe(original.claims.jti);
    expect(refreshed.subject).toBe("u");
  });

  it("a token signed elsewhere verifies in either form", async () => {
    const {
      access: { token },
    } = await generateToken({ alg, material, subject: "u", expiresIn: 600 });
    expect(await settledOutcome(verifyToken(highS(token, alg), { alg, material }))).toBe(OK);
    expect(await settledOutcome(verifyToken(flipS(highS(token, alg), alg), { alg, material }))).toBe(OK);
    // A changed s that is neither form is still a bad signature.
    const other = flipS(token, alg).replace(/.$/, (c) => (c === "A" ? "Q" : "A"));
    expect(await settledOutcome(verifyToken(other, { alg, material }))).toBe("invalid_signature");
  });
});
