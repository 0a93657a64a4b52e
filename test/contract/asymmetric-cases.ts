/**
 * Contract cases for RS256/384/512, PS256/384/512, ES256/384/512 and EdDSA through the built bundles:
 * the whole flow per algorithm, key/algorithm discipline, key confusion, JWKS selection by kid, the
 * JWKS action, and the Apple and Google recipes. The key-format × paste-form matrix is its own scenario
 * (test/scenarios/asymmetric-matrix.ts), run once per Node rather than under every presentation.
 */
import { sign } from "node:crypto";
import type { ConfigErrorCode } from "../../src/jwt/errors.js";
import { encodePart, signJws } from "../support/jws.js";
import {
  ASYMMETRIC,
  type AsymmetricAlg,
  FAMILY,
  type Family,
  fixtureKey,
  type Jwk,
  pem,
  privateJwk,
  privateMembersIn,
  publicJwk,
  serviceAccountFile,
  type TestKey,
  testKeys,
  thumbprint,
} from "../support/keys.js";
import type { Observation } from "../support/observe.js";
import {
  AUDIENCE,
  type ContractCase,
  differences,
  freshClaims,
  type Harness,
  ISSUER,
  type Keys,
  matches,
  refused,
  throws,
} from "./harness.js";

const current = (alg: AsymmetricAlg) => testKeys().current[FAMILY[alg]];
const other = (alg: AsymmetricAlg) => testKeys().other[FAMILY[alg]];

const fresh = freshClaims;

/** A token from the independent node:crypto signer. */
function tokenBy(key: TestKey, alg: AsymmetricAlg, header: Record<string, unknown> = {}, claims = fresh()) {
  return signJws({ alg, typ: "JWT", ...header }, claims, alg, key.privateKey);
}

/** The same token with one character of its signature changed. */
function tampered(token: string): string {
  const cut = token.lastIndexOf(".") + 10;
  return `${token.slice(0, cut)}${token[cut] === "A" ? "B" : "A"}${token.slice(cut + 1)}`;
}

function valuesOf(o: Observation): Record<string, unknown> {
  return o.values ?? {};
}

function headerOf(token: unknown): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(token).split(".")[0] ?? "", "base64url").toString("utf8"));
}

const signingKeys = (alg: AsymmetricAlg): Keys => ({
  "Private Key": pem.pkcs8(current(alg)),
  Issuer: ISSUER,
  Audience: AUDIENCE,
});

/** A thrown configuration error: its code, the plugin key it names and what the algorithm needs; it quotes nothing. */
const keyThrown = (keyName: string, code: ConfigErrorCode, needs: string) => ({
  thrown: matches(`^Error: JWT plugin \\(${code}\\): The ${keyName} plugin key .*${needs}`),
  leaks: [],
});

const CURVES: Partial<Record<Family, string>> = { p256: "P-256", p384: "P-384", p521: "P-521" };

/** What the plugin's messages say an algorithm needs, e.g. "ES256 needs an EC private key on curve P-256". */
function needs(alg: AsymmetricAlg, half: "private" | "public"): string {
  const family = FAMILY[alg];
  if (family === "rsa") return `${alg} needs an RSA ${half} key of 2048 bits or more`;
  if (family === "ed25519") return `${alg} needs an Ed25519 ${half} key`;
  return `${alg} needs an EC ${half} key on curve ${CURVES[family]}`;
}

/**
 * Generate → Verify (public key derived from Private Key, and given as SPKI PEM) → Refresh → Verify →
 * Decode → JWKS, plus tokens from the independent signer: good, tampered, and from another key.
 */
