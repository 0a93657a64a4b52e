import { constants, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/jwt/errors.js";
import { parsePrivateKey, parsePublicKeys } from "../../src/jwt/keys/asymmetric.js";
import { signingKey, verificationKeys } from "../../src/jwt/keys/keyring.js";
import {
  bareBase64Blocks,
  findPemBlocks,
  parsePastedJson,
  stripPasteWrapping,
} from "../../src/jwt/keys/paste.js";
import { plainRsaFromPss } from "../../src/jwt/keys/rsa-pss.js";
import { fixtureKey, pem, privateJwk, publicJwk, testKeys, thumbprint } from "../support/keys.js";
import { thrownBy } from "../support/thrown.js";

describe("paste normalisation", () => {
  it("strips quotes and spaces, and decodes a JSON string literal once or twice", () => {
    expect(stripPasteWrapping(`  "abc"  `)).toBe("abc");
    expect(stripPasteWrapping(`'"abc"'`)).toBe("abc");
    expect(stripPasteWrapping(JSON.stringify("line 1\nline 2"))).toBe("line 1\nline 2");
    expect(stripPasteWrapping(JSON.stringify(JSON.stringify({ a: 1 })))).toBe('{"a":1}');
    expect(stripPasteWrapping(`"a" and "b"`)).toBe(`a" and "b`);
  });

  it("finds every PEM block however its line breaks were mangled, re-wrapped canonically", () => {
    const text = pem.pkcs8(testKeys().current.p256);
    const canonical = findPemBlocks(text)[0]?.pem;
    expect(canonical).toBe(text);
    for (const mangled of [
      text.replace(/\n/g, "\\n"),
      text.replace(/\n/g, "\r\n"),
      text.replace(/\n/g, " "),
      text.replace(/\n/g, ""),
      text.replace(/\n/g, "\\r\\n"),
    ]) {
      expect(findPemBlocks(mangled).map((block) => block.pem)).toEqual([canonical]);
    }
    const both = `${fixtureKey("p256").certificate}${text}`;
    expect(findPemBlocks(both).map((block) => block.label)).toEqual(["CERTIFICATE", "PRIVATE KEY"]);
  });

  it("flags RFC 1421 encryption headers", () => {
    const encrypted = String(
      testKeys().current.rsa.privateKey.export({
        type: "pkcs1",
        format: "pem",
        cipher: "aes-128-cbc",
        passphrase: "x",
      }),
    );
    expect(findPemBlocks(encrypted)[0]?.encrypted).toBe(true);
  });

  it("offers a bare base64 body under each label it may carry, and nothing for other text", () => {
    const body = pem.spki(testKeys().current.rsa).split("\n").slice(1, -2).join("\n");
    expect(bareBase64Blocks(body, ["PUBLIC KEY", "CERTIFICATE"]).map((block) => block.label)).toEqual([
      "PUBLIC KEY",
      "CERTIFICATE",
    ]);
    expect(bareBase64Blocks("not a key at all, just words", ["PUBLIC KEY"])).toEqual([]);
  });

  it("parses JSON whose string escapes became real line breaks, or whose line breaks became escapes", () => {
    const file = `${JSON.stringify({ private_key: "a\nb\n", id: "x" }, null, 2)}\n`;
    expect(parsePastedJson(file.replace(/\\n/g, "\n"))).toEqual({ private_key: "a\nb\n", id: "x" });
    expect(parsePastedJson(file.replace(/\\n/g, "\r\n"))).toEqual({ private_key: "a\nb\n", id: "x" });
    expect(parsePastedJson(file.trimEnd().replace(/\n/g, "\\n"))).toEqual({ private_key: "a\nb\n", id: "x" });
    expect(() => parsePastedJson("{not json")).toThrow(SyntaxError);
  });
});

describe("RSA-PSS keys", () => {
  it("unwraps a PSS key to the plain RSA key it holds, which verifies the PSS key's signatures", () => {
    const pss = generateKeyPairSync("rsa-pss", { modulusLength: 2048 });
    const plainPrivate = plainRsaFromPss(pss.privateKey);
    const plainPublic = plainRsaFromPss(pss.publicKey);
    expect(plainPrivate.asymmetricKeyType).toBe("rsa");
    expect(plainPublic.export({ format: "jwk" })).toEqual(
      createPublicKey(plainPrivate).export({ format: "jwk" }),
    );
    const pssOptions = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    const signature = sign("sha256", Buffer.from("data"), { key: pss.privateKey, ...pssOptions });
    expect(verify("sha256", Buffer.from("data"), { key: plainPublic, ...pssOptions }, signature)).toBe(true);
  });

  it("serves only the PS algorithms its parameters allow", () => {
    const text = pem.pkcs8(fixtureKey("rsa-pss"));
    expect(parsePrivateKey(text, "PS256").publicJwk.kty).toBe("RSA");
    expect(thrownBy(() => parsePrivateKey(text, "PS384"), ConfigError)?.code).toBe("wrong_key_kind");
    expect(thrownBy(() => parsePrivateKey(text, "RS256"), ConfigError)?.code).toBe("wrong_key_kind");
  });
});

describe("asymmetric key reading", () => {
  it("returns public halves only from Public Key, whatever was pasted there", () => {
    const key = testKeys().current.p384;
    for (const text of [
      JSON.stringify(privateJwk(key)),
      JSON.stringify({ keys: [privateJwk(key)] }),
      pem.pkcs8(key),
    ]) {
      const [parsed] = parsePublicKeys(text, "ES384");
      expect(parsed?.privateKey).toBeUndefined();
      expect(parsed?.publicKey.type).toBe("public");
      expect(parsed?.publicJwk).toEqual(publicJwk(key));
    }
  });

  it("takes a JWK's kid and a service-account file's private_key_id as the key's own id", () => {
    const key = testKeys().current.rsa;
    expect(parsePrivateKey(JSON.stringify(privateJwk(key, { kid: "k-9" })), "RS256").kid).toBe("k-9");
    expect(parsePublicKeys(JSON.stringify(publicJwk(key, { kid: "k-9" })), "RS256")[0]?.kid).toBe("k-9");
    expect(parsePrivateKey(pem.pkcs8(key), "RS256").kid).toBeUndefined();
  });

  it("throws ConfigErrors that quote nothing of the key", () => {
    const text = pem.pkcs8(testKeys().current.p256);
    const thrown = thrownBy(() => parsePrivateKey(text, "RS512"));
    expect(thrown).toBeInstanceOf(ConfigError);
    for (const line of text.split("\n").filter((l) => l.length > 20))
      expect(String(thrown)).not.toContain(line);
  });
});

describe("asymmetric keyring", () => {
  it("imports a key once per material and algorithm, and derives the verifier with the same kid", async () => {
    const material = { privateKey: pem.pkcs8(testKeys().current.rsa) };
    const signer = await signingKey(material, "RS256");
    expect(await signingKey(material, "RS256")).toBe(signer);
    expect(await signingKey(material, "PS256")).not.toBe(signer);
    const [verifier] = await verificationKeys(material, "RS256");
    expect(verifier?.kid).toBe(signer.kid);
    expect(signer.kid).toBe(thumbprint(testKeys().current.rsa));
    expect(signer.thumbprint).toBe(signer.kid);
  });

  it("does not keep a failed read, so a fixed key is read afresh", async () => {
    const material = { privateKey: "not a key" };
    await expect(signingKey(material, "ES256")).rejects.toBeInstanceOf(ConfigError);
    await expect(signingKey(material, "ES256")).rejects.toBeInstanceOf(ConfigError);
  });
});
