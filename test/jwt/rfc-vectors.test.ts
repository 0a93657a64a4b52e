/**
 * Published JOSE test vectors against src/jwt: RFC 7515 appendix A.1 (HS256, key as an oct JWK) and A.3
 * (ES256), RFC 7520 §4.1 to §4.4 (RS256, PS384, ES512, HS256) and RFC 8037 appendix A.4 (EdDSA).
 *
 * The keys go through the plugin's own key reading (keyring: JWK parsing, kid, import), never straight to
 * jose. Which level each vector is checked at, and why:
 * - RFC 7515 A.1 and A.3 are JWTs with `exp` (2011-03-22T18:43:00Z): they go through verifyToken, the
 *   whole Verify path, checked ten seconds before `exp` (verifyToken's `now`); at the real time they are `expired`.
 * - RFC 7520 and RFC 8037 sign a text, not a claims set, and carry no `exp`, so verifyToken cannot accept
 *   them (its claims step would call the text `malformed`). Their signatures are checked with jose's
 *   compactVerify on the keys the keyring imported, the payload compared to the RFC's text; and through
 *   verifyToken the untouched token gets past the signature (to `malformed` claims) while a token with
 *   one signature character changed stops at `invalid_signature`.
 * - Where the algorithm is deterministic (RS256, HS256, EdDSA), the keyring's signing key reproduces the
 *   RFC's signature exactly.
 */
import { CompactSign, compactVerify } from "jose";
import { describe, expect, it } from "vitest";
import type { Algorithm } from "../../src/jwt/algorithms.js";
import { signingKey, verificationKeys } from "../../src/jwt/keys/keyring.js";
import type { KeyMaterial } from "../../src/jwt/keys/names.js";
import { verifyToken } from "../../src/jwt/verify.js";
import { isHighS, lowS } from "../support/ecdsa.js";
import { A_CLAIMS, BEFORE_EXP, publicHalf, RFC7515_A1, RFC7515_A3 } from "../support/rfc7515.js";
import { settledOutcome } from "../support/thrown.js";

// RFC 7520 §4: one payload, signed with the keys of §3.2 (P-521), §3.4 (RSA) and §3.5 (oct).
const FRODO =
  "It\u2019s a dangerous business, Frodo, going out your door. You step onto the road, and if you don't keep your feet, there\u2019s no knowing where you might be swept off to.";
const FRODO_B64 =
  "SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4";
const BILBO = "bilbo.baggins@hobbiton.example";

const RFC7520_RSA = {
  kty: "RSA",
  kid: BILBO,
  use: "sig",
  n: "n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw",
  e: "AQAB",
  d: "bWUC9B-EFRIo8kpGfh0ZuyGPvMNKvYWNtB_ikiH9k20eT-O1q_I78eiZkpXxXQ0UTEs2LsNRS-8uJbvQ-A1irkwMSMkK1J3XTGgdrhCku9gRldY7sNA_AKZGh-Q661_42rINLRCe8W-nZ34ui_qOfkLnK9QWDDqpaIsA-bMwWWSDFu2MUBYwkHTMEzLYGqOe04noqeq1hExBTHBOBdkMXiuFhUq1BU6l-DqEiWxqg82sXt2h-LMnT3046AOYJoRioz75tSUQfGCshWTBnP5uDjd18kKhyv07lhfSJdrPdM5Plyl21hsFf4L_mHCuoFau7gdsPfHPxxjVOcOpBrQzwQ",
  p: "3Slxg_DwTXJcb6095RoXygQCAZ5RnAvZlno1yhHtnUex_fp7AZ_9nRaO7HX_-SFfGQeutao2TDjDAWU4Vupk8rw9JR0AzZ0N2fvuIAmr_WCsmGpeNqQnev1T7IyEsnh8UMt-n5CafhkikzhEsrmndH6LxOrvRJlsPp6Zv8bUq0k",
  q: "uKE2dh-cTf6ERF4k4e_jy78GfPYUIaUyoSSJuBzp3Cubk3OCqs6grT8bR_cu0Dm1MZwWmtdqDyI95HrUeq3MP15vMMON8lHTeZu2lmKvwqW7anV5UzhM1iZ7z4yMkuUwFWoBvyY898EXvRD-hdqRxHlSqAZ192zB3pVFJ0s7pFc",
  dp: "B8PVvXkvJrj2L-GYQ7v3y9r6Kw5g9SahXBwsWUzp19TVlgI-YV85q1NIb1rxQtD-IsXXR3-TanevuRPRt5OBOdiMGQp8pbt26gljYfKU_E9xn-RULHz0-ed9E9gXLKD4VGngpz-PfQ_q29pk5xWHoJp009Qf1HvChixRX59ehik",
  dq: "CLDmDGduhylc9o7r84rEUVn7pzQ6PF83Y-iBZx5NT-TpnOZKF1pErAMVeKzFEl41DlHHqqBLSM0W1sOFbwTxYWZDm6sI6og5iTbwQGIC3gnJKbi_7k_vJgGHwHxgPaX2PnvP-zyEkDERuf-ry4c_Z11Cq9AqC2yeL6kdKT1cYF8",
  qi: "3PiqvXQN0zwMeE-sBvZgi289XP9XCQF3VWqPzMKnIgQp7_Tugo6-NZBKCQsMf3HaEGBjTVJs_jcK8-TRXvaKe-7ZMaQj8VfBdYkssbu0NKDDhjJ-GtiseaDVWt7dcH0cfwxgFUHpQh7FoCrjFJ6h6ZEpMF6xmujs4qMpPz8aaI4",
};

