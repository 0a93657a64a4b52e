/**
 * The smaller pieces under verify and generate: the keyring's refusals of missing keys and the keys it
 * imports, the LRU cache, a key error's cause, the JSON depth scan, and the algorithm tables.
 */
import { describe, expect, it } from "vitest";
import { ALGORITHMS, ASYMMETRIC_ALGORITHMS, isHmac, keyTypeFor } from "../../src/jwt/algorithms.js";
import { ConfigError } from "../../src/jwt/errors.js";
import { generateToken } from "../../src/jwt/generate.js";
import { LruCache } from "../../src/jwt/keys/cache.js";
import { signingKey, verificationKeys } from "../../src/jwt/keys/keyring.js";
import { keyError } from "../../src/jwt/keys/names.js";
import { jsonDepthExceeds } from "../../src/jwt/values.js";
import { testSecret } from "../contract/harness.js";
import { fixtureKey, pem } from "../support/keys.js";
import { rejectionOf } from "../support/thrown.js";

describe("the keyring", () => {
  it("refuses a missing or blank signing key, naming it and what the algorithm needs", async () => {
    for (const secret of [undefined, "", "  \n"]) {
      const error = await rejectionOf(signingKey({ secret }, "HS384"), ConfigError);
      expect([error?.code, error?.message]).toEqual([
        "missing_key",
        "The JWT Secret plugin key is empty; HS384 needs a random secret of at least 48 bytes there (64 random characters from a password manager's generator are enough for every HS algorithm).",
      ]);
    }
    const rsa = await rejectionOf(signingKey({ privateKey: " " }, "RS256"), ConfigError);
    expect([rsa?.code, rsa?.message]).toEqual([
      "missing_key",
      "The Private Key plugin key is empty; RS256 needs an RSA private key of 2048 bits or more there.",
    ]);
    const verifying = await rejectionOf(
      verificationKeys({ publicKey: " ", privateKey: "" }, "ES256"),
      ConfigError,
    );
    expect([verifying?.code, verifying?.message]).toEqual([
      "missing_key",
      "The Public Key plugin key is empty (and so is Private Key); ES256 needs an EC public key on curve P-256 there to verify tokens.",
    ]);
  });

  it("leaves out a blank previous secret, and verifies with Private Key's public half when Public Key is blank", async () => {
    const secret = testSecret("keyring-blank");
    expect(await verificationKeys({ secret, previousSecret: "  " }, "HS256")).toHaveLength(1);
    const material = { privateKey: pem.pkcs8(fixtureKey("p256")), publicKey: "\n" };
    const [verifier] = await verificationKeys(material, "ES256");
    expect(verifier?.key.type).toBe("public");
    expect(verifier?.kid).toBe((await signingKey(material, "ES256")).kid);
  });

  it("names JWT Secret when the current secret is the weak one, verifying too", async () => {
    const error = await rejectionOf(verificationKeys({ secret: "short" }, "HS256"), ConfigError);
    expect(error?.message).toMatch(/^The JWT Secret plugin key /);
  });

  it("names Previous JWT Secret when it is the weak one", async () => {
    const error = await rejectionOf(
      verificationKeys({ secret: testSecret("keyring-good"), previousSecret: "short" }, "HS256"),
      ConfigError,
    );
    expect(error?.message).toMatch(/^The Previous JWT Secret plugin key /);
  });

  it("puts process.emitWarning back after importing an Ed25519 key", async () => {
    const before = process.emitWarning;
    await signingKey({ privateKey: pem.pkcs8(fixtureKey("ed25519")) }, "EdDSA");
    await verificationKeys({ publicKey: pem.spki(fixtureKey("ed25519")) }, "EdDSA");
    expect(process.emitWarning).toBe(before);
  });

  it("imports keys that cannot be exported again", async () => {
    const hmac = await signingKey({ secret: testSecret("keyring-extractable") }, "HS256");
    const ec = await signingKey({ privateKey: pem.pkcs8(fixtureKey("p256")) }, "ES256");
    const [ecPublic] = await verificationKeys({ publicKey: pem.spki(fixtureKey("p384")) }, "ES384");
    expect([hmac.key.extractable, ec.key.extractable, ecPublic?.key.extractable]).toEqual([
      false,
      false,
      false,
    ]);
    expect([hmac.key.usages.sort(), ec.key.usages, ecPublic?.key.usages]).toEqual([
      ["sign", "verify"],
      ["sign"],
      ["verify"],
    ]);
  });

  it("reads the same text under another slot or algorithm as another key", async () => {
    const secret = testSecret("keyring-slots", 64);
    const current = await signingKey({ secret }, "HS256");
    const [, previous] = await verificationKeys(
      { secret: testSecret("keyring-other"), previousSecret: secret },
      "HS256",
    );
    expect(previous).not.toBe(current);
    expect(await signingKey({ secret }, "HS512")).not.toBe(current);
    const material = { privateKey: pem.pkcs8(fixtureKey("p256")), publicKey: pem.spki(fixtureKey("p256")) };
    const [fromPublic] = await verificationKeys(material, "ES256");
    expect(fromPublic).not.toBe(await signingKey(material, "ES256"));
  });
});

