import { ConfigError } from "./errors.js";

/**
 * The range of every number of seconds src/jwt takes from its caller. Each is checked where it enters (a
 * NaN tolerance would otherwise accept any expired token, as `now >= exp + NaN` is false), and refused as a
 * `field_out_of_range` ConfigError naming the option. The Bubble adapter reads its fields with these ranges.
 */
export interface SecondsRange {
  readonly min: number;
  readonly max: number;
  /** Whether only whole seconds are taken (a lifetime: `exp` is `iat` plus it). */
  readonly whole: boolean;
}

/** Leeway for `exp`, `nbf` and `iat`: up to five minutes. */
export const CLOCK_TOLERANCE: SecondsRange = { min: 0, max: 300, whole: false };
/** How long after its expiry a token may still be refreshed: up to a week, or it becomes a long-lived credential. */
export const GRACE_PERIOD: SecondsRange = { min: 0, max: 604_800, whole: false };
/** The oldest `iat` Verify accepts, when asked: up to ten years. */
export const MAX_AGE: SecondsRange = { min: 0, max: 315_360_000, whole: false };
/** An access token's lifetime: a second to six months, the most Apple allows for a client secret. */
export const LIFETIME: SecondsRange = { min: 1, max: 15_777_000, whole: true };
/** A refresh token's lifetime: a minute to a year. */
export const REFRESH_LIFETIME: SecondsRange = { min: 60, max: 31_536_000, whole: true };
/** The absolute limit of a login: a second to a year. */
export const MAX_SESSION: SecondsRange = { min: 1, max: 31_536_000, whole: true };
/** How long after a rotation the rotated-away refresh token is a retry, not reuse: up to five minutes, as a
 * longer window lets a stolen, rotated-away refresh token refresh. */
export const RETRY_WINDOW: SecondsRange = { min: 0, max: 300, whole: true };
/** Beyond this many seconds a time cannot become a JavaScript Date (±8.64e15 ms), and no honest token needs it. */
export const LARGEST_TIME = 8.64e12;
/** A moment to check at or issue at (`now`), in seconds since the epoch: any time a JavaScript Date can hold. */
export const MOMENT: SecondsRange = { min: 0, max: LARGEST_TIME, whole: false };

/**
 * Returns `value` when it is a number within `range` (whole when the range says so); else throws a
 * `field_out_of_range` ConfigError naming `option`. An absent value is the caller's to default.
 */
export function checkSeconds(option: string, value: number, range: SecondsRange): number {
  if (
    typeof value !== "number" ||
    !Number.isFinite(value) ||
    value < range.min ||
    value > range.max ||
    (range.whole && !Number.isInteger(value))
  ) {
    throw new ConfigError(
      "field_out_of_range",
      `The ${option} option must be ${range.whole ? "a whole number of" : "a number of"} seconds from ${range.min} to ${range.max}.`,
    );
  }
  return value;
}

/** checkSeconds for an optional value: undefined stays undefined. */
export function checkOptionalSeconds(
  option: string,
  value: number | undefined,
  range: SecondsRange,
): number | undefined {
  return value === undefined ? undefined : checkSeconds(option, value, range);
}
