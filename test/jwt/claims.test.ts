import { describe, expect, it } from "vitest";
import { checkClaimTimes, LARGEST_TIME, numericDate, validateClaims } from "../../src/jwt/claims.js";
import { ConfigError } from "../../src/jwt/errors.js";
import { BAD_NUMBERS } from "../support/bad-numbers.js";
import { OK, outcomeOf, thrownBy } from "../support/thrown.js";

const NOW = 1_700_000_000;

function outcome(claims: Record<string, unknown>, rules: Parameters<typeof validateClaims>[1] = {}): string {
  return outcomeOf(() => validateClaims(claims, rules, NOW));
}

describe("validateClaims", () => {
  const good = { sub: "u", iat: NOW - 10, exp: NOW + 10 };

  it("accepts a current token", () => expect(outcome(good)).toBe(OK));
  it("requires exp", () => expect(outcome({ sub: "u" })).toBe("missing_claim"));
  it("treats exp equal to now as expired (now must be before exp)", () => {
    expect(outcome({ exp: NOW })).toBe("expired");
    expect(outcome({ exp: NOW + 0.001 })).toBe(OK);
  });
  it("applies clock tolerance to exp", () => {
    expect(outcome({ exp: NOW - 5 }, { clockTolerance: 10 })).toBe(OK);
    expect(outcome({ exp: NOW - 10 }, { clockTolerance: 10 })).toBe("expired");
  });
  it("adds the grace period to the tolerance", () => {
    expect(outcome({ exp: NOW - 50 }, { gracePeriod: 60 })).toBe(OK);
    expect(outcome({ exp: NOW - 60 }, { gracePeriod: 60 })).toBe("expired");
    expect(outcome({ exp: NOW - 65 }, { gracePeriod: 60, clockTolerance: 10 })).toBe(OK);
    expect(outcome({ exp: NOW - 70 }, { gracePeriod: 60, clockTolerance: 10 })).toBe("expired");
  });
  it("refuses nbf and iat in the future beyond tolerance, and takes them up to it", () => {
    expect(outcome({ ...good, nbf: NOW + 5 })).toBe("not_yet_valid");
    expect(outcome({ ...good, nbf: NOW })).toBe(OK);
    expect(outcome({ ...good, nbf: NOW + 5 }, { clockTolerance: 5 })).toBe(OK);
    expect(outcome({ ...good, nbf: NOW + 6 }, { clockTolerance: 5 })).toBe("not_yet_valid");
    expect(outcome({ ...good, iat: NOW + 1 })).toBe("not_yet_valid");
    expect(outcome({ ...good, iat: NOW })).toBe(OK);
    expect(outcome({ ...good, iat: NOW + 5 }, { clockTolerance: 5 })).toBe(OK);
    expect(outcome({ ...good, iat: NOW + 6 }, { clockTolerance: 5 })).toBe("not_yet_valid");
  });
  it("says which of nbf and iat is in the future", () => {
    const nbf = thrownBy(() => validateClaims({ ...good, nbf: NOW + 5 }, {}, NOW));
    const iat = thrownBy(() => validateClaims({ ...good, iat: NOW + 5 }, {}, NOW));
    expect((nbf as Error).message).toContain("nbf");
    expect((iat as Error).message).toContain("iat");
  });
  it("refuses times that are not numbers or cannot be dates", () => {
    expect(outcome({ exp: "1700000010" })).toBe("malformed");
    expect(outcome({ exp: 1e300 })).toBe("malformed");
    expect(outcome({ ...good, iat: null })).toBe("malformed");
    expect(outcome({ ...good, nbf: true })).toBe("malformed");
  });
  it("checks iss and aud only when required", () => {
    expect(outcome({ ...good, iss: "a" })).toBe(OK);
    expect(outcome({ ...good, iss: "a" }, { issuer: "" })).toBe(OK);
    expect(outcome({ ...good, iss: "a" }, { issuer: [] })).toBe(OK);
    expect(outcome({ ...good, iss: "a" }, { issuer: "b" })).toBe("issuer_mismatch");
    expect(outcome({ ...good, iss: "b" }, { issuer: "b" })).toBe(OK);
    expect(outcome({ ...good, iss: ["b"] }, { issuer: "b" })).toBe("issuer_mismatch");
    expect(outcome({ ...good, iss: "b" }, { issuer: ["a", "b"] })).toBe(OK);
    expect(outcome({ ...good, iss: "c" }, { issuer: ["a", "b"] })).toBe("issuer_mismatch");
    expect(outcome({ ...good, iss: ["a"] }, { issuer: ["a", "b"] })).toBe("issuer_mismatch");
    expect(outcome({ ...good, aud: "x" }, { audience: "" })).toBe(OK);
    expect(outcome({ ...good, aud: "b" }, { audience: "b" })).toBe(OK);
    expect(outcome({ ...good, aud: ["x", "b"] }, { audience: "b" })).toBe(OK);
    expect(outcome({ ...good, aud: ["x"] }, { audience: "b" })).toBe("audience_mismatch");
    expect(outcome({ ...good, aud: "x" }, { audience: "b" })).toBe("audience_mismatch");
    expect(outcome({ ...good, aud: { b: 1 } }, { audience: "b" })).toBe("audience_mismatch");
  });
  it("checks required claims as own, present values", () => {
    expect(outcome(good, { requiredClaims: ["role"] })).toBe("missing_claim");
    expect(outcome({ ...good, role: null }, { requiredClaims: ["role"] })).toBe("missing_claim");
    expect(outcome({ ...good, role: undefined }, { requiredClaims: ["role"] })).toBe("missing_claim");
    expect(outcome({ ...good, role: "" }, { requiredClaims: ["role"] })).toBe(OK);
    expect(outcome({ ...good, role: 0 }, { requiredClaims: ["role"] })).toBe(OK);
    expect(outcome(good, { requiredClaims: ["constructor"] })).toBe("missing_claim");
    const message = (
      thrownBy(() => validateClaims(good, { requiredClaims: ["x".repeat(100)] }, NOW)) as Error
    ).message;
    expect(message).toBe(`The token lacks the required claim "${"x".repeat(61)}...".`);
    expect(
      (thrownBy(() => validateClaims(good, { requiredClaims: ["x".repeat(64)] }, NOW)) as Error).message,
    ).toBe(`The token lacks the required claim "${"x".repeat(64)}".`);
  });
  it("refuses a token older than max age plus tolerance, and accepts one up to it", () => {
    // iat = NOW - 10: ten seconds old.
    expect(outcome(good, { maxAge: 5 })).toBe("token_too_old");
    expect(outcome(good, { maxAge: 10 })).toBe(OK);
    expect(outcome(good, { maxAge: 9 })).toBe("token_too_old");
    expect(outcome(good, { maxAge: 6, clockTolerance: 4 })).toBe(OK);
    expect(outcome(good, { maxAge: 6, clockTolerance: 3 })).toBe("token_too_old");
    expect(outcome(good, { maxAge: 0, clockTolerance: 10 })).toBe(OK);
    expect(outcome({ ...good, iat: NOW }, { maxAge: 0 })).toBe(OK);
    expect(outcome({ exp: NOW + 10 }, { maxAge: 5 })).toBe("missing_claim");
  });
  it("says what each refusal is about", () => {
    const messageOf = (claims: Record<string, unknown>, rules: Parameters<typeof validateClaims>[1] = {}) =>
      (thrownBy(() => validateClaims(claims, rules, NOW)) as Error).message;
    expect(messageOf({})).toBe('The token has no expiry ("exp" claim).');
    expect(messageOf({ exp: NOW })).toBe("The token has expired.");
    expect(messageOf({ ...good, nbf: NOW + 5 })).toBe(
      "The token is not valid yet (its nbf is in the future).",
    );
    expect(messageOf({ ...good, iat: NOW + 5 })).toBe(
      "The token claims to be issued in the future (its iat).",
    );
    expect(messageOf(good, { issuer: "x" })).toBe(
      "The token was issued by another issuer than the one required.",
    );
    expect(messageOf(good, { audience: "x" })).toBe(
      "The token is meant for another audience than the one required.",
    );
    expect(messageOf({ exp: NOW + 1 }, { maxAge: 5 })).toBe(
      'The token has no issue time ("iat" claim) to check its age.',
    );
    expect(messageOf(good, { maxAge: 1 })).toBe("The token was issued too long ago.");
    expect(messageOf({ ...good, jti: 1 })).toBe('The token\'s id ("jti" claim) is not text.');
    expect(messageOf({ ...good, jti: "j" }, { revokedIds: ["j"] })).toBe("The token has been revoked.");
    expect((thrownBy(() => validateClaims(good, {}, Number.NaN)) as Error).message).toBe(
      "The now option must be a number of seconds from 0 to 8640000000000.",
    );
  });
  it("matches a required issuer whole, never as a part of it", () => {
    expect(outcome({ ...good, iss: "app" }, { issuer: "my-app" })).toBe("issuer_mismatch");
    expect(outcome({ ...good, iss: "my-app" }, { issuer: "app" })).toBe("issuer_mismatch");
  });
  it("refuses a jti that is not text, and a revoked one", () => {
    expect(outcome({ ...good, jti: 7 })).toBe("malformed");
    expect(outcome({ ...good, jti: "j" }, { revokedIds: ["j"] })).toBe("revoked");
    expect(outcome({ ...good, jti: "j" }, { revokedIds: ["k"] })).toBe(OK);
    expect(outcome({ ...good, jti: "j" }, { revokedIds: [] })).toBe(OK);
    expect(outcome(good, { revokedIds: ["undefined"] })).toBe(OK);
  });
});

