/**
 * The weak-secret rules must refuse patterns and placeholders without refusing honest random secrets:
 * 10,000 random secrets of 32 to 64 characters in the alphabets generators use must all pass.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/jwt/errors.js";
import { parseHmacSecret } from "../../src/jwt/keys/secret.js";

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

function refusal(secret: string): string | undefined {
  try {
    parseHmacSecret(secret, "HS256", "secret");
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
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
      expect(message, secret).toMatch(/^The JWT Secret plugin key .*password manager's generator/);
      expect(message).not.toContain(secret);
    }
  });

  it("accept a passphrase-like secret with a repeated word but no short period", () => {
    expect(refusal("correct-horse-battery-staple-correct-horse-battery-staple-7")).toBeUndefined();
  });
});
