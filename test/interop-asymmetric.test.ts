/**
 * Interoperability with an independent implementation (PyJWT, Debian's python3-jwt) for RS, PS, ES and
 * EdDSA, both ways, through the built actions in the Bubble runtime stand-in: PyJWT accepts what the
 * plugin signs (checked with the PEM public key, and with the key PyJWT picks by kid from the JWKS the
 * JWKS action publishes), and the plugin verifies and refreshes what PyJWT signs. PyJWT runs in batches,
 * a few interpreter starts in all.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BubbleRuntime } from "../src/emulator/runtime.js";
import { AUDIENCE, ISSUER } from "./contract/harness.js";
import {
  ASYMMETRIC,
  type AsymmetricAlg,
  FAMILY,
  fixtureKey,
  pem,
  privateMembersIn,
  serviceAccountFile,
  testKeys,
  thumbprint,
} from "./support/keys.js";
import { pyjwtBatch } from "./support/python.js";

const runtime = new BubbleRuntime(path.resolve(import.meta.dirname, "../actions"));
const current = (alg: AsymmetricAlg) => testKeys().current[FAMILY[alg]];
const other = (alg: AsymmetricAlg) => testKeys().other[FAMILY[alg]];

interface PyAnswer {
  token?: string;
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  error?: string;
}

interface PerAlgorithm {
  pluginToken: string;
  pluginJti: string;
  jwksJson: string;
  pyToken: string;
  pyVerifiedByPlugin: Record<string, unknown>;
  pyRefreshedByPlugin: Record<string, unknown>;
  /** PyJWT's verdicts on the plugin's tokens. */
  byPem?: PyAnswer;
  byJwks?: PyAnswer;
  refreshedByPem?: PyAnswer;
  underOtherKey?: PyAnswer;
}

const results = {} as Record<AsymmetricAlg, PerAlgorithm>;
const recipes = {} as Record<"apple" | "google" | "pss", { token: string; answer?: PyAnswer }>;

function pluginKeys(alg: AsymmetricAlg) {
  return { "Private Key": pem.pkcs8(current(alg)), Issuer: ISSUER, Audience: AUDIENCE };
}

beforeAll(async () => {
  const now = Math.floor(Date.now() / 1000);
  // 1. PyJWT signs one token per algorithm with the PEM private key.
  const pyTokens = pyjwtBatch<PyAnswer>(
    ASYMMETRIC.map((alg) => ({
      op: "sign",
      alg,
      key: pem.pkcs8(current(alg)),
      headers: { kid: `py-${alg}` },
      claims: {
        sub: "py-user",
        iat: now,
        exp: now + 300,
        iss: ISSUER,
        aud: AUDIENCE,
        jti: `py-${alg}`,
        role: "admin",
      },
    })),
  );
  // 2. The plugin signs, publishes its JWKS, and verifies and refreshes PyJWT's tokens.
  for (const [i, alg] of ASYMMETRIC.entries()) {
    const keys = pluginKeys(alg);
    const generated = await runtime.call(
      "JWT - Generate token",
      { subject: "user-7", email: "u@example.com", algorithm: alg },
      keys,
    );
    const jwks = await runtime.call("JWT - Public keys (JWKS)", { algorithm: alg }, keys);
    // PyJWT writes either form of an ECDSA signature; the plugin takes both, as PyJWT does.
    const pyToken = pyTokens[i]?.token as string;
    const verified = await runtime.call(
      "JWT - Verify token",
      { token: pyToken, algorithm: alg },
      { "Public Key": pem.spki(current(alg)), Issuer: ISSUER, Audience: AUDIENCE },
    );
    const refreshed = await runtime.call("JWT - Refresh token", { token: pyToken, algorithm: alg }, keys);
    results[alg] = {
      pluginToken: generated.values.token as string,
      pluginJti: generated.values.jti as string,
      jwksJson: jwks.values.jwks_json as string,
      pyToken,
      pyVerifiedByPlugin: verified.values,
      pyRefreshedByPlugin: refreshed.values,
    };
  }
  const apple = await runtime.call(
    "JWT - Generate token",
    {
      subject: "com.example.app.signin",
      issuer: "TEAM123456",
      audience: "https://appleid.apple.com",
      key_id: "ABC123DEFG",
      expires_in: 15_777_000,
      algorithm: "ES256",
    },
    { "Private Key": pem.pkcs8(current("ES256")) },
  );
  const email = "signer@example-project.iam.gserviceaccount.com";
  const google = await runtime.call(
    "JWT - Generate token",
    {
      subject: email,
      issuer: email,
      audience: "https://oauth2.googleapis.com/token",
      claims_json: '{"scope": "https://www.googleapis.com/auth/devstorage.read_only"}',
      algorithm: "RS256",
    },
    { "Private Key": serviceAccountFile(current("RS256"), "sa-key-7") },
  );
  const pssKeys = { "Private Key": pem.pkcs8(fixtureKey("rsa-pss")) };
  const pss = await runtime.call(
    "JWT - Generate token",
    { subject: "pss-user", algorithm: "PS256" },
    pssKeys,
  );
  const pssJwks = await runtime.call("JWT - Public keys (JWKS)", { algorithm: "PS256" }, pssKeys);
  // 3. PyJWT checks everything the plugin signed.
  const requests: Record<string, unknown>[] = ASYMMETRIC.flatMap((alg) => {
    const r = results[alg];
    const common = { op: "verify", alg, audience: AUDIENCE, issuer: ISSUER };
    return [
      { ...common, token: r.pluginToken, key: pem.spki(current(alg)) },
      { ...common, token: r.pluginToken, jwks: JSON.parse(r.jwksJson) },
      { ...common, token: r.pyRefreshedByPlugin.token, key: pem.spki(current(alg)) },
      { ...common, token: r.pluginToken, key: pem.spki(other(alg)) },
    ];
  });
  requests.push(
    {
      op: "verify",
      alg: "ES256",
      token: apple.values.token as string,
      key: pem.spki(current("ES256")),
      audience: "https://appleid.apple.com",
      issuer: "TEAM123456",
    },
    {
      op: "verify",
      alg: "RS256",
      token: google.values.token as string,
      key: pem.spki(current("RS256")),
      audience: "https://oauth2.googleapis.com/token",
      issuer: email,
    },
    {
      op: "verify",
      alg: "PS256",
      token: pss.values.token as string,
      jwks: JSON.parse(String(pssJwks.values.jwks_json)),
    },
  );
  const answers = pyjwtBatch<PyAnswer>(requests);
  for (const [i, alg] of ASYMMETRIC.entries()) {
    const [byPem, byJwks, refreshedByPem, underOtherKey] = answers.slice(i * 4, i * 4 + 4);
    Object.assign(results[alg], { byPem, byJwks, refreshedByPem, underOtherKey });
  }
  const tail = answers.slice(ASYMMETRIC.length * 4);
  recipes.apple = { token: apple.values.token as string, answer: tail[0] };
  recipes.google = { token: google.values.token as string, answer: tail[1] };
  recipes.pss = { token: pss.values.token as string, answer: tail[2] };
}, 120_000);