describe("checkClaimTimes: the numbers of the rules fail closed", () => {
  it.each([
    ["clockTolerance", 300],
    ["gracePeriod", 604_800],
    ["maxAge", 315_360_000],
  ] as const)(
    "%s: NaN, ±Infinity, negatives and more than %d are a field_out_of_range naming it",
    (name, max) => {
      for (const value of [...BAD_NUMBERS, max + 1, "30" as unknown as number]) {
        const thrown = thrownBy(() => checkClaimTimes({ [name]: value }), ConfigError);
        expect([thrown?.code, thrown?.message], `${name}: ${value}`).toEqual([
          "field_out_of_range",
          `The ${name} option must be a number of seconds from 0 to ${max}.`,
        ]);
        // validateClaims checks them too, before it looks at the claims.
        expect(outcomeOf(() => validateClaims({ exp: NOW - 86_400 }, { [name]: value }, NOW))).toBe(
          "config:field_out_of_range",
        );
      }
      expect(outcomeOf(() => checkClaimTimes({ [name]: 0 }))).toBe(OK);
      expect(outcomeOf(() => checkClaimTimes({ [name]: max }))).toBe(OK);
    },
  );
  it("defaults absent numbers to no leeway and no age limit", () => {
    expect(checkClaimTimes({})).toEqual({ tolerance: 0, grace: 0, maxAge: undefined });
    expect(checkClaimTimes({ clockTolerance: 30, gracePeriod: 60, maxAge: 90 })).toEqual({
      tolerance: 30,
      grace: 60,
      maxAge: 90,
    });
  });
  it("refuses a moment to check at that is not a time", () => {
    for (const now of [...BAD_NUMBERS, LARGEST_TIME + 1]) {
      expect(
        outcomeOf(() => validateClaims({ exp: NOW + 10 }, {}, now)),
        String(now),
      ).toBe("config:field_out_of_range");
    }
  });
});

describe("numericDate", () => {
  it("reads a time a Date can hold, up to the limit, and nothing else", () => {
    expect(numericDate({ exp: LARGEST_TIME }, "exp")).toBe(LARGEST_TIME);
    expect(numericDate({ exp: -LARGEST_TIME }, "exp")).toBe(-LARGEST_TIME);
    expect(numericDate({}, "exp")).toBeUndefined();
    for (const value of [LARGEST_TIME + 1, -LARGEST_TIME - 1, Number.NaN, "1", null]) {
      expect(
        outcomeOf(() => numericDate({ iat: value }, "iat")),
        String(value),
      ).toBe("malformed");
    }
    expect((thrownBy(() => numericDate({ nbf: "x" }, "nbf")) as Error).message).toBe(
      'The token\'s "nbf" claim is not a valid time in seconds.',
    );
  });
});
