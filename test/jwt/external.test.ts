/**
 * The JWKS cache and the provider presets in src/jwt/external, on their own: cache rules checked with
 * a pinned clock (no waiting), the fetcher against a JWKS server on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateClaims } from "../../src/jwt/claims.js";
import { ConfigError, TokenError } from "../../src/jwt/errors.js";
import { JwksCache, type JwksCacheOptions } from "../../src/jwt/external/jwks-cache.js";
import { resolveProvider } from "../../src/jwt/external/presets.js";
import { parseJwksUrl } from "../../src/jwt/external/url.js";
import { JwksTestServer, jwksOf, type TestKey, testKey } from "../support/jwks-server.js";
import { ManualTimers } from "../support/manual-timers.js";
import { OK, rejectionOf, settledOutcome, thrownBy } from "../support/thrown.js";

const MINUTE = 60_000;
// The JWKS server is plain http on 127.0.0.1, reached as the local backend reaches it.
const LOOPBACK = { loopbackHttp: true } as const;

let server: JwksTestServer;
let rsa: TestKey;
let routeCount = 0;

beforeAll(async () => {
  server = await new JwksTestServer().start();
  rsa = testKey("RS256", "rsa-1");
});
afterAll(() => server.close());

/** A fresh route serving `rsa`, a cache on a clock the test moves, and helpers to read both. */
function setup(headers: Record<string, string> = {}, options: Partial<JwksCacheOptions> = {}) {
  const path = `/unit/${routeCount++}/jwks.json`;
  server.set(path, { json: jwksOf(rsa), headers });
  const clock = { now: 1_000_000 };
  const cache = new JwksCache({ now: () => clock.now, ...options });
  const url = new URL(server.url(path));
  return {
    path,
    clock,
    cache,
    url,
    lookup: (kid = "rsa-1") => cache.keysFor(url, kid, "RS256", LOOPBACK),
    hits: () => server.hits(path),
  };
}

describe("JwksCache freshness", () => {
  it.each([
    ["no Cache-Control: 10 minutes", {}, 10 * MINUTE],
    ["max-age=3600: one hour", { "cache-control": "public, max-age=3600, must-revalidate" }, 60 * MINUTE],
    ["max-age=60 is raised to 5 minutes", { "cache-control": "max-age=60" }, 5 * MINUTE],
    ["max-age=0 / no-cache is raised to 5 minutes", { "cache-control": "no-cache, max-age=0" }, 5 * MINUTE],
    ["max-age of two days is cut to 24 hours", { "cache-control": "max-age=172800" }, 24 * 60 * MINUTE],
    ["Age is subtracted from max-age", { "cache-control": "max-age=3600", age: "1800" }, 30 * MINUTE],
  ])("%s", async (_name, headers, ttl) => {
    const t = setup(headers);
    await t.lookup();
    t.clock.now += ttl - 1;
    await t.lookup();
    expect(t.hits()).toBe(1);
    t.clock.now += 1;
    await t.lookup();
    expect(t.hits()).toBe(2);
  });

  it("shares one request among concurrent callers of a cold URL", async () => {
    const t = setup();
    const results = await Promise.all(Array.from({ length: 10 }, () => t.lookup()));
    expect(results.every((keys) => keys.length === 1)).toBe(true);
    expect(t.hits()).toBe(1);
  });

  it("forgets the least recently used URL beyond its bound", async () => {
    const a = setup({}, { maxUrls: 2 });
    const cache = a.cache;
    const other = (n: number) => {
      const path = `/unit/bound-${routeCount++}-${n}/jwks.json`;
      server.set(path, { json: jwksOf(rsa) });
      return new URL(server.url(path));
    };
    await cache.keysFor(a.url, "rsa-1", "RS256", LOOPBACK);
    await cache.keysFor(other(1), "rsa-1", "RS256", LOOPBACK);
    await cache.keysFor(other(2), "rsa-1", "RS256", LOOPBACK);
    await cache.keysFor(a.url, "rsa-1", "RS256", LOOPBACK);
    expect(a.hits()).toBe(2);
  });
});

describe("JwksCache unknown kid", () => {
  it("refetches at most once per 10 seconds per URL", async () => {
    const t = setup();
    await t.lookup();
    expect(await settledOutcome(t.lookup("new"))).toBe("unknown_key");
    expect(t.hits()).toBe(2);
    t.clock.now += 9_999;
    expect(await settledOutcome(t.lookup("newer"))).toBe("unknown_key");
    expect(t.hits()).toBe(2);
    t.clock.now += 1;
    server.set(t.path, { json: jwksOf(rsa, { ...rsa, kid: "newer", jwk: { ...rsa.jwk, kid: "newer" } }) });
    expect(await settledOutcome(t.lookup("newer"))).toBe(OK);
    expect(t.hits()).toBe(3);
  });
});

