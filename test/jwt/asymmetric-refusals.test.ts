/**
 * What parsePrivateKey and parsePublicKeys make of each way a plugin key can be wrong: the ConfigError's
 * code and its whole message (which plugin key, what it holds, what the algorithm needs), and of the
 * forms they read besides PEM and JWK (a service-account file, a JWKS, a body without its PEM lines).
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/jwt/errors.js";
import { keyNeeded, parsePrivateKey, parsePublicKeys } from "../../src/jwt/keys/asymmetric.js";
import { fixtureKey, pem, privateJwk, publicJwk, serviceAccountFile } from "../support/keys.js";
import { thrownBy } from "../support/thrown.js";

const rsa = fixtureKey("rsa");
const p256 = fixtureKey("p256");
const ed25519 = fixtureKey("ed25519");
const RS256_PRIVATE = "RS256 needs an RSA private key of 2048 bits or more";
const RS256_PUBLIC = "RS256 needs an RSA public key of 2048 bits or more";
const WHOLE_PEM = "pasted whole with its BEGIN and END lines";

const pairOf = (privateKey: KeyObject) => ({ privateKey, publicKey: privateKey });
const refusal = (run: () => unknown) => {
  const error = thrownBy(run, ConfigError);
  return [error?.code, error?.message];
};

describe("keyNeeded", () => {
  it("says the key type, half and size or curve each algorithm needs", () => {
    expect(keyNeeded("RS256", "private")).toBe(RS256_PRIVATE);
    expect(keyNeeded("PS512", "public")).toBe("PS512 needs an RSA public key of 2048 bits or more");
    expect(keyNeeded("ES384", "private")).toBe("ES384 needs an EC private key on curve P-384");
    expect(keyNeeded("EdDSA", "public")).toBe("EdDSA needs an Ed25519 public key");
  });
});

describe("parsePrivateKey", () => {
  it("reads a Google service-account file, with its private_key_id as the kid", () => {
    const parsed = parsePrivateKey(serviceAccountFile(rsa, "abc123"), "RS256");
    expect(parsed.kid).toBe("abc123");
    expect(parsed.publicJwk).toEqual(publicJwk(rsa));
    expect(parsePrivateKey(serviceAccountFile(rsa, ""), "RS256").kid).toBeUndefined();
  });

  it("reads the one private key of a JWKS, the one for the algorithm among others", () => {
    const alone = JSON.stringify({ keys: [privateJwk(rsa, { kid: "only" })] });
    expect(parsePrivateKey(alone, "RS256").kid).toBe("only");
    const mixed = JSON.stringify({
      keys: [publicJwk(p256), privateJwk(p256, { kid: "ec" }), privateJwk(rsa, { kid: "rsa" })],
    });
    expect(parsePrivateKey(mixed, "RS256").kid).toBe("rsa");
    expect(parsePrivateKey(mixed, "ES256").kid).toBe("ec");
  });

  it.each([
    [
      "a public JWK",
      JSON.stringify(publicJwk(rsa)),
      "wrong_key_kind",
      `holds a public JWK (it has no "d"); ${RS256_PRIVATE}.`,
    ],
    [
      "JSON that is no key",
      '{"type":"other"}',
      "unreadable_key",
      `is JSON but neither a JWK nor a service-account file; ${RS256_PRIVATE}.`,
    ],
    [
      "text that is not JSON",
      "{not json",
      "unreadable_key",
      `starts with "{" but is not valid JSON; paste the whole file (${RS256_PRIVATE}).`,
    ],
    [
      "a JWKS of two private keys for the algorithm",
      JSON.stringify({ keys: [privateJwk(rsa), privateJwk(rsa, { kid: "again" })] }),
      "wrong_key_kind",
      `is a JWKS with several private keys for RS256; paste the one that signs on its own (${RS256_PRIVATE}).`,
    ],
    [
      "a JWKS of public keys only",
      JSON.stringify({ keys: [publicJwk(rsa)] }),
      "wrong_key_kind",
      `is a JWKS without a private key for RS256; ${RS256_PRIVATE}.`,
    ],
    [
      "a JWKS whose one private key is for another algorithm",
      JSON.stringify({ keys: [privateJwk(p256)] }),
      "wrong_key_kind",
      `is an EC key on curve P-256; ${RS256_PRIVATE}.`,
    ],
    [
      "a JWK marked for another algorithm",
      JSON.stringify(privateJwk(rsa, { alg: "RS512" })),
      "wrong_key_kind",
      `is a JWK marked for another algorithm (its "alg"); set the action's algorithm to the JWK's, or paste another key (${RS256_PRIVATE}).`,
    ],
    [
      "a JWK marked for encryption",
      JSON.stringify(privateJwk(rsa, { use: "enc" })),
      "wrong_key_kind",
      `is a JWK marked for encryption, not signatures (its "use"); ${RS256_PRIVATE}.`,
    ],
    [
      "a JWK for other operations",
      JSON.stringify(privateJwk(rsa, { key_ops: ["encrypt"] })),
      "wrong_key_kind",
      `is a JWK whose "key_ops" allow neither signing nor verifying; ${RS256_PRIVATE}.`,
    ],
    [
      "a JWK node cannot read",
      JSON.stringify({ kty: "RSA", n: "AQAB", e: "AQAB", d: "AQAB" }),
      "unreadable_key",
      `is a JWK that could not be read; ${RS256_PRIVATE}, pasted whole.`,
    ],
    [
      "a key protected by a passphrase",
      rsa.privateKey.export({
        type: "pkcs8",
        format: "pem",
        cipher: "aes-256-cbc",
        passphrase: "pass",
      }) as string,
      "unreadable_key",
      `is protected by a passphrase; ${RS256_PRIVATE} without one (export it unencrypted, e.g. as PKCS#8).`,
    ],
    ["a public key", pem.spki(rsa), "wrong_key_kind", `holds a public key or certificate; ${RS256_PRIVATE}.`],
    [
      "a PEM block that is no key",
      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
      "unreadable_key",
      `could not be read as a private key; ${RS256_PRIVATE}, ${WHOLE_PEM}.`,
    ],
    [
      "text that is no key at all",
      "my private key",
      "unreadable_key",
      `is not a PEM key, a JWK or a service-account file; ${RS256_PRIVATE}, pasted whole.`,
    ],
  ])("refuses %s, naming Private Key and what RS256 needs", (_, text, code, whatAndFix) => {
    expect(refusal(() => parsePrivateKey(text, "RS256"))).toEqual([
      code,
      `The Private Key plugin key ${whatAndFix}`,
    ]);
  });

  it("keeps node's error as the cause of an unreadable key", () => {
    const error = thrownBy(
      () => parsePrivateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "RS256"),
      ConfigError,
    );
    expect(error?.cause).toBeInstanceOf(Error);
    expect(thrownBy(() => parsePrivateKey("{not json", "RS256"), ConfigError)?.cause).toBeInstanceOf(
      SyntaxError,
    );
  });

  it("reads a key body pasted without its BEGIN and END lines", () => {
    const body = pem
      .pkcs8(p256)
      .split("\n")
      .filter((line) => line && !line.startsWith("-----"))
      .join("");
    expect(parsePrivateKey(body, "ES256").publicJwk).toEqual(publicJwk(p256));
  });

  it("finds the private key in a key file that holds its certificate first, and reads PKCS#1 and SEC1", () => {
    const rsaFile = `${fixtureKey("rsa").certificate}${pem.pkcs8(rsa)}`;
    expect(parsePrivateKey(rsaFile, "RS256").publicJwk).toEqual(publicJwk(rsa));
    const pkcs1File = `${fixtureKey("rsa").certificate}${pem.pkcs1(rsa)}`;
    expect(parsePrivateKey(pkcs1File, "RS256").publicJwk).toEqual(publicJwk(rsa));
    expect(parsePrivateKey(pem.pkcs1(rsa), "RS256").publicJwk).toEqual(publicJwk(rsa));
    expect(parsePrivateKey(pem.sec1(p256), "ES256").publicJwk).toEqual(publicJwk(p256));
  });

  it("reads every kind of key body pasted without its PEM lines", () => {
    const bare = (text: string) =>
      text
        .split("\n")
        .filter((line) => line && !line.startsWith("-----"))
        .join("");
    expect(parsePrivateKey(bare(pem.pkcs8(rsa)), "RS256").publicJwk).toEqual(publicJwk(rsa));
    expect(parsePrivateKey(bare(pem.pkcs1(rsa)), "RS256").publicJwk).toEqual(publicJwk(rsa));
    expect(parsePrivateKey(bare(pem.sec1(p256)), "ES256").publicJwk).toEqual(publicJwk(p256));
    expect(parsePublicKeys(bare(pem.spki(rsa)), "RS256")[0]?.publicJwk).toEqual(publicJwk(rsa));
    expect(parsePublicKeys(bare(fixtureKey("rsa").certificate), "RS256")[0]?.publicJwk).toEqual(
      publicJwk(rsa),
    );
    expect(parsePublicKeys(bare(pem.pkcs1Public(rsa)), "RS256")[0]?.publicJwk).toEqual(publicJwk(rsa));
  });

  it("takes a JWK whose key_ops hold either signature operation", () => {
    expect(
      parsePrivateKey(JSON.stringify(privateJwk(p256, { key_ops: ["sign"] })), "ES256").kid,
    ).toBeUndefined();
    expect(
      parsePrivateKey(JSON.stringify(privateJwk(p256, { key_ops: ["verify"] })), "ES256").kid,
    ).toBeUndefined();
  });

  it("serves a PS algorithm from an RSA-PSS key only as its parameters allow", () => {
    const pss = (options: Record<string, unknown>) =>
      pem.pkcs8(pairOf(generateKeyPairSync("rsa-pss", { modulusLength: 2048, ...options }).privateKey));
    const outcome = (text: string, alg: "PS256" | "PS384" | "PS512") =>
      thrownBy(() => parsePrivateKey(text, alg), ConfigError)?.code ?? "ok";
    const free = pss({});
    expect([outcome(free, "PS256"), outcome(free, "PS384"), outcome(free, "PS512")]).toEqual([
      "ok",
      "ok",
      "ok",
    ]);
    const otherMgf = pss({ hashAlgorithm: "sha256", mgf1HashAlgorithm: "sha384", saltLength: 32 });
    expect([outcome(otherMgf, "PS256"), outcome(otherMgf, "PS384")]).toEqual([
      "wrong_key_kind",
      "wrong_key_kind",
    ]);
    const longSalt = pss({ hashAlgorithm: "sha256", mgf1HashAlgorithm: "sha256", saltLength: 48 });
    expect([outcome(longSalt, "PS256"), outcome(longSalt, "PS384")]).toEqual([
      "wrong_key_kind",
      "wrong_key_kind",
    ]);
    const exact = pss({ hashAlgorithm: "sha384", mgf1HashAlgorithm: "sha384", saltLength: 48 });
    expect([outcome(exact, "PS384"), outcome(exact, "PS256")]).toEqual(["ok", "wrong_key_kind"]);
    expect(refusal(() => parsePrivateKey(pem.pkcs8(fixtureKey("rsa-pss")), "PS384"))).toEqual([
      "wrong_key_kind",
      "The Private Key plugin key is an RSA-PSS key restricted to other parameters than PS384 uses; set the action's algorithm to the one it was made for, or paste another key (PS384 needs an RSA private key of 2048 bits or more).",
    ]);
  });

  it.each([
    [
      "an X448 key",
      "EdDSA",
      () => generateKeyPairSync("x448").privateKey,
      "wrong_key_kind",
      "is a key-agreement key, not a signing key; EdDSA needs an Ed25519 private key.",
    ],
    [
      "a DSA key",
      "RS256",
      () => generateKeyPairSync("dsa", { modulusLength: 1024, divisorLength: 160 }).privateKey,
      "wrong_key_kind",
      `is a key of an unsupported type; ${RS256_PRIVATE}.`,
    ],
    [
      "an RSA key of 1024 bits",
      "RS256",
      () => generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey,
      "weak_key",
      `is an RSA key of 1024 bits; ${RS256_PRIVATE}.`,
    ],
    [
      "an RSA key",
      "ES256",
      () => rsa.privateKey,
      "wrong_key_kind",
      "is an RSA key of 2048 bits; ES256 needs an EC private key on curve P-256.",
    ],
    [
      "an EC key on P-256",
      "ES384",
      () => p256.privateKey,
      "wrong_key_kind",
      "is an EC key on curve P-256; ES384 needs an EC private key on curve P-384.",
    ],
    [
      "an EC key on secp256k1",
      "ES256",
      () => generateKeyPairSync("ec", { namedCurve: "secp256k1" }).privateKey,
      "wrong_key_kind",
      "is an EC key on an unsupported curve; ES256 needs an EC private key on curve P-256.",
    ],
    [
      "an Ed25519 key",
      "RS256",
      () => ed25519.privateKey,
      "wrong_key_kind",
      `is an Ed25519 key; ${RS256_PRIVATE}.`,
    ],
    [
      "an Ed448 key",
      "EdDSA",
      () => generateKeyPairSync("ed448").privateKey,
      "wrong_key_kind",
      "is an Ed448 key; EdDSA needs an Ed25519 private key.",
    ],
    [
      "an X25519 key",
      "EdDSA",
      () => generateKeyPairSync("x25519").privateKey,
      "wrong_key_kind",
      "is a key-agreement key, not a signing key; EdDSA needs an Ed25519 private key.",
    ],
    [
      "an RSA-PSS key",
      "RS256",
      () => fixtureKey("rsa-pss").privateKey,
      "wrong_key_kind",
      `is an RSA-PSS key of 2048 bits (for PS algorithms only); ${RS256_PRIVATE}.`,
    ],
  ] as const)(
    "describes %s that does not fit %s by its type and size only",
    (_, alg, key, code, whatAndFix) => {
      const text = pem.pkcs8(pairOf(key()));
      expect(refusal(() => parsePrivateKey(text, alg))).toEqual([
        code,
        `The Private Key plugin key ${whatAndFix}`,
      ]);
    },
  );
});

describe("parsePublicKeys", () => {
  it("reads a certificate, and a key body pasted without its PEM lines", () => {
    expect(parsePublicKeys(fixtureKey("rsa").certificate, "RS256")[0]?.publicJwk).toEqual(publicJwk(rsa));
    const body = pem
      .spki(p256)
      .split("\n")
      .filter((line) => line && !line.startsWith("-----"))
      .join("");
    expect(parsePublicKeys(body, "ES256")[0]?.publicJwk).toEqual(publicJwk(p256));
  });

  it("returns every key of a JWKS that fits, with its kid, skipping the others", () => {
    const keys = parsePublicKeys(
      JSON.stringify({
        keys: [publicJwk(p256, { kid: "a" }), publicJwk(rsa, { kid: "b" }), "junk", publicJwk(rsa)],
      }),
      "RS256",
    );
    expect(keys.map((key) => key.kid)).toEqual(["b", undefined]);
  });

  it.each([
    [
      "a JWKS without a key for the algorithm",
      JSON.stringify({ keys: [publicJwk(p256)] }),
      "wrong_key_kind",
      `is a JWKS without a signing key for RS256; add one (${RS256_PUBLIC}) or choose the algorithm of its keys.`,
    ],
    [
      "JSON that is no key",
      '{"keys":{}}',
      "unreadable_key",
      `is JSON but neither a JWK nor a JWKS; ${RS256_PUBLIC}.`,
    ],
    [
      "a JWK marked for another algorithm",
      JSON.stringify(publicJwk(rsa, { alg: "PS256" })),
      "wrong_key_kind",
      `is a JWK marked for another algorithm (its "alg"); set the action's algorithm to the JWK's, or paste another key (${RS256_PUBLIC}).`,
    ],
    [
      "an encrypted private key",
      rsa.privateKey.export({
        type: "pkcs8",
        format: "pem",
        cipher: "aes-256-cbc",
        passphrase: "pass",
      }) as string,
      "unreadable_key",
      `is an encrypted private key; ${RS256_PUBLIC}.`,
    ],
    [
      "a PEM block that is no key",
      "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
      "unreadable_key",
      `could not be read as a public key or certificate; ${RS256_PUBLIC}, ${WHOLE_PEM}.`,
    ],
    [
      "text that is no key at all",
      "my public key",
      "unreadable_key",
      `is not a PEM key, a certificate, a JWK or a JWKS; ${RS256_PUBLIC}, pasted whole.`,
    ],
    [
      "an RSA key with an even public exponent",
      JSON.stringify({ ...publicJwk(rsa), e: "AQAA" }),
      "weak_key",
      `is an RSA key with an unsafe public exponent; ${RS256_PUBLIC}.`,
    ],
  ])("refuses %s, naming Public Key and what RS256 needs", (_, text, code, whatAndFix) => {
    expect(refusal(() => parsePublicKeys(text, "RS256"))).toEqual([
      code,
      `The Public Key plugin key ${whatAndFix}`,
    ]);
  });
});
