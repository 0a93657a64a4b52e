/**
 * The JWT Secret checks one rule at a time, each case at the edge where the rule decides, asserting the
 * error code and the whole message a builder reads (secret-strength.test.ts covers the broad sweeps).
 */
import { generateKeyPairSync } from "node:crypto";
import { base64url } from "jose";
import { describe, expect, it } from "vitest";
import type { HmacAlgorithm } from "../../src/jwt/algorithms.js";
import { ConfigError } from "../../src/jwt/errors.js";
import { parseHmacSecret } from "../../src/jwt/keys/secret.js";
import { thrownBy } from "../support/thrown.js";

const HOW =
  "make one with a password manager's generator (64 random characters, letters and digits) or the plugin's npm run keygen";
const KEYS_ELSEWHERE = `put keys in Private Key and Public Key and choose an RS, PS, ES or EdDSA algorithm, or ${HOW}.`;

/** `code: message` of the refusal, or "accepted". */
function verdict(secret: string, alg: HmacAlgorithm = "HS256"): string {
  const error = thrownBy(() => parseHmacSecret(secret, alg, "secret"), ConfigError);
  return error ? `${error.code}: ${error.message}` : "accepted";
}

const holds = (material: string, alg: HmacAlgorithm = "HS256") =>
  `wrong_key_kind: The JWT Secret plugin key holds ${material}, but ${alg} needs a random secret; ${KEYS_ELSEWHERE}`;
const tooShort = (alg: HmacAlgorithm, min: number) =>
  `weak_key: The JWT Secret plugin key is too short for ${alg}: it needs at least ${min} bytes; ${HOW}.`;
const PLACEHOLDER = `weak_key: The JWT Secret plugin key contains a well-known placeholder phrase, so anyone could forge tokens; ${HOW}.`;
const LITTLE_VARIETY = `weak_key: The JWT Secret plugin key has too little variety (a few characters, or a short run repeated) to be secret; ${HOW}.`;

const b64 = (data: string | Uint8Array) => Buffer.from(data).toString("base64");
const hex = (data: string | Uint8Array) => Buffer.from(data).toString("hex");
const oct = (fields: Record<string, unknown>) => JSON.stringify({ kty: "oct", ...fields });
/** 32 bytes no check refuses, as a JWK's k. */
const GOOD_K = base64url.encode(Buffer.from("Zq81bX0pLwT4mN7cRv5sJ2yHk6dQe9Ua"));

// 24 bytes: base64 of them is exactly 32 characters, with no padding.
const PEM_START_24 = "-----BEGIN PUBLIC KEY---";

describe("length, placeholder and variety rules", () => {
  it("too short: 31 bytes for HS256, with the minimum named", () => {
    expect(verdict("Zq81bX0pLwT4mN7cRv5sJ2yHk6dQe9U")).toBe(tooShort("HS256", 32));
  });

  it("placeholder: found across separators (your-256-bit-secret)", () => {
    expect(verdict("your-256-bit-secret-Zq81bX0pLwT4mN7cRv5s")).toBe(PLACEHOLDER);
  });

  it("variety: 5 distinct characters in no repeating run are refused, 6 are enough", () => {
    expect(verdict(`abcde${"e".repeat(27)}`)).toBe(LITTLE_VARIETY);
    expect(verdict("acbfedafcbdeefabdcfbeadcfabdecfa")).toBe("accepted");
  });

  it("variety: a run repeated exactly twice (period = half the length) is refused", () => {
    expect(verdict("Zq81bX0pLwT4mN7c".repeat(2))).toBe(LITTLE_VARIETY);
  });
});

describe("key material read through base64 and hex", () => {
  it("base64 from 32 characters: 32 decode to a PEM start, 28 are only too short", () => {
    expect(verdict(b64(PEM_START_24))).toBe(holds("a PEM key encoded in base64"));
    expect(verdict(b64(PEM_START_24.slice(0, 21)))).toBe(tooShort("HS256", 32));
  });

  it("hex from 32 characters: 32 decode to a PEM start, 30 are only too short", () => {
    expect(verdict(hex(PEM_START_24.slice(0, 16)))).toBe(holds("a PEM key encoded in hex"));
    expect(verdict(hex(PEM_START_24.slice(0, 15)))).toBe(tooShort("HS256", 32));
  });

  it("base64 means the whole text: a stray character before or after stops the decoding", () => {
    expect(verdict(`changeme!${b64(PEM_START_24)}`)).toBe(PLACEHOLDER);
    expect(verdict(`${b64(PEM_START_24)}!changeme`)).toBe(PLACEHOLDER);
  });

  it("hex means whole bytes of the whole text: an odd digit or a stray character stops the decoding", () => {
    expect(verdict(`${hex(PEM_START_24)}123456789`)).toBe(PLACEHOLDER);
    expect(verdict(`${hex(PEM_START_24)}!1234567890`)).toBe(PLACEHOLDER);
    // 0x counts only as a prefix.
    expect(verdict(`${hex(PEM_START_24)}0x1234567890`)).toBe(PLACEHOLDER);
  });

  it("a bare base64 DER body is named as one, and must be the whole text", () => {
    const der = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({
      format: "der",
      type: "spki",
    });
    expect(b64(der).endsWith("=")).toBe(true);
    expect(verdict(b64(der))).toBe(
      holds("a key or certificate body (base64 without its BEGIN and END lines)"),
    );
    expect(verdict(`${b64(der)}!changeme`)).toBe(PLACEHOLDER);
  });

  it("stops after two decodings (MAX_NESTING): a PEM start three encodings deep is read as text", () => {
    const threeDeep = b64(b64(b64(PEM_START_24)));
    expect(threeDeep.length).toBe(60);
    expect(verdict(threeDeep, "HS512")).toBe(tooShort("HS512", 64));
    expect(verdict(b64(b64(PEM_START_24)), "HS512")).toBe(
      holds("a PEM key encoded in base64 encoded in base64", "HS512"),
    );
  });

  it("a PEM whose dashes are JSON escapes inside quotes is found once the quotes are undone", () => {
    const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({
      format: "pem",
      type: "spki",
    }) as string;
    const escaped = JSON.stringify(pem).replace(/-/g, "\\u002d");
    expect(escaped).not.toContain("-----BEGIN");
    expect(verdict(escaped)).toBe(holds("a PEM key"));
  });
});