const RFC7520_P521 = {
  kty: "EC",
  kid: BILBO,
  use: "sig",
  crv: "P-521",
  x: "AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt",
  y: "AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1",
  d: "AAhRON2r9cqXX1hg-RoI6R1tX5p2rUAYdmpHZoC1XNM56KtscrX6zbKipQrCW9CGZH3T4ubpnoTKLDYJ_fF3_rJt",
};

const RFC7520_OCT = {
  kty: "oct",
  kid: "018c0ae5-4d9b-471b-bfd6-eef314bc7037",
  use: "sig",
  alg: "HS256",
  k: "hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg",
};

// RFC 8037 appendix A.1 (the Ed25519 key) and A.4 (its signature of "Example of Ed25519 signing").
const RFC8037_ED25519 = {
  kty: "OKP",
  crv: "Ed25519",
  d: "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
  x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
};

interface TextVector {
  readonly name: string;
  readonly alg: Algorithm;
  readonly token: string;
  readonly payload: string;
  /** The plugin keys the vector's key is pasted into, to verify and (when deterministic) to sign. */
  readonly verifyWith: KeyMaterial;
  readonly signWith?: KeyMaterial;
  readonly kid?: string;
}

const TEXT_VECTORS: readonly TextVector[] = [
  {
    name: "RFC 7520 §4.1 RS256",
    alg: "RS256",
    token: `eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9.${FRODO_B64}.MRjdkly7_-oTPTS3AXP41iQIGKa80A0ZmTuV5MEaHoxnW2e5CZ5NlKtainoFmKZopdHM1O2U4mwzJdQx996ivp83xuglII7PNDi84wnB-BDkoBwA78185hX-Es4JIwmDLJK3lfWRa-XtL0RnltuYv746iYTh_qHRD68BNt1uSNCrUCTJDt5aAE6x8wW1Kt9eRo4QPocSadnHXFxnt8Is9UzpERV0ePPQdLuW3IS_de3xyIrDaLGdjluPxUAhb6L2aXic1U12podGU0KLUQSE_oI-ZnmKJ3F4uOZDnd6QZWJushZ41Axf_fcIe8u9ipH84ogoree7vjbU5y18kDquDg`,
    payload: FRODO,
    verifyWith: { publicKey: JSON.stringify(publicHalf(RFC7520_RSA)) },
    signWith: { privateKey: JSON.stringify(RFC7520_RSA) },
    kid: BILBO,
  },
  {
    name: "RFC 7520 §4.2 PS384",
    alg: "PS384",
    token: `eyJhbGciOiJQUzM4NCIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9.${FRODO_B64}.cu22eBqkYDKgIlTpzDXGvaFfz6WGoz7fUDcfT0kkOy42miAh2qyBzk1xEsnk2IpN6-tPid6VrklHkqsGqDqHCdP6O8TTB5dDDItllVo6_1OLPpcbUrhiUSMxbbXUvdvWXzg-UD8biiReQFlfz28zGWVsdiNAUf8ZnyPEgVFn442ZdNqiVJRmBqrYRXe8P_ijQ7p8Vdz0TTrxUeT3lm8d9shnr2lfJT8ImUjvAA2Xez2Mlp8cBE5awDzT0qI0n6uiP1aCN_2_jLAeQTlqRHtfa64QQSUmFAAjVKPbByi7xho0uTOcbH510a6GYmJUAfmWjwZ6oD4ifKo8DYM-X72Eaw`,
    payload: FRODO,
    // The public half derived from the private JWK (Public Key left empty).
    verifyWith: { privateKey: JSON.stringify(RFC7520_RSA) },
    kid: BILBO,
  },
  {
    name: "RFC 7520 §4.3 ES512",
    alg: "ES512",
    token: `eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9.${FRODO_B64}.AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvbu9Plon7KRTzoNEuT4Va2cmL1eJAQy3mtPBu_u_sDDyYjnAMDxXPn7XrT0lw-kvAD890jl8e2puQens_IEKBpHABlsbEPX6sFY8OcGDqoRuBomu9xQ2`,
    payload: FRODO,
    verifyWith: { publicKey: JSON.stringify({ keys: [publicHalf(RFC7520_P521)] }) },
    kid: BILBO,
  },
  {
    name: "RFC 7520 §4.4 HS256",
    alg: "HS256",
    token: `eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNGJjNzAzNyJ9.${FRODO_B64}.s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0`,
    payload: FRODO,
    verifyWith: { secret: JSON.stringify(RFC7520_OCT) },
    signWith: { secret: JSON.stringify(RFC7520_OCT) },
    kid: RFC7520_OCT.kid,
  },
  {
    name: "RFC 8037 A.4 EdDSA (Ed25519)",
    alg: "EdDSA",
    token:
      "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg",
    payload: "Example of Ed25519 signing",
    verifyWith: { publicKey: JSON.stringify(publicHalf(RFC8037_ED25519)) },
    signWith: { privateKey: JSON.stringify(RFC8037_ED25519) },
  },
];