function flow(alg: AsymmetricAlg): ContractCase {
  return {
    name: `flow ${alg}: generate, verify, refresh, verify, decode, publish; independent tokens good and bad`,
    async run(h: Harness) {
      const keys = signingKeys(alg);
      const publicOnly: Keys = { "Public Key": pem.spki(current(alg)), Issuer: ISSUER, Audience: AUDIENCE };
      const generated = await h.call(
        "generate",
        { subject: "user-1", email: "ada@example.com", claims_json: '{"role":"admin"}', algorithm: alg },
        keys,
      );
      const token = valuesOf(generated).token as string;
      const verifiedDerived = await h.call("verify", { token, algorithm: alg }, keys);
      const verifiedPublic = await h.call("verify", { token, algorithm: alg }, publicOnly);
      const refreshed = await h.call("refresh", { token, algorithm: alg, expires_in: 900 }, keys);
      const newToken = valuesOf(refreshed).token as string;
      const newVerified = await h.call("verify", { token: newToken, algorithm: alg }, publicOnly);
      const decoded = await h.call("decode", { token: newToken });
      const jwks = await h.call("jwks", { algorithm: alg }, keys);
      const claims = fresh({ iss: ISSUER, aud: AUDIENCE });
      const independent = await h.call(
        "verify",
        { token: tokenBy(current(alg), alg, {}, claims), algorithm: alg },
        publicOnly,
      );
      const independentTampered = await h.call(
        "verify",
        { token: tampered(tokenBy(current(alg), alg, {}, claims)), algorithm: alg },
        publicOnly,
      );
      const otherKey = await h.call(
        "verify",
        { token: tokenBy(other(alg), alg, {}, claims), algorithm: alg },
        keys,
      );
      const published = JSON.parse(String(valuesOf(jwks).jwks_json ?? "{}")) as { keys?: Jwk[] };
      const expectedKid = thumbprint(current(alg));
      return {
        generated,
        verifiedDerived,
        verifiedPublic,
        refreshed,
        newVerified,
        decoded,
        jwks,
        independent,
        independentTampered,
        otherKey,
        differences: differences({
          "header alg": [alg, headerOf(token).alg],
          "kid is the key's thumbprint": [expectedKid, headerOf(token).kid],
          "refresh keeps the kid": [expectedKid, headerOf(newToken).kid],
          "the JWKS action's key_id and its key's kid": [
            [expectedKid, expectedKid],
            [valuesOf(jwks).key_id, published.keys?.[0]?.kid],
          ],
          "keys published": [1, published.keys?.length],
          "private members published": [[], privateMembersIn(valuesOf(jwks).jwks_json)],
          "refresh keeps the claims, sid included": [
            ["admin", valuesOf(generated).session_id],
            [
              JSON.parse(String(valuesOf(newVerified).claims_json)).role,
              JSON.parse(String(valuesOf(newVerified).claims_json)).sid,
            ],
          ],
        }),
      };
    },
    expect: {
      generated: { values: { token: matches("^[\\w-]+\\.[\\w-]+\\.[\\w-]+$") }, leaks: [] },
      verifiedDerived: {
        values: {
          valid: true,
          subject: "user-1",
          email: "ada@example.com",
          issuer: ISSUER,
          audience: AUDIENCE,
        },
        leaks: [],
      },
      verifiedPublic: { values: { valid: true, subject: "user-1" }, leaks: [] },
      refreshed: { values: { ok: true, subject: "user-1", expires_in: 900 }, leaks: [] },
      newVerified: { values: { valid: true, subject: "user-1" }, leaks: [] },
      decoded: { values: { algorithm: alg, subject: "user-1", error_code: "" }, leaks: [] },
      jwks: {
        values: { key_id: matches("^[\\w-]{43}$"), public_key_pem: matches("^-----BEGIN PUBLIC KEY-----\n") },
        leaks: [],
      },
      independent: { values: { valid: true, subject: "user-1", jti: "jti-1" }, leaks: [] },
      independentTampered: refused("invalid_signature"),
      otherKey: refused("invalid_signature"),
      differences: [],
    },
  };
}

/** A call that must throw a builder message. */
function misfit(
  name: string,
  call: (h: Harness) => Promise<Observation>,
  keyName: "Private Key" | "Public Key",
  code: ConfigErrorCode,
  needs: string,
): ContractCase {
  return { name, run: call, expect: keyThrown(keyName, code, needs) };
}

const generateWith = (alg: AsymmetricAlg, privateKey: () => string) => (h: Harness) =>
  h.call("generate", { subject: "u", algorithm: alg }, { "Private Key": privateKey() });
const verifyWith = (alg: AsymmetricAlg, publicKey: () => string) => (h: Harness) =>
  h.call("verify", { token: tokenBy(current(alg), alg), algorithm: alg }, { "Public Key": publicKey() });

