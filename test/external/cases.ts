/**
 * Cases for `JWT - Verify external token` through the built bundle, against the loopback JWKS server
 * the scenario starts (test/scenarios/external.ts). Each case uses its own paths on that server, since
 * the bundle's key cache lives as long as the process. Tokens are signed by the independent test signer.
 */

import type { RuntimeOptions } from "../../src/emulator/runtime.js";
import { type Harness, matches, throws } from "../contract/harness.js";
import { flipS, highS } from "../support/ecdsa.js";
import { type JwksTestServer, jwksOf, type TestKey } from "../support/jwks-server.js";
import { now, signJws, type TestAlgorithm } from "../support/jws.js";
import type { Observation } from "../support/observe.js";

export interface ExternalKeys {
  readonly rsa: TestKey;
  readonly rsaNew: TestKey;
  readonly attacker: TestKey;
  readonly ec: TestKey;
  readonly ed: TestKey;
}

export interface ExternalEnv {
  readonly server: JwksTestServer;
  readonly keys: ExternalKeys;
  /** A path of the JWKS server no other case (or presentation) uses. */
  path(name: string): string;
}

export interface ExternalCase {
  readonly name: string;
  readonly run: (h: Harness, env: ExternalEnv) => Promise<unknown>;
  readonly expect: Record<string, unknown>;
}

/** Two ways Bubble may present properties (the contract scenario's third adds nothing here). */
export const EXTERNAL_PRESENTATIONS: Record<string, RuntimeOptions> = {
  "once/bubble-lists/null": { evaluate: "once", lists: "bubble", empty: null },
  "per-call/arrays/empty-string": { evaluate: "per-call", lists: "array", empty: "" },
};

const ISSUER = "https://id.example.com";
const AUDIENCE = "bubble-app";

function standard(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const t = now();
  return { iss: ISSUER, aud: AUDIENCE, sub: "user-1", iat: t, exp: t + 600, ...extra };
}

function sign(
  key: TestKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
  alg: TestAlgorithm = key.jwk.alg as TestAlgorithm,
): string {
  return signJws({ alg, typ: "JWT", kid: key.kid, ...header }, claims, alg, key.privateKey);
}

/** Serves `keys` at a fresh path and returns the Custom provider inputs pointing at it. */
function custom(env: ExternalEnv, name: string, ...keys: TestKey[]) {
  const path = env.path(name);
  env.server.set(path, { json: jwksOf(...keys) });
  return {
    path,
    inputs: { provider: "Custom", jwks_url: env.server.url(path), issuer: ISSUER, audience: AUDIENCE },
  };
}

const valid = (values: Record<string, unknown> = {}) => ({
  values: { valid: true, error_code: "", error_message: "", ...values },
  leaks: [],
});
const refused = (code: string) => ({
  // A refused token still names the provider chosen, so a workflow can branch on it.
  values: {
    valid: false,
    error_code: code,
    error_message: matches(".+"),
    provider: matches("^(Custom|Firebase|Supabase|Auth0|Clerk|Google|Apple)$"),
  },
  leaks: [],
});

/** One token verified against a fresh JWKS path serving `keys`. */
function single(
  name: string,
  keys: (k: ExternalKeys) => TestKey[],
  token: (k: ExternalKeys) => string,
  expect: Record<string, unknown>,
  inputs: Record<string, unknown> = {},
): ExternalCase {
  return {
    name,
    async run(h, env) {
      const { inputs: base } = custom(env, name, ...keys(env.keys));
      return h.call("external", { ...base, token: token(env.keys), ...inputs });
    },
    expect,
  };
}