describe("DER keys as raw bytes (an oct JWK's k)", () => {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  it.each([
    ["an RSA public key in PKCS#1", rsa.publicKey.export({ format: "der", type: "pkcs1" })],
    ["an EC private key in PKCS#8", ec.privateKey.export({ format: "der", type: "pkcs8" })],
    ["an EC private key in SEC1", ec.privateKey.export({ format: "der", type: "sec1" })],
    // Read by the PKCS#8 reader alone on Node 18 and 20 (an EC one is read by the SEC1 reader too).
    [
      "an Ed25519 private key in PKCS#8",
      generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }),
    ],
  ] as const)("%s is refused as key material", (_what, der) => {
    expect(verdict(oct({ k: base64url.encode(der) }))).toBe(
      holds("a key or certificate in binary (DER) form"),
    );
  });
});

describe("JSON that is not an oct JWK", () => {
  const publicJwk = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" });
  const JSON_KEY = holds("a public or private key as JSON");

  it("a public JWK, a JWKS with an asymmetric key among secrets, a null entry, a service-account file", () => {
    expect(verdict(JSON.stringify(publicJwk))).toBe(JSON_KEY);
    expect(verdict(JSON.stringify({ keys: [{ kty: "oct", k: GOOD_K }, publicJwk] }))).toBe(JSON_KEY);
    expect(verdict(JSON.stringify({ keys: [publicJwk] }))).toBe(JSON_KEY);
    expect(verdict(JSON.stringify({ keys: [null] }))).toBe(JSON_KEY);
    expect(verdict(JSON.stringify({ type: "service_account", private_key: "not a PEM" }))).toBe(JSON_KEY);
  });

  it("a JWKS of secrets only: the fix is one JWK here, the previous one in Previous JWT Secret", () => {
    expect(verdict(JSON.stringify({ keys: [{ kty: "oct", k: GOOD_K }] }))).toBe(
      "wrong_key_kind: The JWT Secret plugin key is a JWKS; paste the one oct JWK that signs on its own (a rotation's previous one goes in Previous JWT Secret).",
    );
  });

  it("text that starts with { but is not JSON", () => {
    expect(verdict("{Zq81bX0pLwT4mN7cRv5sJ2yHk6dQe9Ua")).toBe(
      'unreadable_key: The JWT Secret plugin key starts with "{" but is not valid JSON; paste the whole JWK.',
    );
  });

  it("a JWK without a kty", () => {
    expect(verdict(JSON.stringify({ k: GOOD_K }))).toBe(
      'wrong_key_kind: The JWT Secret plugin key is JSON but not an "oct" JWK; paste plain text or an oct JWK.',
    );
  });

  it("an oct JWK for another HMAC algorithm", () => {
    expect(verdict(oct({ alg: "HS512", k: GOOD_K }))).toBe(
      "wrong_key_kind: The JWT Secret plugin key is a JWK for another algorithm; choose that algorithm or a key for HS256.",
    );
    expect(verdict(oct({ alg: "HS256", k: GOOD_K }))).toBe("accepted");
  });

  it.each([
    ["no k", {}],
    ["an empty k", { k: "" }],
    ["a k that is a number", { k: 42 }],
    ["a k that is not base64url", { k: "!!!!" }],
  ])("an oct JWK with %s", (_what, fields) => {
    expect(verdict(oct(fields))).toBe(
      'unreadable_key: The JWT Secret plugin key is an oct JWK whose "k" is not base64url; paste the whole JWK.',
    );
  });
});

describe("the kid of an oct JWK", () => {
  const kidOf = (kid: unknown) => parseHmacSecret(oct({ kid, k: GOOD_K }), "HS256", "secret").kid;
  it("is kept when it is text, dropped when empty or not text", () => {
    expect(kidOf("k1")).toBe("k1");
    expect(kidOf("")).toBeUndefined();
    expect(kidOf(7)).toBeUndefined();
  });
});

describe("quotes around the secret", () => {
  it("a JWK inside quotes is refused with the fix", () => {
    expect(verdict(JSON.stringify(oct({ k: GOOD_K })))).toBe(
      'unreadable_key: The JWT Secret plugin key is a JWK inside quotes; paste the JWK itself without the quotes (an "oct" JWK for HS256).',
    );
  });

  it("a quoted text that is not JSON is a plain secret, quotes included", () => {
    const secret = '"Zq81bX0pLwT4mN7cRv5sJ2yHk6dQe9Ua"';
    expect(Buffer.from(parseHmacSecret(secret, "HS256", "secret").bytes).toString()).toBe(secret);
  });
});