const disciplineCases: ContractCase[] = [
  misfit(
    "discipline: an EC key for RS256 throws, naming Private Key and the RSA key RS256 needs",
    generateWith("RS256", () => pem.pkcs8(current("ES256"))),
    "Private Key",
    "wrong_key_kind",
    `is an EC key on curve P-256; ${needs("RS256", "private")}`,
  ),
  misfit(
    "discipline: a P-384 key for ES256 throws, naming the curve ES256 needs",
    generateWith("ES256", () => pem.pkcs8(current("ES384"))),
    "Private Key",
    "wrong_key_kind",
    `is an EC key on curve P-384; ${needs("ES256", "private")}`,
  ),
  misfit(
    "discipline: a P-256 public key for ES512 in Public Key throws",
    verifyWith("ES512", () => pem.spki(current("ES256"))),
    "Public Key",
    "wrong_key_kind",
    needs("ES512", "public"),
  ),
  misfit(
    "discipline: an RSA key of 1024 bits throws for RS256",
    generateWith("RS256", () => pem.pkcs8(testKeys().rsa1024)),
    "Private Key",
    "weak_key",
    `is an RSA key of 1024 bits; ${needs("RS256", "private")}`,
  ),
  misfit(
    "discipline: an RSA public key of 1024 bits throws for PS256 in Public Key",
    verifyWith("PS256", () => pem.spki(testKeys().rsa1024)),
    "Public Key",
    "weak_key",
    `is an RSA key of 1024 bits; ${needs("PS256", "public")}`,
  ),
  misfit(
    "discipline: an RSA key for EdDSA throws",
    generateWith("EdDSA", () => pem.pkcs8(current("RS256"))),
    "Private Key",
    "wrong_key_kind",
    needs("EdDSA", "private"),
  ),
  misfit(
    "discipline: an Ed25519 key for ES256 throws",
    generateWith("ES256", () => pem.pkcs8(current("EdDSA"))),
    "Private Key",
    "wrong_key_kind",
    `is an Ed25519 key; ${needs("ES256", "private")}`,
  ),
  misfit(
    "discipline: a public key (SPKI PEM) where the private key is needed throws",
    generateWith("RS256", () => pem.spki(current("RS256"))),
    "Private Key",
    "wrong_key_kind",
    `holds a public key or certificate; ${needs("RS256", "private")}`,
  ),
  misfit(
    "discipline: a public JWK where the private key is needed throws",
    generateWith("ES256", () => JSON.stringify(publicJwk(current("ES256")))),
    "Private Key",
    "wrong_key_kind",
    needs("ES256", "private"),
  ),
  misfit(
    "discipline: a certificate where the private key is needed throws",
    generateWith("RS256", () => fixtureKey("rsa").certificate),
    "Private Key",
    "wrong_key_kind",
    `holds a public key or certificate; ${needs("RS256", "private")}`,
  ),
  misfit(
    "discipline: an encrypted PKCS#8 PEM throws, asking for it without a passphrase",
    generateWith("RS256", () =>
      String(
        current("RS256").privateKey.export({
          type: "pkcs8",
          format: "pem",
          cipher: "aes-256-cbc",
          passphrase: "correct horse",
        }),
      ),
    ),
    "Private Key",
    "unreadable_key",
    `is protected by a passphrase; ${needs("RS256", "private")} without one`,
  ),
  misfit(
    "discipline: an encrypted traditional PEM (Proc-Type: 4,ENCRYPTED) throws",
    generateWith("ES256", () =>
      String(
        current("ES256").privateKey.export({
          type: "sec1",
          format: "pem",
          cipher: "aes-128-cbc",
          passphrase: "correct horse",
        }),
      ),
    ),
    "Private Key",
    "unreadable_key",
    `is protected by a passphrase; ${needs("ES256", "private")} without one`,
  ),
  misfit(
    "discipline: an encrypted private key in Public Key throws",
    verifyWith("RS256", () =>
      String(
        current("RS256").privateKey.export({
          type: "pkcs8",
          format: "pem",
          cipher: "aes-256-cbc",
          passphrase: "pw",
        }),
      ),
    ),
    "Public Key",
    "unreadable_key",
    needs("RS256", "public"),
  ),
  misfit(
    "discipline: garbage in Private Key throws",
    generateWith("RS256", () => "paste your private key here, then save the settings"),
    "Private Key",
    "unreadable_key",
    `is not a PEM key, a JWK or a service-account file; ${needs("RS256", "private")}`,
  ),
  misfit(
    "discipline: garbage in Public Key throws",
    verifyWith(
      "EdDSA",
      () => "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
    ),
    "Public Key",
    "unreadable_key",
    needs("EdDSA", "public"),
  ),
  misfit(
    "discipline: a PEM cut short throws",
    generateWith("RS256", () => {
      const text = pem.pkcs8(current("RS256"));
      return `${text.slice(0, 400)}\n-----END PRIVATE KEY-----\n`;
    }),
    "Private Key",
    "unreadable_key",
    `could not be read as a private key; ${needs("RS256", "private")}`,
  ),
  misfit(
    "discipline: JSON that is neither a JWK nor a JWKS in Public Key throws",
    verifyWith("RS256", () => '{"hello": "world"}'),
    "Public Key",
    "unreadable_key",
    needs("RS256", "public"),
  ),
  misfit(
    "discipline: a JWK marked for another algorithm throws",
    generateWith("PS256", () => JSON.stringify(privateJwk(current("PS256"), { alg: "RS256" }))),
    "Private Key",
    "wrong_key_kind",
    needs("PS256", "private"),
  ),
  misfit(
    "discipline: a JWK marked for encryption (use enc) throws for signing",
    generateWith("RS256", () => JSON.stringify(privateJwk(current("RS256"), { use: "enc" }))),
    "Private Key",
    "wrong_key_kind",
    needs("RS256", "private"),
  ),
  misfit(
    "discipline: a JWKS of public keys in Private Key throws",
    generateWith("RS256", () =>
      JSON.stringify({ keys: [publicJwk(current("RS256")), publicJwk(other("RS256"))] }),
    ),
    "Private Key",
    "wrong_key_kind",
    `is a JWKS without a private key for RS256; ${needs("RS256", "private")}`,
  ),
  misfit(
    "discipline: a JWKS of several private keys in Private Key throws (which one signs is not guessed)",
    generateWith("RS256", () =>
      JSON.stringify({ keys: [privateJwk(current("RS256")), privateJwk(other("RS256"))] }),
    ),
    "Private Key",
    "wrong_key_kind",
    `is a JWKS with several private keys for RS256; paste the one that signs on its own \\(${needs("RS256", "private")}\\)`,
  ),
  misfit(
    "discipline: a JWKS holding one private key of the wrong type throws, saying what the key is",
    generateWith("RS256", () => JSON.stringify({ keys: [privateJwk(current("ES256"))] })),
    "Private Key",
    "wrong_key_kind",
    `is an EC key on curve P-256; ${needs("RS256", "private")}`,
  ),
  misfit(
    "discipline: a JWKS without a key for the algorithm throws",
    verifyWith("RS256", () =>
      JSON.stringify({
        keys: [
          publicJwk(current("ES256"), { kid: "ec" }),
          publicJwk(current("RS256"), { kid: "enc", use: "enc" }),
        ],
      }),
    ),
    "Public Key",
    "wrong_key_kind",
    `without a signing key for RS256; add one \\(${needs("RS256", "public")}\\)`,
  ),
  misfit(
    "discipline: an RSA-PSS key is refused for RS256 (PSS keys sign PS algorithms only)",
    generateWith("RS256", () => pem.pkcs8(fixtureKey("rsa-pss"))),
    "Private Key",
    "wrong_key_kind",
    `is an RSA-PSS key of 2048 bits \\(for PS algorithms only\\); ${needs("RS256", "private")}`,
  ),
  misfit(
    "discipline: an RSA-PSS key restricted to SHA-256 is refused for PS384",
    generateWith("PS384", () => pem.pkcs8(fixtureKey("rsa-pss"))),
    "Private Key",
    "wrong_key_kind",
    needs("PS384", "private"),
  ),
  {
    name: "discipline: generate with both keys empty throws, naming Private Key",
    run: (h) => h.call("generate", { subject: "u", algorithm: "ES384" }, {}),
    expect: keyThrown("Private Key", "missing_key", `is empty; ${needs("ES384", "private")} there`),
  },
  {
    name: "discipline: verify with both keys empty throws, naming Public Key",
    run: (h) => h.call("verify", { token: tokenBy(current("ES384"), "ES384"), algorithm: "ES384" }, {}),
    expect: keyThrown("Public Key", "missing_key", `is empty .*; ${needs("ES384", "public")} there`),
  },
  {
    name: "discipline: a JWT Secret alone does not verify RS256 (no silent HMAC fallback)",
    run: (h) =>
      h.call(
        "verify",
        { token: tokenBy(current("RS256"), "RS256"), algorithm: "RS256" },
        { "JWT Secret": "an-hmac-secret-that-is-long-enough-to-pass-0123456789" },
      ),
    expect: keyThrown("Public Key", "missing_key", needs("RS256", "public")),
  },
];