const signatureCases: ExternalCase[] = [
  single(
    "returns the token's sid and auth_time as session_id and auth_time",
    (k) => [k.rsa],
    (k) => sign(k.rsa, standard({ sid: "sess-ext", auth_time: 1_700_000_000 })),
    valid({ session_id: "sess-ext", auth_time: { $date: "2023-11-14T22:13:20.000Z" } }),
  ),
  ...["refresh+jwt", "application/REFRESH+JWT"].map((typ) =>
    single(
      `refuses a token typed ${typ}, even one the provider signed (wrong_token_type)`,
      (k) => [k.rsa],
      (k) => sign(k.rsa, standard({ sid: "s", jti: "r-1" }), { typ }),
      refused("wrong_token_type"),
    ),
  ),
  single(
    "verifies an RS256 token and returns every Verify value plus provider",
    (k) => [k.rsa],
    (k) => sign(k.rsa, standard({ email: "ada@example.com", jti: "j-1", roles: ["a", "b"] })),
    valid({
      provider: "Custom",
      subject: "user-1",
      email: "ada@example.com",
      issuer: ISSUER,
      audience: AUDIENCE,
      jti: "j-1",
      key_id: "rsa-1",
      issued_at: { $date: matches("^\\d{4}-") },
      expires_at: { $date: matches("^\\d{4}-") },
      claims_json: matches('"roles":\\["a","b"\\]'),
      claim_names: ["iss", "aud", "sub", "iat", "exp", "email", "jti", "roles"],
      claim_values: [
        ISSUER,
        AUDIENCE,
        "user-1",
        matches("^\\d+$"),
        matches("^\\d+$"),
        "ada@example.com",
        "j-1",
        '["a","b"]',
      ],
    }),
  ),
  single(
    "verifies an ES256 token",
    (k) => [k.rsa, k.ec],
    (k) => sign(k.ec, standard()),
    valid({ key_id: "ec-1", subject: "user-1" }),
  ),
  // Providers do not promise low-S ECDSA signatures (WebCrypto and OpenSSL write either form), so Verify
  // external accepts both strings of a provider's token; the plugin's own tokens are held to the low form.
  single(
    "verifies a provider's ES256 token with s above half the curve order",
    (k) => [k.ec],
    (k) => highS(sign(k.ec, standard()), "ES256"),
    valid({ key_id: "ec-1", subject: "user-1" }),
  ),
  single(
    "verifies a provider's ES256 token with s below half the curve order",
    (k) => [k.ec],
    (k) => flipS(highS(sign(k.ec, standard()), "ES256"), "ES256"),
    valid({ key_id: "ec-1", subject: "user-1" }),
  ),
  single(
    "verifies an EdDSA (Ed25519) token",
    (k) => [k.ed],
    (k) => sign(k.ed, standard()),
    valid({ key_id: "ed-1", subject: "user-1" }),
  ),
  // One rule for a JWK's fit (src/jwt/keys/jwk-fit.ts), for pasted and published keys alike.
  single(
    'verifies an EdDSA token whose published key is marked "alg": "Ed25519" (RFC 9864), as a pasted key is',
    (k) => [{ ...k.ed, jwk: { ...k.ed.jwk, alg: "Ed25519" } }],
    (k) => sign(k.ed, standard(), {}, "EdDSA"),
    valid({ key_id: "ed-1", subject: "user-1" }),
  ),
  single(
    'refuses a published key whose "key_ops" do not hold "verify" (a provider key only ever verifies)',
    (k) => [{ ...k.rsa, jwk: { ...k.rsa.jwk, key_ops: ["sign"] } }],
    (k) => sign(k.rsa, standard()),
    refused("invalid_signature"),
  ),
  single(
    "accepts a Bearer prefix and surrounding white space",
    (k) => [k.rsa],
    (k) => `  bearer ${sign(k.rsa, standard())}  `,
    valid({ subject: "user-1" }),
  ),
  single(
    "refuses a token signed by another key under a published kid",
    (k) => [k.rsa],
    (k) => sign({ ...k.attacker, kid: k.rsa.kid }, standard()),
    refused("invalid_signature"),
  ),
  single(
    "refuses a tampered claims set",
    (k) => [k.rsa],
    (k) => {
      const [header, , signaturePart] = sign(k.rsa, standard()).split(".");
      const forged = Buffer.from(JSON.stringify(standard({ sub: "admin" }))).toString("base64url");
      return `${header}.${forged}.${signaturePart}`;
    },
    refused("invalid_signature"),
  ),
  single(
    "refuses alg none, in any casing",
    (k) => [k.rsa],
    () => {
      const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
      return `${part({ alg: "NoNe", typ: "JWT", kid: "rsa-1" })}.${part(standard())}.`;
    },
    refused("algorithm_not_allowed"),
  ),
  single(
    "refuses HS256 signed with the published public key as the secret (key confusion)",
    (k) => [k.rsa],
    (k) =>
      signJws(
        { alg: "HS256", typ: "JWT", kid: k.rsa.kid },
        standard(),
        "HS256",
        Buffer.from(JSON.stringify(k.rsa.jwk)),
      ),
    refused("algorithm_not_allowed"),
  ),
  single(
    "refuses an algorithm outside the algorithms field",
    (k) => [k.ec],
    (k) => sign(k.ec, standard()),
    refused("algorithm_not_allowed"),
    { algorithms: "RS256" },
  ),
  single(
    "refuses a kid whose published key is for another algorithm",
    (k) => [k.rsa],
    (k) => sign({ ...k.ec, kid: k.rsa.kid }, standard()),
    refused("invalid_signature"),
  ),
  single(
    "refuses a wrong issuer",
    (k) => [k.rsa],
    (k) => sign(k.rsa, standard({ iss: "https://evil.example.com" })),
    refused("issuer_mismatch"),
  ),
  single(
    "refuses a wrong audience",
    (k) => [k.rsa],
    (k) => sign(k.rsa, standard({ aud: "another-app" })),
    refused("audience_mismatch"),
  ),
  single(
    "allows 30 seconds of clock skew by default",
    (k) => [k.rsa],
    (k) => sign(k.rsa, standard({ exp: now() - 10 })),
    valid({ expires_in: 0 }),
  ),
  single(
    "refuses a token expired beyond the tolerance",
    (k) => [k.rsa],
    (k) => sign(k.rsa, standard({ exp: now() - 40 })),
    refused("expired"),
  ),
  single(
    "applies max_age and required_claims as Verify does",
    (k) => [k.rsa],
    (k) => sign(k.rsa, standard({ iat: now() - 120 })),
    refused("token_too_old"),
    { max_age: 60 },
  ),
  single(
    "refuses a token that lacks a required claim",
    (k) => [k.rsa],
    (k) => sign(k.rsa, standard()),
    refused("missing_claim"),
    { required_claims: "email, email_verified" },
  ),
  {
    name: "never uses the token's jwk, jku, x5u or x5c headers",
    async run(h, env) {
      const { inputs } = custom(env, "embedded-keys", env.keys.rsa);
      const attackerPath = env.path("attacker-keys");
      env.server.set(attackerPath, { json: jwksOf({ ...env.keys.attacker, kid: env.keys.rsa.kid }) });
      const embedded = await h.call("external", {
        ...inputs,
        token: sign({ ...env.keys.attacker, kid: env.keys.rsa.kid }, standard(), {
          jwk: env.keys.attacker.jwk,
          jku: env.server.url(attackerPath),
          x5u: env.server.url(attackerPath),
          x5c: [Buffer.from("not the provider's certificate").toString("base64")],
        }),
      });
      return { embedded, attackerHits: env.server.hits(attackerPath) };
    },
    expect: { embedded: refused("invalid_signature"), attackerHits: 0 },
  },
  {
    name: "refuses a malformed token without fetching the keys",
    async run(h, env) {
      const { inputs, path } = custom(env, "malformed", env.keys.rsa);
      const observed = await h.call("external", { ...inputs, token: "abc.def" });
      const empty = await h.call("external", { ...inputs, token: "" });
      return { observed, empty, hits: env.server.hits(path) };
    },
    expect: { observed: refused("malformed"), empty: refused("missing_token"), hits: 0 },
  },
];

