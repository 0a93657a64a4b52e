/**
 * The weak-secret rules must refuse patterns and placeholders without refusing honest random secrets:
 * 10,000 random secrets of 32 to 64 characters in the alphabets generators use must all pass.
 */
import { createHash, generateKeyPairSync, type KeyObject, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { base64url } from "jose";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/jwt/errors.js";
import { parseHmacSecret } from "../../src/jwt/keys/secret.js";
import { thrownBy } from "../support/thrown.js";

const ALPHABETS = {
  hex: "0123456789abcdef",
  base64: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
  base64url: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
  // Not a usual choice, but a 32-digit random number is a 106-bit secret and must pass too.
  decimal: "0123456789",
};

/** A deterministic stream of random bytes (SHA-256 in counter mode over a fixed seed). */
function byteStream(seed: string): () => number {
  let block = Buffer.alloc(0);
  let offset = 0;
  let counter = 0;
  return () => {
    if (offset === block.length) {
      block = createHash("sha256").update(`${seed}:${counter++}`).digest();
      offset = 0;
    }
    return block[offset++] as number;
  };
}

/** A uniformly random character of `alphabet` (rejection sampling keeps every character equally likely). */
function randomChar(next: () => number, alphabet: string): string {
  const limit = 256 - (256 % alphabet.length);
  for (;;) {
    const byte = next();
    if (byte < limit) return alphabet[byte % alphabet.length] as string;
  }
}

/** Why the secret is refused, as `code: message`, or undefined when it is accepted. */
function refusal(secret: string): string | undefined {
  const error = thrownBy(() => parseHmacSecret(secret, "HS256", "secret"), ConfigError);
  return error && `${error.code}: ${error.message}`;
}

describe("weak-secret rules", () => {
  it("refuse none of 10,000 random secrets of 32 to 64 characters (hex, base64, base64url, decimal)", () => {
    const next = byteStream("secret-strength-v1");
    const refused: string[] = [];
    const names = Object.keys(ALPHABETS) as (keyof typeof ALPHABETS)[];
    for (let i = 0; i < 10_000; i++) {
      const name = names[i % names.length] as keyof typeof ALPHABETS;
      const length = 32 + (next() % 33);
      let secret = "";
      for (let c = 0; c < length; c++) secret += randomChar(next, ALPHABETS[name]);
      const message = refusal(secret);
      if (message) refused.push(`${name} #${i} (${length} chars): ${message}`);
    }
    expect(refused).toEqual([]);
  });

  it("refuse patterns, placeholders and PEM keys, saying how to make a strong secret", () => {
    const weak = [
      "a".repeat(64),
      "ab".repeat(32),
      "0123456789".repeat(4),
      "Xk9$mQ2!".repeat(5),
      "aabbccddee".repeat(4),
      "your-256-bit-secret-and-some-more-text-0123456789",
      "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----",
    ];
    for (const secret of weak) {
      const message = refusal(secret);
      expect(message, secret).toMatch(
        /^(weak_key|wrong_key_kind): The JWT Secret plugin key .*password manager's generator/,
      );
      expect(message).not.toContain(secret);
    }
  });

  it("accept 1,000 random base64 and hex secrets of 32 to 160 bytes, in lines or not", () => {
    const next = byteStream("encoded-random-v1");
    const refused: string[] = [];
    for (let i = 0; i < 1_000; i++) {
      const bytes = Buffer.from(Array.from({ length: 32 + (next() % 129) }, next));
      const text = i % 2 === 0 ? bytes.toString("base64") : bytes.toString("hex");
      const secret = i % 4 < 2 ? text : (text.match(/.{1,64}/g) ?? []).join("\n");
      const message = refusal(secret);
      if (message) refused.push(`#${i}: ${message}`);
    }
    expect(refused).toEqual([]);
  });

  it("accept a passphrase-like secret with a repeated word but no short period", () => {
    expect(refusal("correct-horse-battery-staple-correct-horse-battery-staple-7")).toBeUndefined();
  });
});

/** Key material in every form a published or leaked key can be rebuilt in, each as a would-be HMAC secret. */
function keyMaterialSecrets(): [string, string][] {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ed = generateKeyPairSync("ed25519");
  const body = (key: KeyObject, type: "spki" | "pkcs8" | "sec1") =>
    key.export({ format: "der", type } as never).toString("base64");
  const wrapped = (text: string) => (text.match(/.{1,64}/g) ?? []).join("\n");
  const rsaPublicPem = rsa.publicKey.export({ type: "spki", format: "pem" }) as string;
  const publicJwk = JSON.stringify(rsa.publicKey.export({ format: "jwk" }));
  const oct = (bytes: Uint8Array) => JSON.stringify({ kty: "oct", k: base64url.encode(bytes) });
  return [
    ["an RSA SPKI body without BEGIN/END, one line", body(rsa.publicKey, "spki")],
    ["an RSA SPKI body without BEGIN/END, in lines", wrapped(body(rsa.publicKey, "spki"))],
    ["an RSA SPKI body with literal \\n escapes", wrapped(body(rsa.publicKey, "spki")).replace(/\n/g, "\\n")],
    [
      "an RSA SPKI body in base64url",
      base64url.encode(rsa.publicKey.export({ format: "der", type: "spki" })),
    ],
    ["an EC SPKI body", body(ec.publicKey, "spki")],
    ["an EC private key body (SEC1)", body(ec.privateKey, "sec1")],
    ["an EC private key body (PKCS#8)", body(ec.privateKey, "pkcs8")],
    ["an Ed25519 SPKI body", body(ed.publicKey, "spki")],
    ["a public JWK", publicJwk],
    ["a public JWK in quotes", JSON.stringify(publicJwk)],
    ["a JWKS", JSON.stringify({ keys: [JSON.parse(publicJwk)] })],
    ["an oct JWK whose k is a PEM", oct(new TextEncoder().encode(rsaPublicPem))],
    ["an oct JWK whose k is a DER key", oct(rsa.publicKey.export({ format: "der", type: "spki" }))],
    ["an oct JWK whose k is a base64 key body", oct(new TextEncoder().encode(body(ec.publicKey, "spki")))],
    ["a PEM", rsaPublicPem],
    ...encodedKeyFiles(),
  ];
}

/**
 * Key files once more encoded as text: base64 of a whole PEM file (a .env value, a Kubernetes secret),
 * hex of the DER (what hex dumps and `openssl` print), in lines or with separators, and both nested.
 */
function encodedKeyFiles(): [string, string][] {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ed = generateKeyPairSync("ed25519");
  const pem = (key: KeyObject, type: "spki" | "pkcs8" | "sec1") =>
    key.export({ format: "pem", type } as never).toString();
  const der = (key: KeyObject, type: "spki" | "pkcs8" | "sec1") =>
    key.export({ format: "der", type } as never) as Buffer;
  const lines = (text: string, width: number, eol = "\n") =>
    (text.match(new RegExp(`.{1,${width}}`, "g")) ?? []).join(eol);
  const certificate = new X509Certificate(
    readFileSync(path.join(import.meta.dirname, "../fixtures/x509/p256.crt.pem")),
  );
  const b64 = (text: string | Buffer) => Buffer.from(text).toString("base64");
  const hex = (bytes: Buffer) => bytes.toString("hex");
  return [
    ["base64 of a public PEM file, one line", b64(pem(rsa.publicKey, "spki"))],
    [
      "base64 of a public PEM file in 76-character lines (base64's)",
      lines(b64(pem(rsa.publicKey, "spki")), 76),
    ],
    [
      "base64 of a PKCS#8 PEM file with CRLF lines and spaces around",
      ` ${lines(b64(pem(ec.privateKey, "pkcs8")), 64, "\r\n")}\n`,
    ],
    ["base64 of a SEC1 PEM file with literal \\n escapes", lines(b64(pem(ec.privateKey, "sec1")), 64, "\\n")],
    ["base64url of a PEM file", Buffer.from(pem(ed.publicKey, "spki")).toString("base64url")],
    ["base64 of a certificate PEM file", b64(certificate.toString())],
    ["base64 of a public JWK", b64(JSON.stringify(rsa.publicKey.export({ format: "jwk" })))],
    ["hex of an RSA SPKI DER", hex(der(rsa.publicKey, "spki"))],
    ["hex of an EC PKCS#8 DER in upper case", hex(der(ec.privateKey, "pkcs8")).toUpperCase()],
    ["hex of an EC SEC1 DER in 60-character lines (xxd -p's)", lines(hex(der(ec.privateKey, "sec1")), 60)],
    ["hex of an Ed25519 SPKI DER with colons (openssl's)", lines(hex(der(ed.publicKey, "spki")), 2, ":")],
    ["hex of a certificate DER, space-separated bytes", lines(hex(certificate.raw), 2, " ")],
    ["hex of an RSA SPKI DER with a 0x prefix", `0x${hex(der(rsa.publicKey, "spki"))}`],
    ["hex of a whole PEM file", hex(Buffer.from(pem(rsa.publicKey, "spki")))],
    ["base64 of the hex of a DER", b64(hex(der(ec.publicKey, "spki")))],
  ];
}

describe("one path for every encoding of a secret", () => {
  const octOf = (bytes: Uint8Array) => JSON.stringify({ kty: "oct", k: base64url.encode(bytes) });
  const encoder = new TextEncoder();

  it.each(keyMaterialSecrets())("refuse %s as JWT Secret and Previous JWT Secret", (_what, secret) => {
    for (const slot of ["secret", "previousSecret"] as const) {
      const error = thrownBy(() => parseHmacSecret(secret, "HS256", slot), ConfigError);
      const name = slot === "secret" ? "JWT Secret" : "Previous JWT Secret";
      expect(error?.code).toBe("wrong_key_kind");
      expect(error?.message).toMatch(new RegExp(`^The ${name} plugin key `));
      expect(error?.message).not.toContain(secret.slice(0, 40));
    }
  });

  it.each([
    ["32 zero bytes", new Uint8Array(32)],
    ["32 × a", encoder.encode("a".repeat(32))],
    ["a short run repeated", encoder.encode("Ab3$xY9!".repeat(8))],
    ["a placeholder phrase", encoder.encode(`changeme-${"Zq81bX0pLwT4".repeat(3)}`)],
    [
      "31 random characters",
      encoder.encode(createHash("sha256").update("short").digest("base64url").slice(0, 31)),
    ],
  ] as const)("refuse an oct JWK of %s, as the same bytes in plain text are", (_what, bytes) => {
    for (const slot of ["secret", "previousSecret"] as const) {
      expect(thrownBy(() => parseHmacSecret(octOf(bytes), "HS256", slot), ConfigError)?.code).toBe(
        "weak_key",
      );
    }
    const asText = new TextDecoder().decode(bytes);
    if (!asText.includes("\0")) {
      const fromText = thrownBy(() => parseHmacSecret(asText, "HS256", "secret"), ConfigError);
      const fromJwk = thrownBy(() => parseHmacSecret(octOf(bytes), "HS256", "secret"), ConfigError);
      expect(fromJwk?.message).toBe(fromText?.message);
    }
  });

  it("accept an oct JWK of 32 random bytes and its kid", () => {
    const bytes = new Uint8Array(createHash("sha256").update("oct-jwk").digest());
    const parsed = parseHmacSecret(
      JSON.stringify({ kty: "oct", kid: "k1", k: base64url.encode(bytes) }),
      "HS256",
      "secret",
    );
    expect(Buffer.from(parsed.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(parsed.kid).toBe("k1");
  });

  it("refuse an oct JWK inside quotes, naming the fix", () => {
    const jwk = JSON.stringify({
      kty: "oct",
      k: base64url.encode(createHash("sha256").update("q").digest()),
    });
    const error = thrownBy(() => parseHmacSecret(JSON.stringify(jwk), "HS256", "secret"), ConfigError);
    expect(error?.code).toBe("unreadable_key");
    expect(error?.message).toMatch(/without the quotes/);
  });
});

describe("a JWKS of secrets", () => {
  it("is refused with the fix: one oct JWK, the previous one in Previous JWT Secret", () => {
    const k = base64url.encode(createHash("sha256").update("jwks-of-secrets").digest());
    const error = thrownBy(
      () => parseHmacSecret(JSON.stringify({ keys: [{ kty: "oct", k }] }), "HS256", "secret"),
      ConfigError,
    );
    expect(error?.code).toBe("wrong_key_kind");
    expect(error?.message).toMatch(
      /^The JWT Secret plugin key is a JWKS; paste the one oct JWK that signs on its own/,
    );
  });
});