describe("JwksCache failures", () => {
  it("keeps stale keys in service when the endpoint fails, and leaves it alone for 30 seconds", async () => {
    const t = setup();
    await t.lookup();
    server.set(t.path, { drop: true });
    t.clock.now += 11 * MINUTE;
    expect(await settledOutcome(t.lookup())).toBe(OK);
    expect(t.hits()).toBe(2);
    t.clock.now += 29_000;
    expect(await settledOutcome(t.lookup())).toBe(OK);
    expect(t.hits()).toBe(2);
    t.clock.now += 1_000;
    server.set(t.path, { status: 503, raw: "busy" });
    expect(await settledOutcome(t.lookup())).toBe(OK);
    expect(t.hits()).toBe(3);
  });

  it("jwks_unavailable when nothing is cached, and tries again on the next call", async () => {
    const t = setup();
    server.set(t.path, { status: 502, raw: "bad gateway" });
    expect(await settledOutcome(t.lookup())).toBe("jwks_unavailable");
    server.set(t.path, { json: jwksOf(rsa) });
    expect(await settledOutcome(t.lookup())).toBe(OK);
    expect(t.hits()).toBe(2);
  });

  it("times out a slow endpoint (the deadline lowered for this test)", async () => {
    const t = setup({}, { timeoutMs: 200 });
    server.set(t.path, { json: jwksOf(rsa), delayMs: 30_000 });
    const error = await rejectionOf(t.lookup());
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).code).toBe("jwks_unavailable");
    expect((error as TokenError).logReason).toMatch(/within 0.2 seconds/);
  });

  it("refuses on a declared Content-Length alone, before reading the body", async () => {
    // The body sent is small and short of what is declared: reading it would wait for the deadline.
    const t = setup({ "content-length": "5000" }, { maxBytes: 4_096, timeoutMs: 2_000 });
    const error = (await rejectionOf(t.lookup())) as TokenError;
    expect(error.code).toBe("jwks_unavailable");
    expect(error.logReason).toMatch(/more than 4096 bytes/);
  });

  it("refuses a body over the size limit, declared or streamed", async () => {
    const big = { keys: [rsa.jwk], padding: "x".repeat(5_000) };
    for (const chunked of [false, true]) {
      const t = setup({}, { maxBytes: 4_096 });
      server.set(t.path, { json: big, chunked });
      const error = (await rejectionOf(t.lookup())) as TokenError;
      expect(error.code).toBe("jwks_unavailable");
      expect(error.logReason).toMatch(/more than 4096 bytes/);
    }
  });
});

describe("the jwks_url rule", () => {
  const loopbackHttp = [
    "http://127.0.0.1:8080/jwks.json",
    "http://127.200.3.4/jwks.json",
    "http://localhost:54321/auth/v1/.well-known/jwks.json",
    "http://[::1]:9000/keys",
  ];

  it("accepts an https URL", () => {
    expect(parseJwksUrl("https://example.com/jwks.json").href).toBe("https://example.com/jwks.json");
  });

  it.each(loopbackHttp)("accepts %s through the local runtime's seam only", (url) => {
    expect(parseJwksUrl(url, true).href).toBe(new URL(url).href);
    const thrown = thrownBy(() => parseJwksUrl(url));
    expect((thrown as ConfigError).code).toBe("invalid_url");
    expect((thrown as Error).message).toMatch(/^The jwks_url field must be an https URL; /);
  });

  it.each([
    "http://example.com/jwks.json",
    "http://127.0.0.1.example.com/jwks.json",
    "http://localhost.example.com/jwks.json",
    "http://10.0.0.1/jwks.json",
    "file:///etc/passwd",
    "javascript:alert(1)",
  ])("refuses %s with a message naming jwks_url and not the value", (url) => {
    const thrown = thrownBy(() => parseJwksUrl(url));
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).code).toBe("invalid_url");
    expect((thrown as Error).message).toMatch(/^The jwks_url field must be an https URL/);
    expect((thrown as Error).message).not.toContain(new URL(url).host || "passwd");
  });
});