const fetchCases: ExternalCase[] = [
  {
    name: "a redirect is refused as jwks_unavailable, however valid the JWKS it leads to",
    async run(h, env) {
      const target = custom(env, "redirect-target", env.keys.rsa);
      const redirecting = custom(env, "redirecting");
      env.server.set(redirecting.path, { status: 302, headers: { location: target.path }, raw: "" });
      const redirected = await h.call("external", {
        ...redirecting.inputs,
        token: sign(env.keys.rsa, standard()),
      });
      return { redirected, targetHits: env.server.hits(target.path) };
    },
    expect: {
      redirected: {
        values: {
          error_code: "jwks_unavailable",
          error_message: "The provider's keys (JWKS) could not be fetched or read.",
        },
        logs: [matches('"reason":"the keys URL redirected \\(HTTP status 302\\)"')],
      },
      targetHits: 0,
    },
  },
  {
    name: "fetches the keys once for many calls, sequential and concurrent",
    async run(h, env) {
      const { inputs, path } = custom(env, "many", env.keys.rsa);
      const concurrent = await Promise.all(
        Array.from({ length: 8 }, () =>
          h.call("external", { ...inputs, token: sign(env.keys.rsa, standard()) }),
        ),
      );
      const sequential: Observation[] = [];
      for (let i = 0; i < 12; i++) {
        sequential.push(await h.call("external", { ...inputs, token: sign(env.keys.rsa, standard()) }));
      }
      return {
        allValid: [...concurrent, ...sequential].every((o) => o.values?.valid === true),
        hits: env.server.hits(path),
      };
    },
    expect: { allValid: true, hits: 1 },
  },
  {
    name: "a key rotated in (new kid) costs exactly one refetch",
    async run(h, env) {
      const { inputs, path } = custom(env, "rotation", env.keys.rsa);
      const before = await h.call("external", { ...inputs, token: sign(env.keys.rsa, standard()) });
      env.server.set(path, { json: jwksOf(env.keys.rsa, env.keys.rsaNew) });
      const rotated = await h.call("external", { ...inputs, token: sign(env.keys.rsaNew, standard()) });
      const rotatedAgain = await h.call("external", { ...inputs, token: sign(env.keys.rsaNew, standard()) });
      const old = await h.call("external", { ...inputs, token: sign(env.keys.rsa, standard()) });
      return { before, rotated, rotatedAgain, old, hits: env.server.hits(path) };
    },
    expect: {
      before: valid({ key_id: "rsa-1" }),
      rotated: valid({ key_id: "rsa-2" }),
      rotatedAgain: valid({ key_id: "rsa-2" }),
      old: valid({ key_id: "rsa-1" }),
      hits: 2,
    },
  },
  {
    name: "an unknown kid is unknown_key after one refetch, and refetches no more within 10 seconds",
    async run(h, env) {
      const { inputs, path } = custom(env, "unknown-kid", env.keys.rsa);
      const known = await h.call("external", { ...inputs, token: sign(env.keys.rsa, standard()) });
      const unknown = await h.call("external", {
        ...inputs,
        token: sign({ ...env.keys.rsa, kid: "nobody" }, standard()),
      });
      const hitsAfterFirst = env.server.hits(path);
      const again = [];
      for (const kid of ["nobody", "nobody-2", "nobody-3"]) {
        again.push(
          await h.call("external", { ...inputs, token: sign({ ...env.keys.rsa, kid }, standard()) }),
        );
      }
      return { known, unknown, hitsAfterFirst, again, hits: env.server.hits(path) };
    },
    expect: {
      known: valid(),
      unknown: refused("unknown_key"),
      hitsAfterFirst: 2,
      again: [refused("unknown_key"), refused("unknown_key"), refused("unknown_key")],
      hits: 2,
    },
  },
  {
    name: "a first fetch that lacks the kid does not refetch at once",
    async run(h, env) {
      const { inputs, path } = custom(env, "cold-unknown", env.keys.rsa);
      const unknown = await h.call("external", {
        ...inputs,
        token: sign({ ...env.keys.rsa, kid: "nobody" }, standard()),
      });
      return { unknown, hits: env.server.hits(path) };
    },
    expect: { unknown: refused("unknown_key"), hits: 1 },
  },
  {
    name: "keeps verifying with cached keys when the endpoint goes down",
    async run(h, env) {
      const { inputs, path } = custom(env, "down-after", env.keys.rsa);
      const before = await h.call("external", { ...inputs, token: sign(env.keys.rsa, standard()) });
      env.server.set(path, { drop: true });
      // An unknown kid makes the plugin ask the (now failing) endpoint: the cached keys must survive it.
      const unknown = await h.call("external", {
        ...inputs,
        token: sign({ ...env.keys.rsa, kid: "nobody" }, standard()),
      });
      const after = await h.call("external", { ...inputs, token: sign(env.keys.rsa, standard()) });
      return { before, unknown, after, hits: env.server.hits(path) };
    },
    expect: { before: valid(), unknown: refused("unknown_key"), after: valid(), hits: 2 },
  },
  {
    name: "jwks_unavailable when the endpoint is down and nothing is cached",
    async run(h, env) {
      const dropped = custom(env, "down-before");
      env.server.set(dropped.path, { drop: true });
      const drop = await h.call("external", { ...dropped.inputs, token: sign(env.keys.rsa, standard()) });
      const failing = custom(env, "status-500");
      env.server.set(failing.path, { status: 500, raw: "oops" });
      const status = await h.call("external", { ...failing.inputs, token: sign(env.keys.rsa, standard()) });
      const missing = custom(env, "status-404");
      env.server.set(missing.path, { status: 404, raw: "not here" });
      const notFound = await h.call("external", { ...missing.inputs, token: sign(env.keys.rsa, standard()) });
      // Nothing cached: a later call tries again and succeeds once the endpoint is back.
      env.server.set(failing.path, { json: jwksOf(env.keys.rsa) });
      const recovered = await h.call("external", {
        ...failing.inputs,
        token: sign(env.keys.rsa, standard()),
      });
      return { drop, status, notFound, recovered };
    },
    expect: {
      drop: refused("jwks_unavailable"),
      // One message whatever failed (no oracle for whoever sent the token); the reason is logged.
      status: {
        values: {
          error_code: "jwks_unavailable",
          error_message: "The provider's keys (JWKS) could not be fetched or read.",
        },
        logs: [matches('"reason":"the keys URL answered with HTTP status 500"')],
      },
      notFound: refused("jwks_unavailable"),
      recovered: valid(),
    },
  },
  {
    name: "refuses an oversized JWKS, by Content-Length and by counting a chunked body",
    async run(h, env) {
      const big = { keys: [env.keys.rsa.jwk], padding: "x".repeat(1_100_000) };
      const declared = custom(env, "oversized");
      env.server.set(declared.path, { json: big });
      const byLength = await h.call("external", {
        ...declared.inputs,
        token: sign(env.keys.rsa, standard()),
      });
      const streamed = custom(env, "oversized-chunked");
      env.server.set(streamed.path, { json: big, chunked: true });
      const byCount = await h.call("external", { ...streamed.inputs, token: sign(env.keys.rsa, standard()) });
      // Just under the limit is fine.
      const fits = custom(env, "large-fits");
      env.server.set(fits.path, { json: { keys: [env.keys.rsa.jwk], padding: "x".repeat(1_000_000) } });
      const underLimit = await h.call("external", { ...fits.inputs, token: sign(env.keys.rsa, standard()) });
      return { byLength, byCount, underLimit };
    },
    expect: {
      byLength: refused("jwks_unavailable"),
      byCount: refused("jwks_unavailable"),
      underLimit: valid(),
    },
  },
  {
    name: "refuses an answer that is not a JWKS",
    async run(h, env) {
      const out: Record<string, Observation> = {};
      const bodies: Record<string, string> = {
        html: "<html>sign in</html>",
        array: "[1,2]",
        noKeys: '{"issuer":"x"}',
        keysNotList: '{"keys":{}}',
        empty: "",
      };
      for (const [name, raw] of Object.entries(bodies)) {
        const route = custom(env, `not-jwks-${name}`);
        env.server.set(route.path, { raw });
        out[name] = await h.call("external", { ...route.inputs, token: sign(env.keys.rsa, standard()) });
      }
      const emptyList = custom(env, "empty-keys");
      out.emptyList = await h.call("external", {
        ...emptyList.inputs,
        token: sign(env.keys.rsa, standard()),
      });
      return out;
    },
    expect: {
      html: refused("jwks_unavailable"),
      array: refused("jwks_unavailable"),
      noKeys: refused("jwks_unavailable"),
      keysNotList: refused("jwks_unavailable"),
      empty: refused("jwks_unavailable"),
      emptyList: refused("unknown_key"),
    },
  },
  {
    name: "skips published keys that are not for signatures or unreadable",
    async run(h, env) {
      const path = env.path("mixed-keys");
      const rsa = env.keys.rsa.jwk;
      env.server.set(path, {
        json: {
          keys: [
            { ...rsa, use: "enc" },
            { ...rsa, key_ops: ["encrypt"] },
            { kty: "RSA", kid: "rsa-1", n: "AQAB", e: "AQAB" },
            "not a key",
            rsa,
          ],
        },
      });
      return h.call("external", {
        provider: "Custom",
        jwks_url: env.server.url(path),
        issuer: ISSUER,
        token: sign(env.keys.rsa, standard()),
      });
    },
    expect: valid({ key_id: "rsa-1" }),
  },
];