describe.each(ASYMMETRIC)("%s with PyJWT", (alg) => {
  it("PyJWT verifies a token the plugin generated, with the PEM public key", () => {
    expect(results[alg].byPem).toMatchObject({
      claims: {
        sub: "user-7",
        email: "u@example.com",
        iss: ISSUER,
        aud: AUDIENCE,
        jti: results[alg].pluginJti,
      },
      header: { alg, typ: "JWT", kid: thumbprint(current(alg)) },
    });
  });

  it("PyJWT verifies it with the key its own PyJWKSet picks by kid from the published JWKS, which has no private member", () => {
    expect(results[alg].byJwks).toMatchObject({ claims: { sub: "user-7", jti: results[alg].pluginJti } });
    expect(privateMembersIn(results[alg].jwksJson)).toEqual([]);
  });

  it("PyJWT refuses the plugin's token under another key", () => {
    expect(results[alg].underOtherKey).toEqual({ error: "InvalidSignatureError" });
  });

  it("the plugin verifies a token PyJWT signed, and refreshes it into one PyJWT accepts", () => {
    expect(results[alg].pyVerifiedByPlugin).toMatchObject({
      valid: true,
      subject: "py-user",
      jti: `py-${alg}`,
      key_id: `py-${alg}`,
    });
    expect(results[alg].pyRefreshedByPlugin).toMatchObject({
      ok: true,
      previous_jti: `py-${alg}`,
      subject: "py-user",
    });
    expect(results[alg].refreshedByPem).toMatchObject({
      claims: { sub: "py-user", role: "admin", iss: ISSUER, aud: AUDIENCE },
    });
  });
});

describe("recipes checked by PyJWT", () => {
  it("PyJWT accepts the Apple client secret: ES256, kid, iss = team id, sub = client id, six months", () => {
    const { claims, header } = recipes.apple.answer ?? {};
    expect(header).toMatchObject({ alg: "ES256", kid: "ABC123DEFG" });
    expect(claims).toMatchObject({
      iss: "TEAM123456",
      sub: "com.example.app.signin",
      aud: "https://appleid.apple.com",
    });
    expect((claims?.exp as number) - (claims?.iat as number)).toBe(15_777_000);
  });

  it("PyJWT accepts the Google service-account assertion: RS256, kid = private_key_id, scope, one hour", () => {
    const { claims, header } = recipes.google.answer ?? {};
    expect(header).toMatchObject({ alg: "RS256", kid: "sa-key-7" });
    expect(claims).toMatchObject({
      iss: "signer@example-project.iam.gserviceaccount.com",
      aud: "https://oauth2.googleapis.com/token",
      scope: "https://www.googleapis.com/auth/devstorage.read_only",
    });
    expect((claims?.exp as number) - (claims?.iat as number)).toBe(3600);
  });

  it("PyJWT accepts a PS256 token signed with an RSA-PSS key, through the JWKS the plugin published", () => {
    expect(recipes.pss.answer).toMatchObject({ claims: { sub: "pss-user" }, header: { alg: "PS256" } });
  });
});