/** An RS256 action whose Public Key is a PEM, and a token forged with that PEM as an HMAC secret. */
function confusionToken(headerAlg: "HS256" | "RS256"): string {
  return signJws({ alg: headerAlg, typ: "JWT" }, fresh(), "HS256", pem.spki(current("RS256")));
}

const confusionCases: ContractCase[] = [
  {
    name: "confusion: HS256 header, HMAC keyed with the public PEM, is algorithm_not_allowed (verify and refresh)",
    async run(h) {
      const keys = { "Public Key": pem.spki(current("RS256")), "Private Key": pem.pkcs8(current("RS256")) };
      return {
        verify: await h.call("verify", { token: confusionToken("HS256"), algorithm: "RS256" }, keys),
        refresh: await h.call("refresh", { token: confusionToken("HS256"), algorithm: "RS256" }, keys),
      };
    },
    expect: { verify: refused("algorithm_not_allowed"), refresh: refused("algorithm_not_allowed", "ok") },
  },
  {
    name: "confusion: the same forgery under an RS256 header is invalid_signature",
    run: (h) =>
      h.call(
        "verify",
        { token: confusionToken("RS256"), algorithm: "RS256" },
        { "Public Key": pem.spki(current("RS256")) },
      ),
    expect: refused("invalid_signature"),
  },
  {
    name: "confusion: an RS256 token in a PS256 action, and a PS256 token in an RS256 action, are algorithm_not_allowed",
    async run(h) {
      const keys = { "Public Key": pem.spki(current("RS256")) };
      return {
        rsInPs: await h.call(
          "verify",
          { token: tokenBy(current("RS256"), "RS256"), algorithm: "PS256" },
          keys,
        ),
        psInRs: await h.call(
          "verify",
          { token: tokenBy(current("PS256"), "PS256"), algorithm: "RS256" },
          keys,
        ),
      };
    },
    expect: { rsInPs: refused("algorithm_not_allowed"), psInRs: refused("algorithm_not_allowed") },
  },
  {
    name: "confusion: an ES256 token with alg none, or with ES384 in its header, is algorithm_not_allowed",
    async run(h) {
      const keys = { "Public Key": pem.spki(current("ES256")) };
      const none = `${encodePart({ alg: "none" })}.${encodePart(fresh())}.`;
      const relabelled = tokenBy(current("ES256"), "ES256").replace(/^[^.]+/, encodePart({ alg: "ES384" }));
      return {
        none: await h.call("verify", { token: none, algorithm: "ES256" }, keys),
        relabelled: await h.call("verify", { token: relabelled, algorithm: "ES256" }, keys),
      };
    },
    expect: { none: refused("algorithm_not_allowed"), relabelled: refused("algorithm_not_allowed") },
  },
  {
    name: "confusion: a token carrying its own signing key (jwk, jku, x5c headers) is invalid_signature",
    run: (h) =>
      h.call(
        "verify",
        {
          token: tokenBy(other("ES256"), "ES256", {
            jwk: publicJwk(other("ES256")),
            jku: "https://evil.example/jwks.json",
            x5c: ["MIIB"],
          }),
          algorithm: "ES256",
        },
        { "Public Key": pem.spki(current("ES256")) },
      ),
    expect: refused("invalid_signature"),
  },
  {
    name: "confusion: an ECDSA signature in DER form (not the JWS R||S form) is refused",
    run: (h) => {
      const key = current("ES256");
      const header = encodePart({ alg: "ES256" });
      const payload = encodePart(fresh());
      const der = sign("sha256", Buffer.from(`${header}.${payload}`), key.privateKey);
      return h.call(
        "verify",
        { token: `${header}.${payload}.${Buffer.from(der).toString("base64url")}`, algorithm: "ES256" },
        { "Public Key": pem.spki(key) },
      );
    },
    expect: refused("invalid_signature"),
  },
];