/** The token with one character of its signature changed. */
function tampered(token: string): string {
  const cut = token.lastIndexOf(".") + 5;
  return `${token.slice(0, cut)}${token[cut] === "A" ? "B" : "A"}${token.slice(cut + 1)}`;
}

describe("RFC 7515 appendix A JWTs through verifyToken, checked at a time given as now", () => {
  it("A.1 HS256, the key given as an oct JWK in JWT Secret, verifies before exp", async () => {
    const { claims, header } = await verifyToken(RFC7515_A1.token, {
      alg: "HS256",
      material: { secret: JSON.stringify(RFC7515_A1.jwk) },
      issuer: "joe",
      now: BEFORE_EXP,
    });
    expect(header).toEqual({ typ: "JWT", alg: "HS256" });
    expect(claims).toEqual(A_CLAIMS);
  });

  it("A.3 ES256 verifies before exp as the RFC writes it (s above half the order), with the public JWK and with the public half of the private JWK", async () => {
    const publicJwk = publicHalf(RFC7515_A3.jwk);
    // The RFC's signature is in the high-S form: Verify takes both forms, as jose and PyJWT do.
    expect(isHighS(RFC7515_A3.token, "ES256")).toBe(true);
    for (const material of [
      { publicKey: JSON.stringify(publicJwk) },
      { privateKey: JSON.stringify(RFC7515_A3.jwk) },
    ]) {
      const options = { alg: "ES256" as const, material, now: BEFORE_EXP };
      const { claims } = await verifyToken(RFC7515_A3.token, options);
      expect(claims).toEqual(A_CLAIMS);
      expect((await verifyToken(lowS(RFC7515_A3.token, "ES256"), options)).claims).toEqual(A_CLAIMS);
    }
  });

  it("both are expired at exp, and at the real time", async () => {
    const a1 = { alg: "HS256" as const, material: { secret: JSON.stringify(RFC7515_A1.jwk) } };
    const a3 = { alg: "ES256" as const, material: { publicKey: JSON.stringify(publicHalf(RFC7515_A3.jwk)) } };
    expect(await settledOutcome(verifyToken(RFC7515_A1.token, { ...a1, now: A_CLAIMS.exp }))).toBe("expired");
    expect(await settledOutcome(verifyToken(RFC7515_A1.token, a1))).toBe("expired");
    expect(await settledOutcome(verifyToken(RFC7515_A3.token, a3))).toBe("expired");
  });

  it("a changed signature is invalid_signature, even checked before exp", async () => {
    const a1 = {
      alg: "HS256" as const,
      material: { secret: JSON.stringify(RFC7515_A1.jwk) },
      now: BEFORE_EXP,
    };
    expect(await settledOutcome(verifyToken(tampered(RFC7515_A1.token), a1))).toBe("invalid_signature");
  });
});

describe.each(TEXT_VECTORS)("$name", (vector) => {
  it("verifies with the key the keyring read, and the payload is the RFC's text", async () => {
    const keys = await verificationKeys(vector.verifyWith, vector.alg);
    expect(keys).toHaveLength(1);
    const [key] = keys;
    if (vector.kid) expect(key?.kid).toBe(vector.kid);
    const { payload, protectedHeader } = await compactVerify(vector.token, key?.key as CryptoKey, {
      algorithms: [vector.alg],
    });
    expect(new TextDecoder().decode(payload)).toBe(vector.payload);
    expect(protectedHeader.alg).toBe(vector.alg);
  });

  it("through verifyToken, the signature holds (the text is then no claims set) and a changed one does not", async () => {
    const options = { alg: vector.alg, material: vector.verifyWith };
    const token = vector.token;
    expect(await settledOutcome(verifyToken(token, options))).toBe("malformed");
    expect(await settledOutcome(verifyToken(tampered(token), options))).toBe("invalid_signature");
  });

  if (vector.signWith) {
    const signWith = vector.signWith;
    it("the keyring's signing key reproduces the RFC's signature exactly (deterministic algorithm)", async () => {
      const key = await signingKey(signWith, vector.alg);
      const header: { alg: string; kid?: string } = { alg: vector.alg };
      if (vector.kid) header.kid = vector.kid;
      const token = await new CompactSign(new TextEncoder().encode(vector.payload))
        .setProtectedHeader(header)
        .sign(key.key);
      expect(token).toBe(vector.token);
    });
  }
});