const configurationCases: ExternalCase[] = [
  {
    name: "the https rule: plain http is refused except for loopback hosts",
    async run(h, env) {
      const token = sign(env.keys.rsa, standard());
      const base = { provider: "Custom", issuer: ISSUER, token };
      const remote = await h.call("external", { ...base, jwks_url: "http://example.com/jwks.json" });
      const ftp = await h.call("external", { ...base, jwks_url: "ftp://example.com/jwks.json" });
      const notUrl = await h.call("external", { ...base, jwks_url: "keys please" });
      const credentials = await h.call("external", { ...base, jwks_url: "https://user:pw@example.com/jwks" });
      const path = env.path("localhost");
      env.server.set(path, { json: jwksOf(env.keys.rsa) });
      const localhost = await h.call("external", { ...base, jwks_url: env.server.url(path, "localhost") });
      const loopback = await h.call("external", { ...base, jwks_url: env.server.url(path) });
      const supabase = await h.call("external", {
        provider: "Supabase",
        project: "http://abcd.supabase.co",
        token,
      });
      return { remote, ftp, notUrl, credentials, localhost, loopback, supabase };
    },
    expect: {
      remote: throws("invalid_url", "jwks_url field"),
      ftp: throws("invalid_url", "jwks_url field"),
      notUrl: throws("invalid_url", "jwks_url field"),
      credentials: throws("invalid_url", "jwks_url field"),
      localhost: valid(),
      loopback: valid(),
      supabase: throws("invalid_url", "project field"),
    },
  },
  {
    name: "HS algorithms in the algorithms field stop the workflow",
    async run(h, env) {
      const { inputs } = custom(env, "hs-config", env.keys.rsa);
      const token = sign(env.keys.rsa, standard());
      const hs = await h.call("external", { ...inputs, token, algorithms: "HS256" });
      const mixed = await h.call("external", { ...inputs, token, algorithms: "RS256, hs512" });
      const none = await h.call("external", { ...inputs, token, algorithms: "none" });
      const lower = await h.call("external", { ...inputs, token, algorithms: "rs256 , es256" });
      return { hs, mixed, none, lower };
    },
    expect: {
      hs: throws("invalid_field", "algorithms field"),
      mixed: throws("invalid_field", "algorithms field"),
      none: throws("invalid_field", "algorithms field"),
      lower: valid(),
    },
  },
  {
    name: "names the field to fix when the configuration is incomplete",
    async run(h, env) {
      const token = sign(env.keys.rsa, standard());
      return {
        noUrl: await h.call("external", { provider: "Custom", issuer: ISSUER, token }),
        noIssuer: await h.call("external", { provider: "Custom", jwks_url: env.server.url("/x"), token }),
        defaultProvider: await h.call("external", { token }),
        noProject: await h.call("external", { provider: "Firebase", token }),
        auth0NoAudience: await h.call("external", {
          provider: "Auth0",
          project: "my-app.us.auth0.com",
          token,
        }),
        auth0Path: await h.call("external", {
          provider: "Auth0",
          project: "my-app.us.auth0.com/api",
          audience: "x",
          token,
        }),
        tolerance: await h.call("external", {
          provider: "Custom",
          jwks_url: env.server.url("/x"),
          issuer: ISSUER,
          clock_tolerance: 301,
          token,
        }),
      };
    },
    expect: {
      noUrl: throws("missing_field", "jwks_url field"),
      noIssuer: throws("missing_field", "issuer field"),
      defaultProvider: throws("missing_field", "jwks_url field"),
      noProject: throws("missing_field", "project field"),
      auth0NoAudience: throws("missing_field", "audience field"),
      auth0Path: throws("invalid_url", "project field"),
      tolerance: throws("field_out_of_range", "clock_tolerance field"),
    },
  },
];