/** A JWKS as an identity provider or a rotation would hold it: several keys, one per kid. */
function rotationJwks(alg: AsymmetricAlg, extra: Jwk[] = []): string {
  return JSON.stringify({
    keys: [
      publicJwk(other(alg), { kid: "previous", use: "sig" }),
      publicJwk(current(alg), { kid: "current", use: "sig", alg }),
      ...extra,
    ],
  });
}

const jwksSelectionCases: ContractCase[] = [
  {
    name: "jwks selection: the token's kid picks the JWKS key, for each family",
    async run(h) {
      const out: Record<string, unknown> = {};
      for (const alg of ["RS256", "PS512", "ES256", "ES384", "ES512", "EdDSA"] as const) {
        out[alg] = await h.call(
          "verify",
          { token: tokenBy(current(alg), alg, { kid: "current" }), algorithm: alg },
          { "Public Key": rotationJwks(alg) },
        );
      }
      return out;
    },
    expect: Object.fromEntries(
      ["RS256", "PS512", "ES256", "ES384", "ES512", "EdDSA"].map((alg) => [
        alg,
        { values: { valid: true, key_id: "current" }, leaks: [] },
      ]),
    ),
  },
  {
    name: "jwks selection: a kid naming another key is invalid_signature (the kid chooses, it is not ignored)",
    run: (h) =>
      h.call(
        "verify",
        { token: tokenBy(current("RS256"), "RS256", { kid: "previous" }), algorithm: "RS256" },
        { "Public Key": rotationJwks("RS256") },
      ),
    expect: refused("invalid_signature"),
  },
  {
    name: "jwks selection: without a kid, the one key that fits the algorithm is used among other types",
    run: (h) =>
      h.call(
        "verify",
        { token: tokenBy(current("ES256"), "ES256"), algorithm: "ES256" },
        {
          "Public Key": JSON.stringify({
            keys: [
              publicJwk(current("RS256"), { kid: "rsa" }),
              publicJwk(current("ES256"), { kid: "ec" }),
              publicJwk(current("EdDSA"), { kid: "ed" }),
              publicJwk(current("ES384"), { kid: "p384" }),
            ],
          }),
        },
      ),
    expect: { values: { valid: true, key_id: null }, leaks: [] },
  },
  {
    name: "jwks selection: a key marked use enc is never used to verify",
    run: (h) =>
      h.call(
        "verify",
        { token: tokenBy(current("RS256"), "RS256"), algorithm: "RS256" },
        {
          "Public Key": JSON.stringify({
            keys: [publicJwk(current("RS256"), { use: "enc" }), publicJwk(other("RS256"), { use: "sig" })],
          }),
        },
      ),
    expect: refused("invalid_signature"),
  },
  {
    name: "jwks selection: a JWK whose alg is Ed25519 (RFC 9864) serves EdDSA",
    run: (h) =>
      h.call(
        "verify",
        { token: tokenBy(current("EdDSA"), "EdDSA"), algorithm: "EdDSA" },
        {
          "Public Key": JSON.stringify({
            keys: [publicJwk(current("EdDSA"), { alg: "Ed25519", kid: "ed" })],
          }),
        },
      ),
    expect: { values: { valid: true }, leaks: [] },
  },
  {
    name: "rotation: a token of the previous key (kept in the Public Key JWKS) verifies, and refresh re-signs it with the current key and its kid",
    async run(h) {
      const keys = { "Private Key": pem.pkcs8(current("ES256")), "Public Key": rotationJwks("ES256") };
      const old = tokenBy(other("ES256"), "ES256", { kid: "previous" });
      const verified = await h.call("verify", { token: old, algorithm: "ES256" }, keys);
      const refreshed = await h.call("refresh", { token: old, algorithm: "ES256" }, keys);
      const again = await h.call("verify", { token: valuesOf(refreshed).token, algorithm: "ES256" }, keys);
      return {
        verified,
        refreshed,
        again,
        newKidIsCurrentKeys: headerOf(valuesOf(refreshed).token).kid === thumbprint(current("ES256")),
      };
    },
    expect: {
      verified: { values: { valid: true, key_id: "previous" }, leaks: [] },
      refreshed: { values: { ok: true }, leaks: [] },
      again: { values: { valid: true }, leaks: [] },
      newKidIsCurrentKeys: true,
    },
  },
  {
    name: "refresh keeps a kid the builder chose at Generate, which the JWKS action publishes with the same key_id",
    async run(h) {
      const keys = { "Private Key": pem.pkcs8(current("RS384")) };
      const generated = await h.call(
        "generate",
        { subject: "u", key_id: "key-2025", algorithm: "RS384" },
        keys,
      );
      const refreshed = await h.call(
        "refresh",
        { token: valuesOf(generated).token, algorithm: "RS384" },
        keys,
      );
      const jwks = await h.call("jwks", { key_id: "key-2025", algorithm: "RS384" }, keys);
      return {
        generatedKid: headerOf(valuesOf(generated).token).kid,
        refreshedKid: headerOf(valuesOf(refreshed).token).kid,
        jwks,
      };
    },
    expect: {
      generatedKid: "key-2025",
      refreshedKid: "key-2025",
      jwks: { values: { key_id: "key-2025", jwks_json: matches('"kid":"key-2025"') }, leaks: [] },
    },
  },
];

