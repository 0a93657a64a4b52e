import { describe, expect, it } from "vitest";
import { validateClaims } from "../../src/jwt/claims.js";
import { TokenError } from "../../src/jwt/errors.js";

const NOW = 1_700_000_000;

function codeOf(claims: Record<string, unknown>, rules: Parameters<typeof validateClaims>[1] = {}): string {
  try {
    validateClaims(claims, rules, NOW);
    return "ok";
  } catch (error) {
    if (error instanceof TokenError) return error.code;
    throw error;
  }
}

describe("validateClaims", () => {
  const good = { sub: "u", iat: NOW - 10, exp: NOW + 10 };

  it("accepts a current token", () => expect(codeOf(good)).toBe("ok"));
  it("requires exp", () => expect(codeOf({ sub: "u" })).toBe("missing_claim"));
  it("treats exp equal to now as expired (now must be before exp)", () =>
    expect(codeOf({ exp: NOW })).toBe("expired"));
  it("applies clock tolerance to exp", () => {
    expect(codeOf({ exp: NOW - 5 }, { clockTolerance: 10 })).toBe("ok");
    expect(codeOf({ exp: NOW - 10 }, { clockTolerance: 10 })).toBe("expired");
  });
  it("adds the expiry grace to the tolerance", () =>
    expect(codeOf({ exp: NOW - 50 }, { expiryGrace: 60 })).toBe("ok"));
  it("refuses nbf and iat in the future beyond tolerance", () => {
    expect(codeOf({ ...good, nbf: NOW + 5 })).toBe("not_yet_valid");
    expect(codeOf({ ...good, nbf: NOW + 5 }, { clockTolerance: 5 })).toBe("ok");
    expect(codeOf({ ...good, iat: NOW + 1 })).toBe("not_yet_valid");
  });
  it("refuses times that are not numbers or cannot be dates", () => {
    expect(codeOf({ exp: "1700000010" })).toBe("malformed");
    expect(codeOf({ exp: 1e300 })).toBe("malformed");
    expect(codeOf({ ...good, iat: null })).toBe("malformed");
    expect(codeOf({ ...good, nbf: true })).toBe("malformed");
  });
  it("checks iss and aud only when required", () => {
    expect(codeOf({ ...good, iss: "a" }, { issuer: "b" })).toBe("issuer_mismatch");
    expect(codeOf({ ...good, iss: ["b"] }, { issuer: "b" })).toBe("issuer_mismatch");
    expect(codeOf({ ...good, aud: ["x", "b"] }, { audience: "b" })).toBe("ok");
    expect(codeOf({ ...good, aud: "x" }, { audience: "b" })).toBe("audience_mismatch");
    expect(codeOf({ ...good, aud: { b: 1 } }, { audience: "b" })).toBe("audience_mismatch");
  });
  it("checks required claims, max age and revocation", () => {
    expect(codeOf(good, { requiredClaims: ["role"] })).toBe("missing_claim");
    expect(codeOf({ ...good, role: null }, { requiredClaims: ["role"] })).toBe("missing_claim");
    expect(codeOf({ ...good, role: "" }, { requiredClaims: ["role"] })).toBe("ok");
    expect(codeOf(good, { maxAge: 5 })).toBe("token_too_old");
    expect(codeOf({ exp: NOW + 10 }, { maxAge: 5 })).toBe("missing_claim");
    expect(codeOf({ ...good, jti: "j" }, { revokedIds: ["j"] })).toBe("revoked");
    expect(codeOf({ ...good, jti: "j" }, { revokedIds: ["k"] })).toBe("ok");
  });
});