/** A provider-shaped token checked through the preset, the JWKS URL pointed at the loopback server. */
function providerCase(
  name: string,
  key: (k: ExternalKeys) => TestKey,
  inputs: Record<string, unknown>,
  claims: () => Record<string, unknown>,
  expect: Record<string, unknown>,
  header: Record<string, unknown> = {},
): ExternalCase {
  return {
    name,
    async run(h, env) {
      const base = key(env.keys);
      // A provider's own kid format (Clerk's ins_...) is published as such.
      const kid = typeof header.kid === "string" ? header.kid : base.kid;
      const signer: TestKey = { ...base, kid, jwk: { ...base.jwk, kid } };
      const path = env.path(name);
      env.server.set(path, { json: jwksOf(env.keys.attacker, signer) });
      const token = signJws(
        { alg: signer.jwk.alg, kid: signer.kid, typ: "JWT", ...header },
        claims(),
        signer.jwk.alg as TestAlgorithm,
        signer.privateKey,
      );
      return h.call("external", { ...inputs, jwks_url: env.server.url(path), token });
    },
    expect,
  };
}

function firebaseClaims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const t = now();
  return {
    name: "Ada Lovelace",
    picture: "https://lh3.googleusercontent.com/a/photo",
    iss: "https://securetoken.google.com/my-app-123",
    aud: "my-app-123",
    auth_time: t - 3600,
    user_id: "kZ3iPZbpmQh1XJ2sQ0yLwz7Y8aB2",
    sub: "kZ3iPZbpmQh1XJ2sQ0yLwz7Y8aB2",
    iat: t,
    exp: t + 3600,
    email: "ada@example.com",
    email_verified: true,
    firebase: { identities: { email: ["ada@example.com"] }, sign_in_provider: "password" },
    ...extra,
  };
}