describe("keyError", () => {
  it("keeps a cause only when there is one", () => {
    const cause = new Error("node's");
    expect(keyError("weak_key", "JWT Secret", "is weak.", cause).cause).toBe(cause);
    const without = keyError("weak_key", "JWT Secret", "is weak.");
    expect([without.message, "cause" in without]).toEqual(["The JWT Secret plugin key is weak.", false]);
  });
});

describe("LruCache", () => {
  it("counts a read as a use, replaces a value in place, and forgets a deleted key", () => {
    const cache = new LruCache<number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("a", 3);
    cache.set("c", 4);
    // "a" was set again after "b", so "b" is the least recently used.
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([3, undefined, 4]);
    cache.get("a");
    cache.set("d", 5);
    expect([cache.get("a"), cache.get("c")]).toEqual([3, undefined]);
    cache.delete("a");
    expect([cache.get("a"), cache.size]).toEqual([undefined, 1]);
  });
});

describe("jsonDepthExceeds", () => {
  it("counts open arrays and objects, closed ones no longer, brackets in strings never", () => {
    expect(jsonDepthExceeds("[[[]]]", 3)).toBe(false);
    expect(jsonDepthExceeds("[[[[]]]]", 3)).toBe(true);
    expect(jsonDepthExceeds("[[]] [[]] [[]] [[]]", 2)).toBe(false);
    expect(jsonDepthExceeds("{}{}{}{}", 1)).toBe(false);
    expect(jsonDepthExceeds('["[[[[", "{{{{"]', 1)).toBe(false);
    expect(jsonDepthExceeds('["\\"[[[["]', 1)).toBe(false);
    expect(jsonDepthExceeds('["\\\\", [[]]]', 2)).toBe(true);
    expect(jsonDepthExceeds('"a" [[]]', 1)).toBe(true);
    expect(jsonDepthExceeds('"\\\\"[[]]', 1)).toBe(true);
  });
});

describe("the algorithm tables", () => {
  it("give each algorithm its key type, and list the asymmetric ones", () => {
    expect(ALGORITHMS.map(keyTypeFor)).toEqual([
      ...["oct", "oct", "oct"],
      ...["RSA", "RSA", "RSA", "RSA", "RSA", "RSA"],
      ...["EC", "EC", "EC"],
      "OKP",
    ]);
    expect(ASYMMETRIC_ALGORITHMS).toEqual(ALGORITHMS.slice(3));
    expect(ALGORITHMS.filter(isHmac)).toEqual(["HS256", "HS384", "HS512"]);
  });
});

describe("messages", () => {
  it("name a refused now", async () => {
    const error = await rejectionOf(
      generateToken({ alg: "HS256", material: {}, subject: "u", expiresIn: 60, now: -1 }),
      ConfigError,
    );
    expect(error?.message).toBe("The now option must be a number of seconds from 0 to 8640000000000.");
  });
});