describe("the jwks_url rule for https addresses", () => {
  it.each([
    ["loopback", "https://127.0.0.1/jwks.json"],
    ["loopback written in decimal", "https://2130706433/jwks.json"],
    ["loopback written in hex", "https://0x7f.1/jwks.json"],
    ["this network", "https://0.0.0.0/jwks.json"],
    ["private 10/8", "https://10.1.2.3/jwks.json"],
    ["private 172.16/12", "https://172.31.255.254/jwks.json"],
    ["private 192.168/16", "https://192.168.0.10:8443/jwks.json"],
    ["carrier NAT, Alibaba metadata", "https://100.100.100.200/jwks.json"],
    ["link-local, cloud metadata", "https://169.254.169.254/latest/meta-data"],
    ["Azure's platform endpoint", "https://168.63.129.16/jwks.json"],
    ["multicast", "https://224.0.0.1/jwks.json"],
    ["IPv6 loopback", "https://[::1]/jwks.json"],
    ["IPv6 unspecified", "https://[::]/jwks.json"],
    ["IPv4-mapped loopback", "https://[::ffff:127.0.0.1]/jwks.json"],
    ["IPv4-mapped metadata, hex form", "https://[::ffff:a9fe:a9fe]/jwks.json"],
    ["IPv4-compatible", "https://[::10.0.0.1]/jwks.json"],
    ["NAT64 of the metadata address", "https://[64:ff9b::169.254.169.254]/jwks.json"],
    ["6to4 of a private address", "https://[2002:a00:1::]/jwks.json"],
    ["IPv6 unique local, AWS metadata", "https://[fd00:ec2::254]/jwks.json"],
    ["IPv6 link-local", "https://[fe80::1]/jwks.json"],
    ["IPv6 multicast", "https://[ff02::1]/jwks.json"],
  ])("refuses %s (%s), naming the problem and not the value", (_what, url) => {
    const thrown = thrownBy(() => parseJwksUrl(url));
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).code).toBe("invalid_url");
    expect((thrown as Error).message).toMatch(
      /^The jwks_url field names a loopback, private, link-local or cloud metadata address/,
    );
    expect((thrown as Error).message).not.toContain(new URL(url).hostname);
  });

  it.each([
    "https://8.8.8.8/jwks.json",
    "https://172.32.0.1/jwks.json",
    "https://[2001:4860:4860::8888]/jwks.json",
    "https://[::ffff:8.8.8.8]/jwks.json",
    "https://www.googleapis.com/oauth2/v3/certs",
  ])("accepts the public address or host %s", (url) => {
    expect(parseJwksUrl(url).href).toBe(new URL(url).href);
  });
});

describe("jwks_unavailable tells the workflow one thing", () => {
  it("the same code and message for a status, not-JSON, a refused connection and a timeout; the reason apart", async () => {
    const failures: Record<string, () => Promise<unknown>> = {};
    const status = setup();
    server.set(status.path, { status: 500, raw: "oops" });
    failures.status = status.lookup;
    const html = setup();
    server.set(html.path, { raw: "<html>" });
    failures.notJson = html.lookup;
    const dropped = setup();
    server.set(dropped.path, { drop: true });
    failures.unreachable = dropped.lookup;
    const slow = setup();
    server.set(slow.path, { json: jwksOf(rsa), delayMs: 60_000 });
    failures.timeout = async () => {
      // The deadline on a hand-moved clock: moved once the endpoint holds the request.
      const timers = new ManualTimers();
      const keys = slow.cache.keysFor(slow.url, "rsa-1", "RS256", { ...LOOPBACK, timers });
      for (let i = 0; i < 200 && slow.hits() === 0; i++) await new Promise((r) => setTimeout(r, 5));
      timers.advance(5_000);
      return keys;
    };
    const seen: Record<string, [string, string, string | undefined]> = {};
    for (const [name, lookup] of Object.entries(failures)) {
      const error = (await rejectionOf(lookup())) as TokenError;
      seen[name] = [error.code, error.message, error.logReason];
    }
    const answers = new Set(Object.values(seen).map(([code, message]) => `${code}: ${message}`));
    expect([...answers]).toEqual([
      "jwks_unavailable: The provider's keys (JWKS) could not be fetched or read.",
    ]);
    expect(new Set(Object.values(seen).map(([, , reason]) => reason)).size).toBe(4);
  });
});

