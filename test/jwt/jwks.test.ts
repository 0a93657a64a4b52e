/** publishedKeys: the JWKS and PEM other systems verify this app's tokens with. */
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/jwt/errors.js";
import { publishedKeys } from "../../src/jwt/jwks.js";
import { fixtureKey, pem, privateJwk, publicJwk, thumbprint } from "../support/keys.js";
import { rejectionOf } from "../support/thrown.js";

const rsa = fixtureKey("rsa");
const p256 = fixtureKey("p256");
const ed25519 = fixtureKey("ed25519");
const PUBLIC_MEMBERS = { RSA: ["kty", "n", "e"], EC: ["kty", "crv", "x", "y"], OKP: ["kty", "crv", "x"] };

describe("publishedKeys", () => {
  it.each([
    ["RS256", rsa],
    ["ES256", p256],
    ["EdDSA", ed25519],
  ] as const)(
    "publishes the %s signing key's public members only, under its thumbprint",
    async (alg, key) => {
      const { jwks, publicKeyPem, kid } = await publishedKeys({ privateKey: pem.pkcs8(key) }, alg);
      const expected = publicJwk(key);
      const members = PUBLIC_MEMBERS[expected.kty as keyof typeof PUBLIC_MEMBERS];
      expect(kid).toBe(thumbprint(key));
      expect(jwks.keys).toEqual([
        { ...Object.fromEntries(members.map((name) => [name, expected[name]])), kid, alg, use: "sig" },
      ]);
      expect(publicKeyPem).toBe(pem.spki(key));
    },
  );

  it("publishes under the kid the builder chose, or the private JWK's own", async () => {
    const chosen = await publishedKeys({ privateKey: pem.pkcs8(p256) }, "ES256", "k-2026");
    expect([chosen.kid, chosen.jwks.keys[0]?.kid]).toEqual(["k-2026", "k-2026"]);
    const own = await publishedKeys(
      { privateKey: JSON.stringify(privateJwk(p256, { kid: "mine" })) },
      "ES256",
    );
    expect(own.kid).toBe("mine");
  });

  it("lists the signing key first, then the other keys of Public Key (a rotation's previous key)", async () => {
    const previous = publicJwk(generateKeyPairSync("ec", { namedCurve: "P-256" }), { kid: "prev" });
    const neighbour = publicJwk(p256, { kid: "alias" });
    const otherCurve = publicJwk(fixtureKey("p384"), { kid: "p384" });
    const { jwks } = await publishedKeys(
      {
        privateKey: pem.pkcs8(p256),
        publicKey: JSON.stringify({
          keys: [publicJwk(p256, { kid: thumbprint(p256) }), neighbour, otherCurve, previous],
        }),
      },
      "ES256",
    );
    // The signing key listed again under its own kid is left out; under another kid (an alias) it stays.
    // The P-384 key does not fit ES256 and is skipped.
    expect(jwks.keys.map((key) => key.kid)).toEqual([thumbprint(p256), "alias", "prev"]);
    expect(jwks.keys[2]).toEqual({ ...previous, alg: "ES256", use: "sig" });
  });

  it("keeps another key listed under the signing key's kid: only the same key under it is a repeat", async () => {
    const stranger = publicJwk(generateKeyPairSync("ec", { namedCurve: "P-256" }), { kid: thumbprint(p256) });
    const { jwks } = await publishedKeys(
      { privateKey: pem.pkcs8(p256), publicKey: JSON.stringify({ keys: [stranger] }) },
      "ES256",
    );
    expect(jwks.keys).toHaveLength(2);
    expect(jwks.keys[1]?.x).toBe(stranger.x);
  });

  it("publishes the first key of Public Key when there is no private key", async () => {
    const { kid, jwks, publicKeyPem } = await publishedKeys({ publicKey: pem.spki(rsa) }, "RS256");
    expect(kid).toBe(thumbprint(rsa));
    expect(jwks.keys).toHaveLength(1);
    expect(publicKeyPem).toBe(pem.spki(rsa));
  });

  it("refuses empty keys, naming both plugin keys", async () => {
    for (const material of [{}, { privateKey: "  ", publicKey: "\n" }]) {
      const error = await rejectionOf(publishedKeys(material, "RS256"), ConfigError);
      expect(error?.code).toBe("missing_key");
      expect(error?.message).toBe(
        "The Private Key and Public Key plugin keys are empty; set the private key that signs your RS256 tokens.",
      );
    }
  });
});
