/** generateToken and issue, in process: the claims and headers Generate writes, and what it refuses. */
import { decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/jwt/errors.js";
import { generateToken, issue, MAX_LIFETIME_SECONDS, RESERVED_CLAIMS } from "../../src/jwt/generate.js";
import { signingKey } from "../../src/jwt/keys/keyring.js";
import { MAX_TOKEN_LENGTH } from "../../src/jwt/token.js";
import { verifyToken } from "../../src/jwt/verify.js";
import { testSecret } from "../contract/harness.js";
import { BAD_NUMBERS } from "../support/bad-numbers.js";
import { OK, rejectionOf, settledOutcome } from "../support/thrown.js";

const NOW = 1_700_000_000.75;
const IAT = 1_700_000_000;
const material = { secret: testSecret("generate") };
const base = { alg: "HS256" as const, material, subject: "user-1", expiresIn: 600, now: NOW };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("generateToken", () => {
  it("writes the login's claims at `now`: sub, iat (its whole second), exp, auth_time, sid, a random jti", async () => {
    const { access, refresh } = await generateToken(base);
    expect(refresh).toBeUndefined();
    expect(access.claims).toEqual({
      sub: "user-1",
      iat: IAT,
      exp: IAT + 600,
      auth_time: IAT,
      sid: expect.stringMatching(UUID),
      jti: expect.stringMatching(UUID),
    });
    expect(Object.keys(access.claims)).toEqual(["sub", "iat", "exp", "auth_time", "sid", "jti"]);
    expect(access).toMatchObject({
      issuedAt: IAT,
      expiresAt: IAT + 600,
      expiresIn: 600,
      jti: access.claims.jti,
    });
    expect(decodeProtectedHeader(access.token)).toEqual({ alg: "HS256", typ: "JWT" });
    const verified = await verifyToken(access.token, { alg: "HS256", material, now: NOW });
    expect(verified.claims).toEqual(access.claims);
    const again = await generateToken(base);
    expect(again.access.claims.jti).not.toBe(access.claims.jti);
    expect(again.access.claims.sid).not.toBe(access.claims.sid);
  });

  it("adds email, iss, aud, the builder's session id and extra claims when given", async () => {
    const { access } = await generateToken({
      ...base,
      email: "a@example.com",
      issuer: "my-app",
      audience: "mobile",
      sessionId: "session-7",
      extraClaims: JSON.parse('{"role": "admin", "__proto__": "plain"}'),
    });
    expect(access.claims).toMatchObject({
      email: "a@example.com",
      iss: "my-app",
      aud: "mobile",
      sid: "session-7",
    });
    expect(access.claims.role).toBe("admin");
    expect(Object.hasOwn(access.claims, "__proto__")).toBe(true);
    const { access: bare } = await generateToken({
      ...base,
      email: "",
      issuer: "",
      audience: "",
      sessionId: "",
    });
    expect(Object.keys(bare.claims)).toEqual(["sub", "iat", "exp", "auth_time", "sid", "jti"]);
  });

  it("writes the kid the builder chose, else the key's own, and the builder's typ", async () => {
    const { access } = await generateToken({ ...base, keyId: "k-2026", tokenType: "id+jwt" });
    expect(decodeProtectedHeader(access.token)).toEqual({ alg: "HS256", typ: "id+jwt", kid: "k-2026" });
    expect(access.kid).toBe("k-2026");
    const jwk = JSON.stringify({
      kty: "oct",
      k: Buffer.from(testSecret("jwk")).toString("base64url"),
      kid: "own",
    });
    const own = await generateToken({ ...base, material: { secret: jwk } });
    expect(decodeProtectedHeader(own.access.token).kid).toBe("own");
  });

  it("issues a session: an at+jwt access token and a refresh+jwt token with its own jti and exp", async () => {
    const { access, refresh } = await generateToken({ ...base, refreshExpiresIn: 86_400 });
    expect(decodeProtectedHeader(access.token).typ).toBe("at+jwt");
    expect(decodeProtectedHeader(refresh?.token as string).typ).toBe("refresh+jwt");
    expect(refresh?.claims).toMatchObject({ sub: "user-1", sid: access.claims.sid, exp: IAT + 86_400 });
    expect(refresh?.claims.jti).not.toBe(access.claims.jti);
    expect(refresh?.expiresIn).toBe(86_400);
  });

  it("refuses a token type that contradicts the flow", async () => {
    const paired = await rejectionOf(
      generateToken({ ...base, refreshExpiresIn: 3600, tokenType: "JWT" }),
      ConfigError,
    );
    expect(paired?.code).toBe("conflicting_fields");
    expect(paired?.message).toContain("token_type");
    const typed = await rejectionOf(generateToken({ ...base, tokenType: "refresh+jwt" }), ConfigError);
    expect(typed?.message).toBe(
      "The token_type field names the refresh token type; tick issue_refresh_token instead, or choose another type.",
    );
    for (const tokenType of ["refresh+jwt", "application/Refresh+JWT"]) {
      expect(await settledOutcome(generateToken({ ...base, tokenType }))).toBe("config:conflicting_fields");
    }
    expect(await settledOutcome(generateToken({ ...base, tokenType: "at+jwt" }))).toBe(OK);
  });

  it.each([...RESERVED_CLAIMS, "sid"])(
    "refuses the reserved claim %s among the extra claims",
    async (name) => {
      const error = await rejectionOf(generateToken({ ...base, extraClaims: { [name]: "x" } }), ConfigError);
      expect(error?.code).toBe("reserved_claim");
      expect(error?.message).toContain(`"${name}"`);
    },
  );

  it("refuses an extra email only when the email field is set", async () => {
    expect(await settledOutcome(generateToken({ ...base, extraClaims: { email: "x" } }))).toBe(OK);
    const error = await rejectionOf(
      generateToken({ ...base, email: "a@b.c", extraClaims: { email: "x" } }),
      ConfigError,
    );
    expect(error?.message).toBe(
      'The claim "email" is set by the email field; remove it from claims and claims_json.',
    );
    expect(
      await settledOutcome(generateToken({ ...base, email: "a@b.c", extraClaims: { email: "x" } })),
    ).toBe("config:reserved_claim");
  });

  it("refuses claims that would make a token longer than Verify accepts", async () => {
    const error = await rejectionOf(
      generateToken({ ...base, extraClaims: { blob: "x".repeat(MAX_TOKEN_LENGTH) } }),
      ConfigError,
    );
    expect(error?.code).toBe("claims_too_large");
    expect(error?.message).toMatch(
      /^The token would be \d+ characters, over the 16384 that Verify accepts; put fewer claims in claims and claims_json\.$/,
    );
    // A token of exactly the longest length Verify accepts is issued: the lengths below and at it are found
    // by growing a claim one character at a time (base64url grows by whole characters).
    const lengthWith = async (size: number) => {
      const issued = generateToken({ ...base, sessionId: "s", extraClaims: { blob: "x".repeat(size) } });
      return (await issued.catch(() => undefined))?.access.token.length ?? Number.POSITIVE_INFINITY;
    };
    let size = 12_000;
    while ((await lengthWith(size + 1)) <= MAX_TOKEN_LENGTH) size++;
    expect(await lengthWith(size)).toBe(MAX_TOKEN_LENGTH);
    expect(
      await settledOutcome(
        generateToken({ ...base, sessionId: "s", extraClaims: { blob: "x".repeat(size + 1) } }),
      ),
    ).toBe("config:claims_too_large");
  });

  it.each([
    ["expiresIn", 1, MAX_LIFETIME_SECONDS],
    ["refreshExpiresIn", 60, 31_536_000],
  ] as const)("fails closed on a %s out of %d to %d whole seconds", async (name, min, max) => {
    for (const value of [...BAD_NUMBERS, min - 1, max + 1, min + 0.5]) {
      const error = await rejectionOf(generateToken({ ...base, [name]: value }), ConfigError);
      expect([error?.code, error?.message], `${name}: ${value}`).toEqual([
        "field_out_of_range",
        `The ${name} option must be a whole number of seconds from ${min} to ${max}.`,
      ]);
    }
    expect(await settledOutcome(generateToken({ ...base, [name]: min }))).toBe(OK);
    expect(await settledOutcome(generateToken({ ...base, [name]: max }))).toBe(OK);
  });

  it("fails closed on a now that is not a time, before reading the key", async () => {
    for (const now of [...BAD_NUMBERS, 8.64e12 + 1]) {
      expect(await settledOutcome(generateToken({ ...base, now, material: {} })), String(now)).toBe(
        "config:field_out_of_range",
      );
    }
  });
});

describe("issue", () => {
  it("signs the claims as given, reading no clock, and reports their times", async () => {
    const key = await signingKey(material, "HS256");
    const claims = { sub: "u", iat: 100, exp: 700, jti: "j-1" };
    const issued = await issue(claims, "HS256", key, { kid: "k", typ: "JWT" });
    expect(issued).toMatchObject({
      claims,
      issuedAt: 100,
      expiresAt: 700,
      expiresIn: 600,
      jti: "j-1",
      kid: "k",
    });
    const verified = await verifyToken(issued.token, { alg: "HS256", material, now: 200 });
    expect(verified.claims).toEqual(claims);
  });
});