/** The JWKS action's output for some plugin keys, reduced to what must hold. */
async function published(h: Harness, alg: AsymmetricAlg, keys: Keys, inputs: Record<string, unknown> = {}) {
  const o = await h.call("jwks", { algorithm: alg, ...inputs }, keys);
  const jwks = JSON.parse(String(valuesOf(o).jwks_json ?? "{}")) as { keys?: Jwk[] };
  return {
    ...o,
    kids: (jwks.keys ?? []).map((jwk) => jwk.kid),
    members: (jwks.keys ?? []).map((jwk) => Object.keys(jwk).sort().join(",")),
    privateMembers: privateMembersIn(valuesOf(o).jwks_json),
    pemIsPublic: /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/.test(
      String(valuesOf(o).public_key_pem),
    ),
  };
}

const jwksActionCases: ContractCase[] = [
  {
    name: "jwks action: publishes only public members whatever the plugin keys hold",
    async run(h) {
      const rsa = current("RS256");
      return {
        privateJwkInPublicKey: await published(h, "RS256", {
          "Public Key": JSON.stringify(privateJwk(rsa, { kid: "leaky" })),
        }),
        privateJwksInPublicKey: await published(h, "RS256", {
          "Private Key": pem.pkcs8(rsa),
          "Public Key": JSON.stringify({
            keys: [privateJwk(other("RS256"), { kid: "old" }), privateJwk(rsa)],
          }),
        }),
        privatePemInPublicKey: await published(h, "ES512", { "Public Key": pem.pkcs8(current("ES512")) }),
        privateJwkInPrivateKey: await published(h, "EdDSA", {
          "Private Key": JSON.stringify(privateJwk(current("EdDSA"), { kid: "ed-1" })),
        }),
        serviceAccount: await published(h, "RS256", { "Private Key": serviceAccountFile(rsa, "sa-key-1") }),
      };
    },
    expect: {
      privateJwkInPublicKey: {
        kids: ["leaky"],
        members: ["alg,e,kid,kty,n,use"],
        privateMembers: [],
        pemIsPublic: true,
        leaks: [],
      },
      privateJwksInPublicKey: {
        kids: [matches("^[\\w-]{43}$"), "old"],
        privateMembers: [],
        pemIsPublic: true,
        leaks: [],
      },
      privatePemInPublicKey: {
        members: ["alg,crv,kid,kty,use,x,y"],
        privateMembers: [],
        pemIsPublic: true,
        leaks: [],
      },
      privateJwkInPrivateKey: {
        kids: ["ed-1"],
        members: ["alg,crv,kid,kty,use,x"],
        privateMembers: [],
        leaks: [],
      },
      serviceAccount: { kids: ["sa-key-1"], values: { key_id: "sa-key-1" }, privateMembers: [], leaks: [] },
    },
  },
  {
    name: "jwks action: during a rotation it publishes the signing key first, then the previous key",
    run: (h) =>
      published(h, "PS256", {
        "Private Key": pem.pkcs8(current("PS256")),
        "Public Key": rotationJwks("PS256"),
      }),
    expect: {
      values: { key_id: matches("^[\\w-]{43}$") },
      kids: [matches("^[\\w-]{43}$"), "previous", "current"],
      members: ["alg,e,kid,kty,n,use", "alg,e,kid,kty,n,use", "alg,e,kid,kty,n,use"],
      privateMembers: [],
      leaks: [],
    },
  },
  {
    name: "jwks action: each entry says alg and use sig, and the PEM is the signing key's",
    async run(h) {
      const o = await published(h, "ES384", { "Private Key": pem.sec1(current("ES384")) });
      const jwk = JSON.parse(String(valuesOf(o).jwks_json)).keys[0];
      return {
        ...o,
        alg: jwk.alg,
        use: jwk.use,
        pemMatches: valuesOf(o).public_key_pem === pem.spki(current("ES384")),
      };
    },
    expect: { alg: "ES384", use: "sig", pemMatches: true, leaks: [] },
  },
  {
    name: "jwks action: an RSA-PSS key (PS256) is published as the plain RSA key that verifies its tokens",
    async run(h) {
      const pss = fixtureKey("rsa-pss");
      const keys = { "Private Key": pem.pkcs8(pss) };
      const generated = await h.call("generate", { subject: "u", algorithm: "PS256" }, keys);
      const o = await published(h, "PS256", keys);
      const verified = await h.call(
        "verify",
        { token: valuesOf(generated).token, algorithm: "PS256" },
        { "Public Key": String(valuesOf(o).jwks_json) },
      );
      const byCertificate = await h.call(
        "verify",
        { token: valuesOf(generated).token, algorithm: "PS256" },
        { "Public Key": pss.certificate },
      );
      return { jwks: o, verified, byCertificate };
    },
    expect: {
      jwks: { members: ["alg,e,kid,kty,n,use"], privateMembers: [], leaks: [] },
      verified: { values: { valid: true }, leaks: [] },
      byCertificate: { values: { valid: true }, leaks: [] },
    },
  },
  {
    name: "jwks action: refuses HS256 and throws when both keys are empty",
    async run(h) {
      return {
        hs: await h.call("jwks", { algorithm: "HS256" }, { "JWT Secret": "x".repeat(64) }),
        empty: await h.call("jwks", { algorithm: "RS256" }, {}),
      };
    },
    expect: {
      hs: throws("invalid_field", "algorithm field"),
      empty: throws("missing_key", "Private Key and Public Key plugin keys"),
    },
  },
];

