/** The one rule for whether a JWK is a key for an algorithm (pasted keys and providers' keys alike). */
import { describe, expect, it } from "vitest";
import {
  isSoundRsaExponent,
  jwkAlgAllows,
  jwkFitsAlgorithm,
  keyOpsAllow,
  publishedJwkFitsAlgorithm,
} from "../../src/jwt/keys/jwk-fit.js";

const rsa = { kty: "RSA", n: "x", e: "AQAB" };
const p256 = { kty: "EC", crv: "P-256", x: "x", y: "y" };
const ed = { kty: "OKP", crv: "Ed25519", x: "x" };

describe("jwkFitsAlgorithm", () => {
  it("takes the key type and curve each algorithm signs with", () => {
    expect([
      jwkFitsAlgorithm(rsa, "RS256"),
      jwkFitsAlgorithm(rsa, "PS512"),
      jwkFitsAlgorithm(rsa, "ES256"),
    ]).toEqual([true, true, false]);
    expect([
      jwkFitsAlgorithm(p256, "ES256"),
      jwkFitsAlgorithm(p256, "ES384"),
      jwkFitsAlgorithm(p256, "RS256"),
    ]).toEqual([true, false, false]);
    expect([
      jwkFitsAlgorithm(ed, "EdDSA"),
      jwkFitsAlgorithm({ ...ed, crv: "Ed448" }, "EdDSA"),
      jwkFitsAlgorithm({ ...ed, crv: "X25519" }, "EdDSA"),
    ]).toEqual([true, false, false]);
    expect(jwkFitsAlgorithm({ kty: "oct", k: "x" }, "RS256")).toBe(false);
  });
  it("honours alg, use and key_ops when present", () => {
    expect(jwkFitsAlgorithm({ ...rsa, alg: "RS256" }, "RS256")).toBe(true);
    expect(jwkFitsAlgorithm({ ...rsa, alg: "RS384" }, "RS256")).toBe(false);
    expect(jwkFitsAlgorithm({ ...rsa, use: "sig" }, "RS256")).toBe(true);
    expect(jwkFitsAlgorithm({ ...rsa, use: "enc" }, "RS256")).toBe(false);
    expect(jwkFitsAlgorithm({ ...rsa, key_ops: ["sign"] }, "RS256")).toBe(true);
    expect(jwkFitsAlgorithm({ ...rsa, key_ops: ["verify"] }, "RS256")).toBe(true);
    expect(jwkFitsAlgorithm({ ...rsa, key_ops: ["encrypt"] }, "RS256")).toBe(false);
    expect(jwkFitsAlgorithm({ ...ed, alg: "Ed25519" }, "EdDSA")).toBe(true);
  });
});

describe("publishedJwkFitsAlgorithm", () => {
  it("also asks a provider's key with key_ops to allow verify", () => {
    expect(publishedJwkFitsAlgorithm(rsa, "RS256")).toBe(true);
    expect(publishedJwkFitsAlgorithm({ ...rsa, key_ops: ["verify"] }, "RS256")).toBe(true);
    expect(publishedJwkFitsAlgorithm({ ...rsa, key_ops: ["sign"] }, "RS256")).toBe(false);
    expect(publishedJwkFitsAlgorithm({ ...rsa, key_ops: ["verify"], use: "enc" }, "RS256")).toBe(false);
  });
});

describe("keyOpsAllow and jwkAlgAllows", () => {
  it("read absent as allowed, and only a list holding a wanted operation otherwise", () => {
    expect(keyOpsAllow(undefined, ["verify"])).toBe(true);
    expect(keyOpsAllow([], ["verify"])).toBe(false);
    expect(keyOpsAllow("verify", ["verify"])).toBe(false);
    expect(keyOpsAllow(["sign", "verify"], ["verify"])).toBe(true);
  });
  it("read an alg as the algorithm's name, or Ed25519 for EdDSA only", () => {
    expect([
      jwkAlgAllows(undefined, "ES256"),
      jwkAlgAllows("ES256", "ES256"),
      jwkAlgAllows("ES384", "ES256"),
    ]).toEqual([true, true, false]);
    expect([
      jwkAlgAllows("Ed25519", "EdDSA"),
      jwkAlgAllows("Ed25519", "ES256"),
      jwkAlgAllows("EdDSA", "EdDSA"),
    ]).toEqual([true, false, true]);
    expect(jwkAlgAllows("ES256", "EdDSA")).toBe(false);
  });
});

describe("isSoundRsaExponent", () => {
  it("takes odd exponents from 3, nothing else", () => {
    expect([3n, 65537n, 5n].map(isSoundRsaExponent)).toEqual([true, true, true]);
    expect([1n, 2n, 4n, 65536n, 0n, -3n, undefined].map(isSoundRsaExponent)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
