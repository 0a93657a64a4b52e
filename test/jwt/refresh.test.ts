/**
 * src/jwt/refresh.ts on its own, at an injected time: the one-token flow's Refresh. Which tokens it takes,
 * what the new token carries and when it expires (the login's end, the previous key's bound), the grace
 * period and `revokeUntil`, the login age, and its numbers failing closed. Tokens are signed by the test's
 * own signer (test/support/jws.ts), so their times are exactly what each case needs.
 */
import { createHash, generateKeyPairSync } from "node:crypto";
import { calculateJwkThumbprint, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { ConfigError, TokenError } from "../../src/jwt/errors.js";
import { type RefreshOptions, refreshToken } from "../../src/jwt/refresh.js";
import { BAD_NUMBERS } from "../support/bad-numbers.js";
import { signJws } from "../support/jws.js";
import { OK, rejectionOf, settledOutcome } from "../support/thrown.js";

const secret = (label: string) => createHash("sha512").update(`refresh:${label}`).digest("base64url");
const SECRET = secret("current");
const PREVIOUS = secret("previous");

const NOW = 1_800_000_000;
const LOGIN = NOW - 3600;

/** A one-token-flow token (typ JWT unless given), issued a minute ago, expiring in ten minutes. */
function token(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key = SECRET) {
  const base = { sub: "user-1", sid: "sess-1", auth_time: LOGIN, iat: NOW - 60, exp: NOW + 600, jti: "old" };
  return signJws({ alg: "HS256", typ: "JWT", ...header }, { ...base, ...claims }, "HS256", key);
}

function refresh(input: string, options: Partial<RefreshOptions> = {}) {
  return refreshToken(input, {
    alg: "HS256",
    material: { secret: SECRET, previousSecret: PREVIOUS },
    expiresIn: 3600,
    gracePeriod: 0,
    maxSession: 86_400,
    now: NOW,
    ...options,
  });
}

const partsOf = (compact: string) => {
  const [header, claims] = compact
    .split(".")
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, "base64url").toString()));
  return { header, claims } as { header: Record<string, unknown>; claims: Record<string, unknown> };
};

describe("refreshToken: which tokens it takes", () => {
  it("renews a one-token-flow token, and refuses a session's refresh and access tokens as wrong_token_type", async () => {
    expect(await settledOutcome(refresh(token()))).toBe(OK);
    expect(await settledOutcome(refresh(token({}, { typ: undefined })))).toBe(OK);
    expect(await settledOutcome(refresh(token({}, { typ: "refresh+jwt" })))).toBe("wrong_token_type");
    expect(await settledOutcome(refresh(token({}, { typ: "application/refresh+jwt" })))).toBe(
      "wrong_token_type",
    );
    expect(await settledOutcome(refresh(token({}, { typ: "at+jwt" })))).toBe("wrong_token_type");
  });

  it("refuses a forged token before it reads a claim, and a token on the revoked list", async () => {
    expect(await settledOutcome(refresh(token({}, {}, secret("attacker"))))).toBe("invalid_signature");
    expect(await settledOutcome(refresh(token(), { revokedIds: ["old"] }))).toBe("revoked");
  });
});

describe("refreshToken: the new token", () => {
  it("carries every claim but iat, exp, nbf and jti, keeps its typ, and is issued at the injected time", async () => {
    const old = token({ nbf: NOW - 60, role: "admin", email: "ada@example.com" }, { typ: "Custom+JWT" });
    const { access, previousJti, subject, authTime } = await refresh(old);
    const { header, claims } = partsOf(access.token);
    expect(header.typ).toBe("Custom+JWT");
    expect(claims).toMatchObject({ sub: "user-1", sid: "sess-1", role: "admin", email: "ada@example.com" });
    expect(claims.nbf).toBeUndefined();
    expect(claims.iat).toBe(NOW);
    expect(claims.exp).toBe(NOW + 3600);
    expect(claims.jti).not.toBe("old");
    expect(claims.auth_time).toBe(LOGIN);
    expect([previousJti, subject, authTime]).toEqual(["old", "user-1", LOGIN]);
    expect(access.jti).toBe(claims.jti);
  });

  it("takes iat as the login when auth_time is absent, and gives a token without sid one", async () => {
    const { access } = await refresh(token({ auth_time: undefined, sid: undefined, iat: NOW - 120 }));
    const { claims } = partsOf(access.token);
    expect(claims.auth_time).toBe(NOW - 120);
    expect(claims.sid).toEqual(expect.any(String));
  });

  it("types the new token JWT when the presented one had no typ", async () => {
    const { access } = await refresh(token({}, { typ: undefined }));
    expect(partsOf(access.token).header.typ).toBe("JWT");
  });

  it("reports no previousJti for a token without jti, and no subject for a sub that is not text", async () => {
    const { previousJti, subject } = await refresh(token({ jti: undefined, sub: 42 }));
    expect([previousJti, subject]).toEqual([undefined, undefined]);
  });

  it("keeps the kid the builder chose when the signing key verified the token", async () => {
    const { access } = await refresh(token({}, { kid: "builder-kid" }));
    expect(partsOf(access.token).header.kid).toBe("builder-kid");
  });

  it("writes no kid for a kid that is not text (the secret has none of its own)", async () => {
    const { access } = await refresh(token({}, { kid: 7 }));
    expect(partsOf(access.token).header).not.toHaveProperty("kid");
  });

  it("never outlives the login: its exp is at most auth_time + maxSession", async () => {
    const { access } = await refresh(token(), { maxSession: 3600 + 100 });
    expect(partsOf(access.token).claims.exp).toBe(LOGIN + 3600 + 100);
  });

  it("never outlives a token only Previous JWT Secret verified, and is expired when that one has run out", async () => {
    const old = token({ exp: NOW + 120 }, {}, PREVIOUS);
    const { access } = await refresh(old);
    expect(partsOf(access.token).claims.exp).toBe(NOW + 120);
    const ending = token({ exp: NOW }, {}, PREVIOUS);
    const error = await rejectionOf(refresh(ending, { gracePeriod: 60 }), TokenError);
    expect([error?.code, error?.message, error?.logReason]).toEqual([
      "expired",
      "The token was signed with an earlier key and its time is up, so it cannot be renewed; sign in again.",
      "signed by an earlier key (Previous JWT Secret): renewals end at the presented token's exp",
    ]);
  });
});

