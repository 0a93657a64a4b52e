/** The ranges of the numbers src/jwt takes, and the one check that applies them. */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/jwt/errors.js";
import {
  CLOCK_TOLERANCE,
  checkOptionalSeconds,
  checkSeconds,
  GRACE_PERIOD,
  LIFETIME,
  MAX_AGE,
  MAX_SESSION,
  MOMENT,
  REFRESH_LIFETIME,
  type SecondsRange,
} from "../../src/jwt/limits.js";
import { BAD_NUMBERS } from "../support/bad-numbers.js";
import { OK, outcomeOf, thrownBy } from "../support/thrown.js";

// The ranges the contract documents for the actions' fields (docs/actions.md), and `now`'s.
const RANGES: [string, number, number, boolean, SecondsRange][] = [
  ["clock tolerance", 0, 300, false, CLOCK_TOLERANCE],
  ["grace period", 0, 604_800, false, GRACE_PERIOD],
  ["max age", 0, 315_360_000, false, MAX_AGE],
  ["lifetime", 1, 15_777_000, true, LIFETIME],
  ["refresh lifetime", 60, 31_536_000, true, REFRESH_LIFETIME],
  ["max session", 1, 31_536_000, true, MAX_SESSION],
  ["moment", 0, 8.64e12, false, MOMENT],
];

describe("checkSeconds", () => {
  it.each(RANGES)("the %s range takes %d to %d, whole seconds only: %s", (_, min, max, whole, range) => {
    const outcome = (value: number) => outcomeOf(() => checkSeconds("x", value, range));
    expect([outcome(min), outcome(max)]).toEqual([OK, OK]);
    expect([outcome(min - 1), outcome(max + 1)]).toEqual([
      "config:field_out_of_range",
      "config:field_out_of_range",
    ]);
    expect(outcome(min + 0.5)).toBe(whole ? "config:field_out_of_range" : OK);
    for (const value of BAD_NUMBERS) expect(outcome(value), String(value)).toBe("config:field_out_of_range");
  });
  it("returns the value, and names the option and its range in the message, never the value", () => {
    expect(checkSeconds("maxAge", 42.5, MAX_AGE)).toBe(42.5);
    const error = thrownBy(() => checkSeconds("expiresIn", 12_345.5, LIFETIME), ConfigError);
    expect([error?.code, error?.message]).toEqual([
      "field_out_of_range",
      "The expiresIn option must be a whole number of seconds from 1 to 15777000.",
    ]);
  });
  it("refuses a value that is not a number, without converting it", () => {
    for (const value of ["30", null, true, [30]]) {
      expect(outcomeOf(() => checkSeconds("x", value as unknown as number, MAX_AGE))).toBe(
        "config:field_out_of_range",
      );
    }
  });
  it("leaves an absent optional value absent", () => {
    expect(checkOptionalSeconds("maxAge", undefined, MAX_AGE)).toBeUndefined();
    expect(checkOptionalSeconds("maxAge", 5, MAX_AGE)).toBe(5);
    expect(outcomeOf(() => checkOptionalSeconds("maxAge", Number.NaN, MAX_AGE))).toBe(
      "config:field_out_of_range",
    );
  });
});