/** Apple's limit for a client secret's lifetime, and the plugin's (six months). */
const SIX_MONTHS = 15_777_000;

const recipeCases: ContractCase[] = [
  {
    name: "recipe: an Apple Sign-In client secret (ES256, kid, iss = team id, sub = client id, six months)",
    async run(h) {
      // An Apple .p8 file is a PKCS#8 P-256 key; builders paste it as downloaded.
      const keys = { "Private Key": pem.pkcs8(current("ES256")) };
      const inputs = {
        subject: "com.example.app.signin",
        issuer: "TEAM123456",
        audience: "https://appleid.apple.com",
        key_id: "ABC123DEFG",
        expires_in: SIX_MONTHS,
        algorithm: "ES256",
      };
      const generated = await h.call("generate", inputs, keys);
      const token = valuesOf(generated).token as string;
      const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
      const verified = await h.call(
        "verify",
        { token, algorithm: "ES256", issuer: "TEAM123456", audience: "https://appleid.apple.com" },
        { "Public Key": pem.spki(current("ES256")) },
      );
      const tooLong = await h.call("generate", { ...inputs, expires_in: SIX_MONTHS + 1 }, keys);
      return {
        generated,
        header: headerOf(token),
        claims: { iss: claims.iss, sub: claims.sub, aud: claims.aud, lifetime: claims.exp - claims.iat },
        verified,
        tooLong,
      };
    },
    expect: {
      generated: { values: { expires_in: SIX_MONTHS }, leaks: [] },
      header: { alg: "ES256", kid: "ABC123DEFG" },
      claims: {
        iss: "TEAM123456",
        sub: "com.example.app.signin",
        aud: "https://appleid.apple.com",
        lifetime: SIX_MONTHS,
      },
      verified: { values: { valid: true, key_id: "ABC123DEFG" }, leaks: [] },
      tooLong: throws("field_out_of_range", "expires_in field"),
    },
  },
  {
    name: "recipe: a Google service-account assertion (RS256 from the key file, scope, token endpoint audience, one hour, kid = private_key_id)",
    async run(h) {
      const key = fixtureKey("rsa");
      const file = serviceAccountFile(key, "4f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c");
      const email = "signer@example-project.iam.gserviceaccount.com";
      const generated = await h.call(
        "generate",
        {
          subject: email,
          issuer: email,
          audience: "https://oauth2.googleapis.com/token",
          claims_json: '{"scope": "https://www.googleapis.com/auth/cloud-platform"}',
          expires_in: 3600,
          algorithm: "RS256",
        },
        { "Private Key": file },
      );
      const token = valuesOf(generated).token as string;
      const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
      // Google publishes a service account's public keys as X.509 certificates, by private_key_id.
      const verified = await h.call(
        "verify",
        { token, algorithm: "RS256", issuer: email, audience: "https://oauth2.googleapis.com/token" },
        { "Public Key": key.certificate },
      );
      return {
        generated,
        header: headerOf(token),
        claims: { iss: claims.iss, aud: claims.aud, scope: claims.scope, lifetime: claims.exp - claims.iat },
        verified,
      };
    },
    expect: {
      generated: { values: { expires_in: 3600 }, leaks: [] },
      header: { alg: "RS256", kid: "4f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c", typ: "JWT" },
      claims: {
        iss: "signer@example-project.iam.gserviceaccount.com",
        aud: "https://oauth2.googleapis.com/token",
        scope: "https://www.googleapis.com/auth/cloud-platform",
        lifetime: 3600,
      },
      verified: { values: { valid: true, key_id: "4f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c" }, leaks: [] },
    },
  },
];

export const asymmetricCases: ContractCase[] = [
  ...ASYMMETRIC.map(flow),
  ...disciplineCases,
  ...confusionCases,
  ...jwksSelectionCases,
  ...jwksActionCases,
  ...recipeCases,
];
