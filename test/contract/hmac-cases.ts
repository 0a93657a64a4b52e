/**
 * Contract cases for the four core actions with HS256/384/512, run through the built bundles.
 * Each returns an observation; test/contract.test.ts asserts it on Node 18 and Node 20.
 */
import { encodePart, now, signature, signJws } from "../support/jws.js";
import type { Observation } from "../support/observe.js";
import {
  AUDIENCE,
  BASE_KEYS,
  type ContractCase,
  differences,
  freshClaims,
  type Harness,
  ISSUER,
  matches,
  OLD_SECRET,
  OTHER_SECRET,
  refused,
  SECRET,
  testSecret,
  throws,
} from "./harness.js";

const HS = ["HS256", "HS384", "HS512"] as const;
type Hs = (typeof HS)[number];

/** A token signed with SECRET (or `secret`) by the independent test signer. */
function hsToken(
  claims: Record<string, unknown>,
  alg: Hs = "HS256",
  secret = SECRET,
  header: Record<string, unknown> = {},
) {
  return signJws({ alg, typ: "JWT", ...header }, claims, alg, secret);
}

const fresh = freshClaims;
const verifyRefuses = (
  name: string,
  token: () => string,
  code: string,
  inputs: Record<string, unknown> = {},
): ContractCase => ({
  name,
  run: (h) => h.call("verify", { token: token(), ...inputs }),
  expect: refused(code),
});

function valuesOf(o: Observation): Record<string, unknown> {
  return o.values ?? {};
}

/** Generate → Verify → Refresh → Verify the old token with its jti revoked → Verify the new → Decode. */
function flow(alg: Hs): ContractCase {
  return {
    name: `flow ${alg}: generate, verify, refresh, revoke the old jti, verify, decode`,
    async run(h: Harness) {
      const generated = await h.call("generate", {
        subject: "user-1",
        email: "ada@example.com",
        expires_in: 900,
        claims: [{ key: "role", value: "admin" }],
        claims_json: '{"seats": 5, "beta": true, "tags": ["a", "b"]}',
        algorithm: alg,
      });
      const token = valuesOf(generated).token as string;
      const verified = await h.call("verify", { token, algorithm: alg });
      const refreshed = await h.call("refresh", { token, algorithm: alg, expires_in: 1200 });
      const newToken = valuesOf(refreshed).token as string;
      const oldRevoked = await h.call("verify", {
        token,
        algorithm: alg,
        revoked_ids: [valuesOf(refreshed).previous_jti],
      });
      const newVerified = await h.call("verify", { token: newToken, algorithm: alg });
      const decoded = await h.call("decode", { token: newToken });
      const oldClaims = JSON.parse(valuesOf(verified).claims_json as string);
      const newClaims = JSON.parse(valuesOf(newVerified).claims_json as string);
      const v = valuesOf(verified);
      return {
        generated,
        verified,
        refreshed,
        oldRevoked,
        newVerified,
        decoded,
        differences: differences({
          lifetime: [900, generated.values?.expires_in],
          "claim lists aligned with the claims": [
            Object.keys(oldClaims).map((name) =>
              typeof oldClaims[name] === "string" ? oldClaims[name] : JSON.stringify(oldClaims[name]),
            ),
            v.claim_values,
          ],
          "claim names": [Object.keys(oldClaims), v.claim_names],
          "typed claims kept": [
            [5, true, ["a", "b"]],
            [oldClaims.seats, oldClaims.beta, oldClaims.tags],
          ],
          "refresh keeps the login's claims": [
            ["user-1", "admin", 5, oldClaims.auth_time, oldClaims.sid],
            [newClaims.sub, newClaims.role, newClaims.seats, newClaims.auth_time, newClaims.sid],
          ],
          "the token's sid is session_id": [oldClaims.sid, valuesOf(generated).session_id],
          "refresh: a new jti": [true, newClaims.jti !== oldClaims.jti],
          "refresh: previous_jti": [oldClaims.jti, valuesOf(refreshed).previous_jti],
          "refresh lifetime": [1200, newClaims.exp - newClaims.iat],
          "auth_time is iat": [oldClaims.iat, oldClaims.auth_time],
        }),
      };
    },
    expect: {
      generated: {
        values: { token: matches("^[\\w-]+\\.[\\w-]+\\.[\\w-]+$"), jti: matches(".+") },
        leaks: [],
      },
      verified: {
        values: {
          valid: true,
          error_code: "",
          error_message: "",
          subject: "user-1",
          email: "ada@example.com",
        },
        leaks: [],
      },
      refreshed: { values: { ok: true, error_code: "", subject: "user-1", expires_in: 1200 }, leaks: [] },
      oldRevoked: { values: { valid: false, error_code: "revoked" }, leaks: [] },
      newVerified: { values: { valid: true, subject: "user-1" }, leaks: [] },
      decoded: {
        values: { algorithm: alg, subject: "user-1", is_expired: false, error_code: "" },
        leaks: [],
      },
      differences: [],
    },
  };
}