describe("provider presets", () => {
  const resolve = (provider: string, extra: Record<string, string> = {}) => {
    const r = resolveProvider({ provider, ...extra });
    return { jwksUrl: r.jwksUrl.href, issuers: r.issuers, audience: r.audience, algorithms: r.algorithms };
  };

  it("Firebase", () => {
    expect(resolve("Firebase", { project: "my-app-123" })).toEqual({
      jwksUrl: "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com",
      issuers: ["https://securetoken.google.com/my-app-123"],
      audience: "my-app-123",
      algorithms: ["RS256"],
    });
  });

  it("Supabase, from a project URL typed with or without scheme and slash", () => {
    const expected = {
      jwksUrl: "https://abcd.supabase.co/auth/v1/.well-known/jwks.json",
      issuers: ["https://abcd.supabase.co/auth/v1"],
      audience: "authenticated",
      algorithms: ["ES256", "RS256"],
    };
    expect(resolve("Supabase", { project: "https://abcd.supabase.co" })).toEqual(expected);
    expect(resolve("Supabase", { project: "abcd.supabase.co/" })).toEqual(expected);
    expect(
      resolveProvider({ provider: "Supabase", project: "http://127.0.0.1:54321" }, true).issuers,
    ).toEqual(["http://127.0.0.1:54321/auth/v1"]);
    expect(
      thrownBy(() => resolve("Supabase", { project: "http://127.0.0.1:54321" }), ConfigError)?.code,
    ).toBe("invalid_url");
  });

  it("Auth0, with the trailing slash on the issuer and the builder's audience", () => {
    expect(resolve("Auth0", { project: "https://my-app.us.auth0.com/", audience: "client-1" })).toEqual({
      jwksUrl: "https://my-app.us.auth0.com/.well-known/jwks.json",
      issuers: ["https://my-app.us.auth0.com/"],
      audience: "client-1",
      algorithms: ["RS256"],
    });
  });

  it("Clerk, with no audience unless the builder sets one", () => {
    expect(resolve("Clerk", { project: "clerk.example.com" })).toEqual({
      jwksUrl: "https://clerk.example.com/.well-known/jwks.json",
      issuers: ["https://clerk.example.com"],
      audience: undefined,
      algorithms: ["RS256"],
    });
  });

  it("Google, with both issuer spellings", () => {
    expect(resolve("Google", { project: "123-abc.apps.googleusercontent.com" })).toEqual({
      jwksUrl: "https://www.googleapis.com/oauth2/v3/certs",
      issuers: ["https://accounts.google.com", "accounts.google.com"],
      audience: "123-abc.apps.googleusercontent.com",
      algorithms: ["RS256"],
    });
  });

  it("Apple", () => {
    expect(resolve("Apple", { project: "com.example.app" })).toEqual({
      jwksUrl: "https://appleid.apple.com/auth/keys",
      issuers: ["https://appleid.apple.com"],
      audience: "com.example.app",
      algorithms: ["RS256"],
    });
  });

  it("overrides: jwks_url, issuer, audience and algorithms replace the preset's", () => {
    expect(
      resolveProvider({
        provider: "Firebase",
        project: "p",
        jwksUrl: "https://keys.example/k",
        issuer: "i",
        audience: "a",
        algorithms: ["es256"],
      }),
    ).toMatchObject({
      jwksUrl: new URL("https://keys.example/k"),
      issuers: ["i"],
      audience: "a",
      algorithms: ["ES256"],
    });
  });

  it("refuses an unknown provider and HS algorithms", () => {
    const unknown = thrownBy(() => resolveProvider({ provider: "Okta" }), ConfigError);
    expect([unknown?.code, unknown?.message]).toEqual([
      "invalid_field",
      expect.stringMatching(/^The provider field /),
    ]);
    const hs = thrownBy(
      () =>
        resolveProvider({
          provider: "Custom",
          jwksUrl: "https://x.example/k",
          issuer: "i",
          algorithms: ["HS256"],
        }),
      ConfigError,
    );
    expect([hs?.code, hs?.message]).toEqual([
      "invalid_field",
      expect.stringMatching(/^The algorithms field /),
    ]);
  });
});

describe("validateClaims with a list of issuers", () => {
  const t = 1_700_000_000;
  it("accepts any listed issuer and refuses others", () => {
    const rules = { issuer: ["https://accounts.google.com", "accounts.google.com"] };
    expect(() => validateClaims({ iss: "accounts.google.com", exp: t + 60 }, rules, t)).not.toThrow();
    expect(() => validateClaims({ iss: "https://accounts.google.com", exp: t + 60 }, rules, t)).not.toThrow();
    expect(() => validateClaims({ iss: "https://evil.example", exp: t + 60 }, rules, t)).toThrow(
      /another issuer/,
    );
    expect(() => validateClaims({ exp: t + 60 }, rules, t)).toThrow(/another issuer/);
  });
});