const FIREBASE = { provider: "Firebase", project: "my-app-123" };

const providerCases: ExternalCase[] = [
  providerCase(
    "Firebase ID token",
    (k) => k.rsa,
    FIREBASE,
    () => firebaseClaims(),
    valid({
      provider: "Firebase",
      subject: "kZ3iPZbpmQh1XJ2sQ0yLwz7Y8aB2",
      issuer: "https://securetoken.google.com/my-app-123",
      audience: "my-app-123",
      email: "ada@example.com",
      claims_json: matches('"sign_in_provider":"password"'),
    }),
  ),
  providerCase(
    "Firebase: another project's token is refused",
    (k) => k.rsa,
    FIREBASE,
    () => firebaseClaims({ aud: "other-app", iss: "https://securetoken.google.com/other-app" }),
    refused("issuer_mismatch"),
  ),
  providerCase(
    "Firebase: auth_time in the future is refused",
    (k) => k.rsa,
    FIREBASE,
    () => firebaseClaims({ auth_time: now() + 3600 }),
    refused("not_yet_valid"),
  ),
  providerCase(
    "Firebase: a missing auth_time is refused",
    (k) => k.rsa,
    FIREBASE,
    () => firebaseClaims({ auth_time: undefined }),
    refused("missing_claim"),
  ),
  providerCase(
    "Firebase: an empty sub is refused",
    (k) => k.rsa,
    FIREBASE,
    () => firebaseClaims({ sub: "" }),
    refused("missing_claim"),
  ),
  providerCase(
    "Firebase: a sub that is not text is refused",
    (k) => k.rsa,
    FIREBASE,
    () => firebaseClaims({ sub: 42 }),
    refused("malformed"),
  ),
  providerCase(
    "Firebase: ES256 is not Firebase's algorithm",
    (k) => k.ec,
    FIREBASE,
    () => firebaseClaims(),
    refused("algorithm_not_allowed"),
  ),
  providerCase(
    "Supabase access token (ES256)",
    (k) => k.ec,
    { provider: "Supabase", project: "https://abcdefghijklmnopqrst.supabase.co/" },
    () => {
      const t = now();
      return {
        iss: "https://abcdefghijklmnopqrst.supabase.co/auth/v1",
        sub: "2b4f6a1e-8c3d-4e5f-9a0b-1c2d3e4f5a6b",
        aud: "authenticated",
        exp: t + 3600,
        iat: t,
        email: "ada@example.com",
        phone: "",
        app_metadata: { provider: "email", providers: ["email"] },
        user_metadata: { email_verified: true },
        role: "authenticated",
        aal: "aal1",
        amr: [{ method: "password", timestamp: t - 60 }],
        session_id: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        is_anonymous: false,
      };
    },
    valid({
      provider: "Supabase",
      issuer: "https://abcdefghijklmnopqrst.supabase.co/auth/v1",
      audience: "authenticated",
      claims_json: matches('"role":"authenticated"'),
    }),
  ),
  providerCase(
    "Supabase: an anon key (role anon, no authenticated aud) is refused",
    (k) => k.ec,
    { provider: "Supabase", project: "abcdefghijklmnopqrst.supabase.co" },
    () => {
      const t = now();
      return { iss: "https://abcdefghijklmnopqrst.supabase.co/auth/v1", role: "anon", iat: t, exp: t + 3600 };
    },
    refused("audience_mismatch"),
  ),
  providerCase(
    "Auth0 ID token",
    (k) => k.rsa,
    {
      provider: "Auth0",
      project: "https://my-app.us.auth0.com/",
      audience: "xZ8aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT",
    },
    () => {
      const t = now();
      return {
        nickname: "ada",
        name: "ada@example.com",
        picture: "https://s.gravatar.com/avatar/x.png",
        updated_at: "2026-01-01T10:00:00.000Z",
        email: "ada@example.com",
        email_verified: true,
        iss: "https://my-app.us.auth0.com/",
        aud: "xZ8aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT",
        sub: "auth0|65a1b2c3d4e5f6a7b8c9d0e1",
        iat: t,
        exp: t + 36000,
        sid: "Qx1yZ2w3V4u5T6s7R8q9",
        nonce: "n-0S6_WzA2Mj",
      };
    },
    valid({
      provider: "Auth0",
      subject: "auth0|65a1b2c3d4e5f6a7b8c9d0e1",
      issuer: "https://my-app.us.auth0.com/",
    }),
  ),
  providerCase(
    "Auth0 access token for an API (aud list, azp, scope)",
    (k) => k.rsa,
    { provider: "Auth0", project: "my-app.us.auth0.com", audience: "https://api.example.com" },
    () => {
      const t = now();
      return {
        iss: "https://my-app.us.auth0.com/",
        sub: "auth0|65a1b2c3d4e5f6a7b8c9d0e1",
        aud: ["https://api.example.com", "https://my-app.us.auth0.com/userinfo"],
        iat: t,
        exp: t + 86400,
        scope: "openid profile email",
        azp: "xZ8aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT",
      };
    },
    valid({ audience: "https://api.example.com,https://my-app.us.auth0.com/userinfo" }),
  ),
  providerCase(
    "Auth0: an issuer without the trailing slash is refused",
    (k) => k.rsa,
    { provider: "Auth0", project: "my-app.us.auth0.com", audience: "client-1" },
    () => standard({ iss: "https://my-app.us.auth0.com", aud: "client-1" }),
    refused("issuer_mismatch"),
  ),
  providerCase(
    "Clerk session token (azp, sid, v2 claims)",
    (k) => k.rsa,
    { provider: "Clerk", project: "clerk.example.com" },
    () => {
      const t = now();
      return {
        azp: "https://example.com",
        exp: t + 60,
        fva: [7, -1],
        iat: t,
        iss: "https://clerk.example.com",
        nbf: t - 10,
        sid: "sess_2abcDEFghiJKLmnoPQRstuVWXyz",
        sub: "user_2abcDEFghiJKLmnoPQRstuVWX",
        v: 2,
      };
    },
    valid({ provider: "Clerk", subject: "user_2abcDEFghiJKLmnoPQRstuVWX", audience: null }),
    { kid: "ins_2abcDEFghiJKLmnoPQRstuVWXyz" },
  ),
  providerCase(
    "Google ID token (iss https://accounts.google.com)",
    (k) => k.rsa,
    { provider: "Google", project: "1234567890-abc.apps.googleusercontent.com" },
    () => googleClaims("https://accounts.google.com"),
    valid({ provider: "Google", subject: "110169484474386276334", email: "ada@gmail.com" }),
  ),
  providerCase(
    "Google ID token (iss accounts.google.com)",
    (k) => k.rsa,
    { provider: "Google", project: "1234567890-abc.apps.googleusercontent.com" },
    () => googleClaims("accounts.google.com"),
    valid({ provider: "Google", issuer: "accounts.google.com" }),
  ),
  providerCase(
    "Google: a token for another client id is refused",
    (k) => k.rsa,
    { provider: "Google", project: "999-other.apps.googleusercontent.com" },
    () => googleClaims("https://accounts.google.com"),
    refused("audience_mismatch"),
  ),
  providerCase(
    "Apple identity token",
    (k) => k.rsa,
    { provider: "Apple", project: "com.example.app" },
    () => {
      const t = now();
      return {
        iss: "https://appleid.apple.com",
        aud: "com.example.app",
        exp: t + 600,
        iat: t,
        sub: "001234.5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c.1234",
        c_hash: "dZusyqBNIzmfd8Uv_cVKSw",
        email: "abcd1234@privaterelay.appleid.com",
        email_verified: true,
        is_private_email: true,
        auth_time: t - 5,
        nonce_supported: true,
      };
    },
    valid({ provider: "Apple", email: "abcd1234@privaterelay.appleid.com" }),
    { typ: undefined },
  ),
  providerCase(
    "the issuer and audience fields override the preset",
    (k) => k.rsa,
    { ...FIREBASE, issuer: "https://securetoken.google.com/staging-1", audience: "staging-1" },
    () => firebaseClaims({ iss: "https://securetoken.google.com/staging-1", aud: "staging-1" }),
    valid({ provider: "Firebase", audience: "staging-1" }),
  ),
];

