import { describe, expect, it } from "vitest";
import { ConfigError, type ConfigErrorCode } from "../../src/jwt/errors.js";
import { LruCache, materialCacheKey } from "../../src/jwt/keys/cache.js";
import { signingKey, verificationKeys } from "../../src/jwt/keys/keyring.js";
import { parseHmacSecret } from "../../src/jwt/keys/secret.js";
import { testSecret } from "../contract/harness.js";
import { thrownBy } from "../support/thrown.js";

describe("parseHmacSecret", () => {
  it("uses the UTF-8 bytes of a text secret, trimmed", () => {
    const secret = testSecret("a", 40);
    expect(parseHmacSecret(` ${secret}\n`, "HS256", "secret").bytes).toEqual(
      new TextEncoder().encode(secret),
    );
  });
  it("reads an oct JWK with its kid", () => {
    const bytes = new Uint8Array(48).map((_, i) => (i * 37) % 251);
    const jwk = JSON.stringify({ kty: "oct", k: Buffer.from(bytes).toString("base64url"), kid: "k-1" });
    expect(parseHmacSecret(jwk, "HS384", "secret")).toEqual({ bytes, kid: "k-1" });
  });
  it("refuses short, repetitive and placeholder secrets naming the key, never quoting it", () => {
    const cases: [string, ConfigErrorCode][] = [
      [testSecret("b", 31), "weak_key"],
      ["ab".repeat(20), "weak_key"],
      ["changeme-changeme-changeme-changeme-1234567890", "weak_key"],
      ['{"kty":"RSA"}', "wrong_key_kind"],
      ['{"kty":"oct","k":"!!"}', "unreadable_key"],
    ];
    for (const [secret, code] of cases) {
      const thrown = thrownBy(() => parseHmacSecret(secret, "HS256", "secret"), ConfigError);
      expect(thrown?.code, secret).toBe(code);
      expect(thrown?.message).toMatch(/^The JWT Secret plugin key /);
      expect(thrown?.message).not.toContain(secret);
    }
  });
});

describe("LruCache", () => {
  it("keeps at most its capacity, dropping the least recently used", () => {
    const cache = new LruCache<number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.get("a");
    cache.set("c", 3);
    expect(cache.size).toBe(2);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
  });
  it("keys by a fixed-size digest of all its parts, which separates them", () => {
    expect(materialCacheKey("ab", "c")).not.toBe(materialCacheKey("a", "bc"));
    expect(materialCacheKey("hmac", "HS256", "s")).not.toBe(materialCacheKey("hmac", "HS384", "s"));
    const secret = testSecret("digest", 4096);
    const key = materialCacheKey("hmac", "HS256", secret);
    expect(key).toBe(materialCacheKey("hmac", "HS256", secret));
    // A SHA-256 digest in base64url whatever the material's length, not a slice of the material.
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(materialCacheKey("hmac", "HS256", `${secret.slice(0, -1)}!`)).not.toBe(key);
  });
});

describe("keyring", () => {
  it("imports a key once and reuses it", async () => {
    const keys = { secret: testSecret("reuse") };
    const a = await signingKey(keys, "HS256");
    const b = await signingKey(keys, "HS256");
    expect(b).toBe(a);
    expect((await verificationKeys(keys, "HS256"))[0]).toBe(a);
  });
  it("reuses a key that other apps' keys pushed out of the most recent few", async () => {
    const first = await signingKey({ secret: testSecret("first-app") }, "HS256");
    for (let i = 0; i < 10; i++) await signingKey({ secret: testSecret(`other-app-${i}`) }, "HS256");
    expect(await signingKey({ secret: testSecret("first-app") }, "HS256")).toBe(first);
    // Brought back to the front, it is found again after the next few others as well.
    for (let i = 0; i < 3; i++) await signingKey({ secret: testSecret(`third-app-${i}`) }, "HS256");
    expect(await signingKey({ secret: testSecret("first-app") }, "HS256")).toBe(first);
  });
  it("holds 256 key sets: a key survives 255 others, and is read afresh after 256", async () => {
    const keys = { secret: testSecret("bounded") };
    const first = await signingKey(keys, "HS256");
    for (let i = 0; i < 255; i++) await signingKey({ secret: testSecret(`within-${i}`) }, "HS256");
    expect(await signingKey(keys, "HS256")).toBe(first);
    for (let i = 0; i < 256; i++) await signingKey({ secret: testSecret(`beyond-${i}`) }, "HS256");
    expect(await signingKey(keys, "HS256")).not.toBe(first);
  });
  it("keeps no failed load: 300 refused keys take no place from a good one", async () => {
    const keys = { secret: testSecret("survivor") };
    const first = await signingKey(keys, "HS256");
    for (let i = 0; i < 300; i++) {
      await expect(signingKey({ secret: `short-${i}` }, "HS256")).rejects.toBeInstanceOf(ConfigError);
    }
    expect(await signingKey(keys, "HS256")).toBe(first);
  });
  it("puts the current secret before the previous one", async () => {
    const current = await signingKey({ secret: testSecret("cur") }, "HS256");
    const keys = await verificationKeys(
      { secret: testSecret("cur"), previousSecret: testSecret("prev") },
      "HS256",
    );
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(current);
  });
});