describe("refreshToken with a key pair: which key verified the token decides its kid and its bound", () => {
  // Public Key lists the retired key first, so "the first key" and "the signing key" differ.
  const retired = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const current = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = (pair: typeof current, kid: string) => ({ ...pair.publicKey.export({ format: "jwk" }), kid });
  const material = {
    privateKey: current.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey: JSON.stringify({ keys: [jwk(retired, "retired"), jwk(current, "current")] }),
  };
  const signed = (pair: typeof current, kid: string) =>
    signJws(
      { alg: "ES256", typ: "JWT", kid },
      { sub: "user-1", sid: "sess-1", auth_time: LOGIN, iat: NOW - 60, exp: NOW + 600, jti: "old" },
      "ES256",
      pair.privateKey,
    );

  it("a token of the signing key, wherever Public Key lists it, keeps its kid and is not bound by its exp", async () => {
    const { access } = await refresh(signed(current, "current"), { alg: "ES256", material });
    const { header, claims } = partsOf(access.token);
    expect([header.kid, claims.exp]).toEqual(["current", NOW + 3600]);
  });

  it("a token of another listed key gets the signing key's kid and ends at its own exp", async () => {
    const { access } = await refresh(signed(retired, "retired"), { alg: "ES256", material });
    const { header, claims } = partsOf(access.token);
    // The Private Key is a PEM, so its kid is its RFC 7638 thumbprint.
    expect(header.kid).toBe(await calculateJwkThumbprint(jwk(current, "current") as JWK));
    expect(claims.exp).toBe(NOW + 600);
  });
});

describe("refreshToken: grace, login age and revokeUntil", () => {
  it("takes a token expired less than gracePeriod ago, and not one expired that long", async () => {
    const expired = token({ exp: NOW - 30 });
    expect(await settledOutcome(refresh(expired))).toBe("expired");
    expect(await settledOutcome(refresh(expired, { gracePeriod: 31 }))).toBe(OK);
    expect(await settledOutcome(refresh(expired, { gracePeriod: 30 }))).toBe("expired");
  });

  it("says how long the presented token's revoked row must live: its exp plus the grace period", async () => {
    expect((await refresh(token())).revokeUntil).toBe(NOW + 600);
    expect((await refresh(token(), { gracePeriod: 300 })).revokeUntil).toBe(NOW + 900);
  });

  it("is session_expired at auth_time + maxSession, and not a second before", async () => {
    const error = await rejectionOf(refresh(token(), { maxSession: 3600 }), TokenError);
    expect([error?.code, error?.message]).toEqual([
      "session_expired",
      "The login is older than the maximum session; sign in again.",
    ]);
    expect(await settledOutcome(refresh(token(), { maxSession: 3601 }))).toBe(OK);
  });

  it("is session_expired, not expired, for a Previous JWT Secret token in its grace period once the login has ended", async () => {
    // The login ends now (auth_time + maxSession); the token, expired 10 s ago, ended before it.
    const old = token({ exp: NOW - 10 }, {}, PREVIOUS);
    expect(await settledOutcome(refresh(old, { gracePeriod: 60, maxSession: 3600 }))).toBe("session_expired");
  });

  it("refuses a login in the future and a token with neither auth_time nor iat, saying why", async () => {
    const future = await rejectionOf(refresh(token({ auth_time: NOW + 5 })), TokenError);
    expect([future?.code, future?.message]).toEqual([
      "not_yet_valid",
      'The token claims a login in the future (its "auth_time").',
    ]);
    const ageless = await rejectionOf(refresh(token({ auth_time: undefined, iat: undefined })), TokenError);
    expect([ageless?.code, ageless?.message]).toEqual([
      "missing_claim",
      'The token has neither "auth_time" nor "iat", so its login age is unknown.',
    ]);
  });

  it("takes a login that started this very second", async () => {
    expect(await settledOutcome(refresh(token({ auth_time: NOW })))).toBe(OK);
  });
});

describe("refreshToken: numbers fail closed", () => {
  it.each(["expiresIn", "gracePeriod", "maxSession", "now"] as const)(
    "a %s of NaN, ±Infinity or below zero is a field_out_of_range naming it, whatever the token",
    async (name) => {
      // Long expired and past its login: each would be renewed with the number let through.
      const stale = token({ auth_time: NOW - 10 * 86_400, exp: NOW - 86_400 });
      for (const value of BAD_NUMBERS) {
        for (const input of [stale, "garbage"]) {
          const error = await rejectionOf(refresh(input, { [name]: value }), ConfigError);
          expect([error?.code, error?.message], `${name}: ${value}`).toEqual([
            "field_out_of_range",
            expect.stringMatching(new RegExp(`^The ${name} option must be `)),
          ]);
        }
      }
    },
  );
});