function googleClaims(iss: string): Record<string, unknown> {
  const t = now();
  return {
    iss,
    azp: "1234567890-abc.apps.googleusercontent.com",
    aud: "1234567890-abc.apps.googleusercontent.com",
    sub: "110169484474386276334",
    email: "ada@gmail.com",
    email_verified: true,
    at_hash: "HK6E_P6Dh8Y93mRNtsDB1Q",
    name: "Ada Lovelace",
    picture: "https://lh3.googleusercontent.com/a/photo",
    given_name: "Ada",
    family_name: "Lovelace",
    iat: t,
    exp: t + 3600,
  };
}

/** Every group of cases, by name. */
export const EXTERNAL_CASES: Record<string, readonly ExternalCase[]> = {
  signatures: signatureCases,
  fetching: fetchCases,
  configuration: configurationCases,
  providers: providerCases,
};

/** The slow endpoint: run once per process, alongside the others, since it waits out the 5-second timeout. */
export const SLOW_CASE: ExternalCase = {
  name: "a slow endpoint times out after 5 seconds as jwks_unavailable",
  async run(h, env) {
    const { inputs } = custom(env, "slow");
    env.server.set(env.path("slow"), { json: jwksOf(env.keys.rsa), delayMs: 60_000 });
    const started = Date.now();
    const observed = await h.call("external", { ...inputs, token: sign(env.keys.rsa, standard()) });
    const elapsedMs = Date.now() - started;
    return { observed, timedOutAfterFiveSeconds: elapsedMs >= 4_900 && elapsedMs < 30_000 };
  },
  expect: {
    observed: {
      values: {
        error_code: "jwks_unavailable",
        error_message: "The provider's keys (JWKS) could not be fetched or read.",
      },
      logs: [matches('"reason":"the keys URL did not answer within 5 seconds"')],
    },
    timedOutAfterFiveSeconds: true,
  },
};