const t0 = now();

/** A claims_json object whose deepest value sits `depth` levels down (the object itself is level 1). */
function nestedClaimsJson(depth: number): string {
  return `{"deep": ${"[".repeat(depth - 1)}1${"]".repeat(depth - 1)}}`;
}

export const hmacCases: ContractCase[] = [
  ...HS.map(flow),

  // Bearer and white space
  {
    name: "verify accepts a Bearer prefix in any case and surrounding white space",
    run: (h) => h.call("verify", { token: `  bEaReR   ${hsToken(fresh())}  \n` }),
    expect: { values: { valid: true, subject: "user-1", jti: "jti-1" }, leaks: [] },
  },

  // missing_token and token_too_large
  verifyRefuses("verify: an empty token is missing_token", () => "", "missing_token"),
  verifyRefuses("verify: white space only is missing_token", () => "  \t ", "missing_token"),
  verifyRefuses("verify: a bare Bearer prefix is missing_token", () => "Bearer ", "missing_token"),
  verifyRefuses("verify: 16,385 characters is token_too_large", () => "a".repeat(16_385), "token_too_large"),
  verifyRefuses("verify: 1 MB is token_too_large", () => "a.b.".padEnd(1_048_576, "c"), "token_too_large"),
  {
    name: "verify: a valid token of 16,384 characters (or one less, as base64url allows) is accepted",
    run: (h) => {
      let token = hsToken(fresh({ pad: "" }));
      for (let pad = Math.floor(((16_384 - token.length) * 3) / 4) - 4; ; pad++) {
        const next = hsToken(fresh({ pad: "x".repeat(pad) }));
        if (next.length > 16_384) break;
        token = next;
      }
      return h.call("verify", { token }).then((o) => ({ ...o, lengthOk: token.length >= 16_383 }));
    },
    expect: { values: { valid: true }, lengthOk: true, leaks: [] },
  },

  // malformed
  verifyRefuses("verify: one part is malformed", () => "abc", "malformed"),
  verifyRefuses(
    "verify: two parts is malformed",
    () => hsToken(fresh()).split(".").slice(0, 2).join("."),
    "malformed",
  ),
  verifyRefuses("verify: four parts is malformed", () => `${hsToken(fresh())}.abc`, "malformed"),
  verifyRefuses(
    "verify: five parts (JWE) is malformed",
    () => "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..abc.def.ghi",
    "malformed",
  ),
  verifyRefuses(
    "verify: the JSON serialization is malformed",
    () =>
      JSON.stringify({
        payload: encodePart(fresh()),
        protected: encodePart({ alg: "HS256" }),
        signature: "x",
      }),
    "malformed",
  ),
  verifyRefuses(
    "verify: characters outside base64url are malformed",
    () => hsToken(fresh()).replace(/\./, "+."),
    "malformed",
  ),
  verifyRefuses("verify: non-ASCII characters are malformed", () => `${hsToken(fresh())}é`, "malformed"),
  verifyRefuses(
    "verify: a header that is not JSON is malformed",
    () => {
      const input = `${encodePart("not json")}.${encodePart(fresh())}`;
      return `${input}.${signature(input, "HS256", SECRET)}`;
    },
    "malformed",
  ),
  verifyRefuses(
    "verify: a claims set that is a JSON array is malformed (even correctly signed)",
    () => hsToken([1, 2, 3] as unknown as Record<string, unknown>),
    "malformed",
  ),
  verifyRefuses(
    "verify: a claims set that is a JSON string is malformed",
    () => signJws({ alg: "HS256" }, '"text"', "HS256", SECRET),
    "malformed",
  ),
  verifyRefuses(
    "verify: exp as text is malformed",
    () => hsToken(fresh({ exp: String(t0 + 600) })),
    "malformed",
  ),

  // algorithm_not_allowed
  ...["none", "None", "NONE", "nOnE"].map((alg) =>
    verifyRefuses(
      `verify: alg ${alg} without a signature is algorithm_not_allowed`,
      () => `${encodePart({ alg, typ: "JWT" })}.${encodePart(fresh())}.`,
      "algorithm_not_allowed",
    ),
  ),
  verifyRefuses(
    "verify: alg none with a signature is algorithm_not_allowed",
    () => {
      const input = `${encodePart({ alg: "none" })}.${encodePart(fresh())}`;
      return `${input}.${signature(input, "HS256", SECRET)}`;
    },
    "algorithm_not_allowed",
  ),
  verifyRefuses(
    "verify: an HS384 token in an HS256 action is algorithm_not_allowed",
    () => hsToken(fresh(), "HS384"),
    "algorithm_not_allowed",
  ),
  verifyRefuses(
    "verify: an HS256 token in an HS512 action is algorithm_not_allowed",
    () => hsToken(fresh()),
    "algorithm_not_allowed",
    {
      algorithm: "HS512",
    },
  ),

  // invalid_signature
  verifyRefuses(
    "verify: a token signed with another secret is invalid_signature",
    () => hsToken(fresh(), "HS256", OTHER_SECRET),
    "invalid_signature",
  ),
  verifyRefuses(
    "verify: tampered claims are invalid_signature",
    () => {
      const [header, , sig] = hsToken(fresh()).split(".");
      return `${header}.${encodePart(fresh({ sub: "admin" }))}.${sig}`;
    },
    "invalid_signature",
  ),
  verifyRefuses(
    "verify: an empty signature is invalid_signature",
    () => `${hsToken(fresh()).split(".").slice(0, 2).join(".")}.`,
    "invalid_signature",
  ),
  verifyRefuses(
    "verify: a truncated signature is invalid_signature",
    // 43 characters less 3 leaves 40, a whole number of base64url quanta: canonical, just too short.
    () => hsToken(fresh()).slice(0, -3),
    "invalid_signature",
  ),

  // expiry and time
  verifyRefuses(
    "verify: exp in the past is expired",
    () => hsToken(fresh({ iat: t0 - 100, exp: t0 - 10 })),
    "expired",
  ),
  {
    name: "verify: clock_tolerance accepts a token expired within it",
    run: (h) =>
      h.call("verify", { token: hsToken(fresh({ iat: t0 - 100, exp: t0 - 30 })), clock_tolerance: 60 }),
    expect: { values: { valid: true, expires_in: 0 }, leaks: [] },
  },
  verifyRefuses(
    "verify: clock_tolerance does not accept beyond it",
    () => hsToken(fresh({ iat: t0 - 300, exp: t0 - 120 })),
    "expired",
    {
      clock_tolerance: 60,
    },
  ),
  verifyRefuses(
    "verify: nbf in the future is not_yet_valid",
    () => hsToken(fresh({ nbf: t0 + 120 })),
    "not_yet_valid",
  ),
  verifyRefuses(
    "verify: iat in the future is not_yet_valid",
    () => hsToken(fresh({ iat: t0 + 120 })),
    "not_yet_valid",
  ),
  verifyRefuses(
    "verify: a missing exp is missing_claim",
    () => hsToken({ sub: "user-1", iat: t0 }),
    "missing_claim",
  ),

  // issuer and audience
  verifyRefuses(
    "verify: a wrong iss is issuer_mismatch",
    () => hsToken(fresh({ iss: "https://evil.example" })),
    "issuer_mismatch",
    {
      issuer: ISSUER,
    },
  ),
  {
    name: "verify: the Issuer plugin key is the default required iss",
    run: (h) =>
      h.call(
        "verify",
        { token: hsToken(fresh({ iss: "https://evil.example" })) },
        { ...BASE_KEYS, Issuer: ISSUER },
      ),
    expect: refused("issuer_mismatch"),
  },
  {
    name: "verify: a missing iss is issuer_mismatch when an issuer is required",
    run: (h) => h.call("verify", { token: hsToken(fresh()) }, { ...BASE_KEYS, Issuer: ISSUER }),
    expect: refused("issuer_mismatch"),
  },
  {
    name: "verify: iss is not checked when no issuer is set",
    run: (h) => h.call("verify", { token: hsToken(fresh({ iss: "anyone" })) }),
    expect: { values: { valid: true, issuer: "anyone" }, leaks: [] },
  },
  verifyRefuses(
    "verify: a wrong aud is audience_mismatch",
    () => hsToken(fresh({ aud: "web" })),
    "audience_mismatch",
    { audience: AUDIENCE },
  ),
  {
    name: "verify: an aud array that contains the audience is accepted",
    run: (h) =>
      h.call(
        "verify",
        { token: hsToken(fresh({ aud: ["web", AUDIENCE] })) },
        { ...BASE_KEYS, Audience: AUDIENCE },
      ),
    expect: { values: { valid: true, audience: `web,${AUDIENCE}` }, leaks: [] },
  },
  verifyRefuses(
    "verify: an aud array without the audience is audience_mismatch",
    () => hsToken(fresh({ aud: ["web", "admin"] })),
    "audience_mismatch",
    {
      audience: AUDIENCE,
    },
  ),

  // required claims, max age, revocation
  verifyRefuses(
    "verify: an absent required claim is missing_claim",
    () => hsToken(fresh({ email: "a@b.c" })),
    "missing_claim",
    {
      required_claims: "email, role",
    },
  ),
  {
    name: "verify: present required claims pass",
    run: (h) =>
      h.call("verify", {
        token: hsToken(fresh({ email: "a@b.c", role: "x" })),
        required_claims: "email,role",
      }),
    expect: { values: { valid: true, email: "a@b.c" }, leaks: [] },
  },
  verifyRefuses(
    "verify: older than max_age is token_too_old",
    () => hsToken(fresh({ iat: t0 - 120 })),
    "token_too_old",
    { max_age: 60 },
  ),
  {
    name: "verify: younger than max_age passes",
    run: (h) => h.call("verify", { token: hsToken(fresh({ iat: t0 - 30 })), max_age: 60 }),
    expect: { values: { valid: true }, leaks: [] },
  },
  verifyRefuses("verify: a jti in revoked_ids is revoked", () => hsToken(fresh()), "revoked", {
    revoked_ids: ["other", "jti-1"],
  }),
  {
    name: "verify: a jti not in revoked_ids passes",
    run: (h) => h.call("verify", { token: hsToken(fresh()), revoked_ids: ["other"] }),
    expect: { values: { valid: true }, leaks: [] },
  },

  // secret rotation
  {
    name: "rotation: a token signed with the Previous JWT Secret still verifies",
    run: (h) =>
      h.call(
        "verify",
        { token: hsToken(fresh(), "HS256", OLD_SECRET) },
        { "JWT Secret": SECRET, "Previous JWT Secret": OLD_SECRET },
      ),
    expect: { values: { valid: true }, leaks: [] },
  },
  {
    name: "rotation: without the Previous JWT Secret that token is invalid_signature",
    run: (h) => h.call("verify", { token: hsToken(fresh(), "HS256", OLD_SECRET) }),
    expect: refused("invalid_signature"),
  },
  {
    name: "rotation: refresh re-signs a previous-secret token with the current secret",
    async run(h) {
      const keys = { "JWT Secret": SECRET, "Previous JWT Secret": OLD_SECRET };
      const refreshed = await h.call("refresh", { token: hsToken(fresh({ auth_time: t0 })) }, keys);
      const verified = await h.call("verify", { token: refreshed.values?.token }, { "JWT Secret": SECRET });
      return { refreshed, verified };
    },
    expect: { refreshed: { values: { ok: true } }, verified: { values: { valid: true } } },
  },
  {
    name: "rotation: generate never signs with the Previous JWT Secret",
    async run(h) {
      const generated = await h.call(
        "generate",
        { subject: "u" },
        { "JWT Secret": SECRET, "Previous JWT Secret": OLD_SECRET },
      );
      return h.call("verify", { token: generated.values?.token }, { "JWT Secret": OLD_SECRET });
    },
    expect: refused("invalid_signature"),
  },

  // refresh rules
  {
    name: "refresh: an expired token within grace_period is refreshed",
    run: (h) =>
      h.call("refresh", {
        token: hsToken(fresh({ iat: t0 - 700, exp: t0 - 100, auth_time: t0 - 700 })),
        grace_period: 300,
      }),
    expect: { values: { ok: true, previous_jti: "jti-1", subject: "user-1" }, leaks: [] },
  },
  {
    name: "refresh: an expired token beyond grace_period is expired",
    run: (h) =>
      h.call("refresh", { token: hsToken(fresh({ iat: t0 - 700, exp: t0 - 100 })), grace_period: 60 }),
    expect: { values: { ok: false, error_code: "expired", token: "" }, leaks: [] },
  },
  {
    name: "refresh: a login older than max_session is session_expired",
    run: (h) => h.call("refresh", { token: hsToken(fresh({ auth_time: t0 - 7200 })), max_session: 3600 }),
    expect: { values: { ok: false, error_code: "session_expired" }, leaks: [] },
  },
  {
    name: "refresh: the new token never outlives auth_time + max_session",
    async run(h) {
      const o = await h.call("refresh", {
        token: hsToken(fresh({ auth_time: t0 - 3000 })),
        max_session: 3600,
        expires_in: 3600,
      });
      const expiresAt = o.values?.expires_at;
      const exp = expiresAt instanceof Date ? expiresAt.getTime() / 1000 : Number.NaN;
      return { ...o, capped: exp <= t0 - 3000 + 3600 && exp >= t0 + 500 };
    },
    expect: { values: { ok: true }, capped: true, leaks: [] },
  },
  {
    name: "refresh: a revoked token is refused",
    run: (h) => h.call("refresh", { token: hsToken(fresh()), revoked_ids: ["jti-1"] }),
    expect: { values: { ok: false, error_code: "revoked", token: "" }, leaks: [] },
  },
  {
    name: "refresh: a tampered token is refused",
    run: (h) => h.call("refresh", { token: `${hsToken(fresh())}x` }),
    expect: { values: { ok: false, error_code: "invalid_signature" }, leaks: [] },
  },
  {
    name: "refresh: the wrong issuer is refused",
    run: (h) => h.call("refresh", { token: hsToken(fresh({ iss: "other" })), issuer: ISSUER }),
    expect: { values: { ok: false, error_code: "issuer_mismatch" }, leaks: [] },
  },

  // decode
  {
    name: "decode: reads header and claims of an expired token without a key",
    run: (h) =>
      h.call(
        "decode",
        {
          token: hsToken(fresh({ iat: t0 - 100, exp: t0 - 10, iss: ISSUER }), "HS256", SECRET, { kid: "k1" }),
        },
        {},
      ),
    expect: {
      values: {
        algorithm: "HS256",
        key_id: "k1",
        subject: "user-1",
        issuer: ISSUER,
        is_expired: true,
        error_code: "",
        header_json: '{"alg":"HS256","typ":"JWT","kid":"k1"}',
      },
      leaks: [],
    },
  },
  {
    name: "decode: an unreadable token is malformed, not thrown",
    run: (h) => h.call("decode", { token: "not.a.token" }, {}),
    expect: { values: { error_code: "malformed", is_expired: false }, leaks: [] },
  },
  {
    name: "decode: an empty token is missing_token",
    run: (h) => h.call("decode", { token: "" }, {}),
    expect: { values: { error_code: "missing_token" }, leaks: [] },
  },

  // generate
  {
    name: "generate: Issuer and Audience plugin keys are the defaults, fields override them",
    async run(h) {
      const keys = { ...BASE_KEYS, Issuer: ISSUER, Audience: AUDIENCE };
      const byKeys = await h.call("generate", { subject: "u" }, keys);
      const byFields = await h.call(
        "generate",
        { subject: "u", issuer: "other-iss", audience: "other-aud" },
        keys,
      );
      const a = await h.call("decode", { token: byKeys.values?.token });
      const b = await h.call("decode", { token: byFields.values?.token });
      return {
        a: JSON.parse(a.values?.claims_json as string),
        b: JSON.parse(b.values?.claims_json as string),
      };
    },
    expect: { a: { iss: ISSUER, aud: AUDIENCE, sub: "u" }, b: { iss: "other-iss", aud: "other-aud" } },
  },
  {
    name: "generate: key_id and token_type set the header",
    async run(h) {
      const g = await h.call("generate", { subject: "u", key_id: "key-2025", token_type: "at+jwt" });
      return h.call("decode", { token: g.values?.token });
    },
    expect: {
      values: { key_id: "key-2025", header_json: '{"alg":"HS256","typ":"at+jwt","kid":"key-2025"}' },
    },
  },
  {
    name: "generate: an oct JWK is accepted as JWT Secret and its kid is written",
    async run(h) {
      const jwk = JSON.stringify({
        kty: "oct",
        kid: "oct-1",
        k: Buffer.from(testSecret("jwk", 64)).toString("base64url"),
      });
      const g = await h.call("generate", { subject: "u" }, { "JWT Secret": jwk });
      const v = await h.call("verify", { token: g.values?.token }, { "JWT Secret": jwk });
      return { v };
    },
    expect: { v: { values: { valid: true, key_id: "oct-1" }, leaks: [] } },
  },
  {
    name: "generate: the token carries iat, exp, jti and auth_time",
    async run(h) {
      const g = await h.call("generate", { subject: "u", expires_in: 60 });
      const claims = JSON.parse(
        (await h.call("decode", { token: g.values?.token })).values?.claims_json as string,
      );
      return {
        hasAll: ["iat", "exp", "jti", "auth_time"].every((n) => n in claims),
        lifetime: claims.exp - claims.iat,
      };
    },
    expect: { hasAll: true, lifetime: 60 },
  },
  {
    name: "generate: two tokens get different jti",
    async run(h) {
      const a = await h.call("generate", { subject: "u" });
      const b = await h.call("generate", { subject: "u" });
      return { different: a.values?.jti !== b.values?.jti };
    },
    expect: { different: true },
  },

  // configuration errors throw, naming the key or field and never its value
  ...[
    ["an empty JWT Secret", { subject: "u" }, {}, throws("missing_key", "JWT Secret plugin key")],
    [
      "a 31-byte secret for HS256",
      { subject: "u" },
      { "JWT Secret": testSecret("short", 31) },
      throws("weak_key", "JWT Secret plugin key"),
    ],
    [
      "a 47-byte secret for HS384",
      { subject: "u", algorithm: "HS384" },
      { "JWT Secret": testSecret("short", 47) },
      throws("weak_key", "JWT Secret plugin key"),
    ],
    [
      "a 63-byte secret for HS512",
      { subject: "u", algorithm: "HS512" },
      { "JWT Secret": testSecret("short", 63) },
      throws("weak_key", "JWT Secret plugin key"),
    ],
    [
      "one character repeated",
      { subject: "u" },
      { "JWT Secret": "a".repeat(64) },
      throws("weak_key", "JWT Secret plugin key"),
    ],
    [
      "a placeholder secret",
      { subject: "u" },
      { "JWT Secret": "your-256-bit-secret-your-256-bit-secret-xyz" },
      throws("weak_key", "JWT Secret plugin key"),
    ],
    [
      "expires_in 0",
      { subject: "u", expires_in: 0 },
      BASE_KEYS,
      throws("field_out_of_range", "expires_in field"),
    ],
    [
      "expires_in over six months",
      { subject: "u", expires_in: 15_777_001 },
      BASE_KEYS,
      throws("field_out_of_range", "expires_in field"),
    ],
    [
      "a fractional expires_in",
      { subject: "u", expires_in: 1.5 },
      BASE_KEYS,
      throws("field_out_of_range", "expires_in field"),
    ],
    ["an empty subject", { subject: "" }, BASE_KEYS, throws("missing_field", "subject field")],
    [
      "a reserved claim in claims",
      { subject: "u", claims: [{ key: "sub", value: "admin" }] },
      BASE_KEYS,
      throws("reserved_claim", 'claim "sub"'),
    ],
    [
      "a reserved claim in claims_json",
      { subject: "u", claims_json: '{"exp": 1}' },
      BASE_KEYS,
      throws("reserved_claim", 'claim "exp"'),
    ],
    [
      "email in claims when the email field is set",
      { subject: "u", email: "a@b.c", claims_json: '{"email": "x"}' },
      BASE_KEYS,
      throws("reserved_claim", 'claim "email"'),
    ],
    [
      "invalid claims_json",
      { subject: "u", claims_json: "{nope" },
      BASE_KEYS,
      throws("invalid_field", "claims_json field"),
    ],
    [
      "claims_json that is an array",
      { subject: "u", claims_json: "[1]" },
      BASE_KEYS,
      throws("invalid_field", "claims_json field"),
    ],
    [
      "a claim set twice",
      { subject: "u", claims: [{ key: "r", value: "1" }], claims_json: '{"r": 2}' },
      BASE_KEYS,
      throws("duplicate_claim", 'claim "r"'),
    ],
    [
      "an unknown algorithm",
      { subject: "u", algorithm: "HS1024" },
      BASE_KEYS,
      throws("invalid_field", "algorithm field"),
    ],
    [
      "claims_json nested deeper than Verify accepts",
      { subject: "u", claims_json: nestedClaimsJson(101) },
      BASE_KEYS,
      throws("invalid_field", "claims_json field"),
    ],
  ].map(
    ([what, inputs, keys, expected]): ContractCase => ({
      name: `generate throws for ${what}`,
      run: (h) => h.call("generate", inputs as Record<string, unknown>, keys as Record<string, string>),
      expect: expected as ReturnType<typeof throws>,
    }),
  ),
  {
    name: "generate signs claims_json nested exactly as deep as Verify accepts, and Verify accepts it",
    async run(h) {
      const generated = await h.call("generate", { subject: "u", claims_json: nestedClaimsJson(100) });
      return h.call("verify", { token: generated.values?.token });
    },
    expect: { values: { valid: true, subject: "u" }, leaks: [] },
  },
  {
    name: "verify throws (not refuses) when the JWT Secret is missing",
    run: (h) => h.call("verify", { token: hsToken(fresh()) }, {}),
    expect: throws("missing_key", "JWT Secret plugin key"),
  },
  {
    name: "verify throws for clock_tolerance over 300",
    run: (h) => h.call("verify", { token: hsToken(fresh()), clock_tolerance: 301 }),
    expect: throws("field_out_of_range", "clock_tolerance field"),
  },
  {
    name: "refresh throws for grace_period over 7 days",
    run: (h) => h.call("refresh", { token: hsToken(fresh()), grace_period: 604_801 }),
    expect: throws("field_out_of_range", "grace_period field"),
  },
  {
    name: "verify throws when the Previous JWT Secret is too weak",
    run: (h) =>
      h.call("verify", { token: hsToken(fresh()) }, { "JWT Secret": SECRET, "Previous JWT Secret": "short" }),
    expect: throws("weak_key", "Previous JWT Secret plugin key"),
  },
  {
    name: "a configuration error's one log line names its code after configuration_error",
    run: (h) => h.call("generate", { subject: "u", expires_in: 0 }),
    expect: {
      ...throws("field_out_of_range", "expires_in field"),
      logs: [matches('^JWT generate: \\{"outcome":"configuration_error:field_out_of_range"\\}$')],
    },
  },
];
