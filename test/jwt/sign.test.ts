/** signClaims and newTokenId: the compact JWS Generate and Refresh write. */
import { compactVerify, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { signingKey, verificationKeys } from "../../src/jwt/keys/keyring.js";
import { newTokenId, signClaims } from "../../src/jwt/sign.js";
import { testSecret } from "../contract/harness.js";
import { isHighS } from "../support/ecdsa.js";
import { fixtureKey, pem } from "../support/keys.js";

const claims = { sub: "u", exp: 2_000_000_000 };

describe("signClaims", () => {
  it("writes alg, and typ and kid only when given, over the claims as JSON", async () => {
    const material = { secret: testSecret("sign") };
    const key = await signingKey(material, "HS256");
    const bare = await signClaims(claims, "HS256", key, {});
    expect(decodeProtectedHeader(bare)).toEqual({ alg: "HS256" });
    const full = await signClaims(claims, "HS256", key, { typ: "JWT", kid: "k" });
    expect(decodeProtectedHeader(full)).toEqual({ alg: "HS256", typ: "JWT", kid: "k" });
    expect(decodeProtectedHeader(await signClaims(claims, "HS256", key, { typ: "", kid: "" }))).toEqual({
      alg: "HS256",
    });
    const [verifier] = await verificationKeys(material, "HS256");
    const { payload } = await compactVerify(full, (verifier as { key: CryptoKey }).key);
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(claims);
  });

  it("writes ECDSA signatures in the low form, which still verify", async () => {
    const material = { privateKey: pem.pkcs8(fixtureKey("p384")) };
    const key = await signingKey(material, "ES384");
    const [verifier] = await verificationKeys(material, "ES384");
    for (let i = 0; i < 16; i++) {
      const token = await signClaims({ ...claims, n: i }, "ES384", key, {});
      expect(isHighS(token, "ES384")).toBe(false);
      await expect(compactVerify(token, (verifier as { key: CryptoKey }).key)).resolves.toBeDefined();
    }
  });
});

describe("newTokenId", () => {
  it("is a random version 4 UUID", () => {
    const ids = new Set(Array.from({ length: 100 }, newTokenId));
    expect(ids.size).toBe(100);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
