/** decodeToken: the header and claims of a token, unverified, and whether it has expired at `now`. */
import { describe, expect, it } from "vitest";
import { decodeToken } from "../../src/jwt/decode.js";
import { TokenError } from "../../src/jwt/errors.js";
import { BAD_NUMBERS } from "../support/bad-numbers.js";
import { settledOutcome, thrownBy } from "../support/thrown.js";

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const tokenOf = (claims: unknown, header: unknown = { alg: "HS256", typ: "JWT" }) =>
  `${part(header)}.${part(claims)}.c2ln`;
const NOW = 1_700_000_000;

describe("decodeToken", () => {
  it("reads the header and claims without checking the signature", () => {
    const claims = { sub: "u", exp: NOW + 1, role: "admin" };
    expect(decodeToken(`Bearer ${tokenOf(claims)}`, NOW)).toEqual({
      header: { alg: "HS256", typ: "JWT" },
      claims,
      expired: false,
    });
  });

  it("says expired from exp at `now` on: exp equal to now has expired", () => {
    expect(decodeToken(tokenOf({ exp: NOW }), NOW - 1).expired).toBe(false);
    expect(decodeToken(tokenOf({ exp: NOW }), NOW).expired).toBe(true);
    expect(decodeToken(tokenOf({ exp: NOW }), NOW + 1).expired).toBe(true);
    // Without now, the clock's time: long after NOW.
    expect(decodeToken(tokenOf({ exp: NOW })).expired).toBe(true);
    expect(decodeToken(tokenOf({ exp: 8e12 })).expired).toBe(false);
  });

  it("calls a token without exp not expired", () => {
    expect(decodeToken(tokenOf({ sub: "u" }), NOW).expired).toBe(false);
  });

  it("refuses times that are not times, in exp, nbf or iat", () => {
    for (const name of ["exp", "nbf", "iat"]) {
      const error = thrownBy(() => decodeToken(tokenOf({ [name]: "soon" }), NOW), TokenError);
      expect([error?.code, error?.message]).toEqual([
        "malformed",
        `The token's "${name}" claim is not a valid time in seconds.`,
      ]);
    }
  });

  it("refuses a claims set that is not a JSON object, naming it", () => {
    const error = thrownBy(() => decodeToken(`${part({ alg: "HS256" })}.${part([1])}.c2ln`, NOW), TokenError);
    expect(error?.message).toBe("The token's claims set is not a JSON object.");
  });

  it("names now when it refuses it", () => {
    expect((thrownBy(() => decodeToken(tokenOf({}), Number.NaN)) as Error).message).toBe(
      "The now option must be a number of seconds from 0 to 8640000000000.",
    );
  });

  it("fails closed on a now that is not a time", async () => {
    for (const now of BAD_NUMBERS) {
      expect(await settledOutcome(async () => decodeToken(tokenOf({ exp: NOW }), now)), String(now)).toBe(
        "config:field_out_of_range",
      );
    }
  });
});
