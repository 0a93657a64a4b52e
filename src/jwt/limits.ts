import type { SecondsRange } from "../common/seconds.js";
import { ConfigError } from "./errors.js";

/**
 * Every number of seconds src/jwt takes from its caller is checked where it enters (a NaN tolerance would
 * otherwise accept any expired token, as `now >= exp + NaN` is false), and refused as a `field_out_of_range`
 * ConfigError naming the option. The ranges themselves are data, in src/common/seconds.ts.
 */
export {
  CLOCK_TOLERANCE,
  GRACE_PERIOD,
  LARGEST_TIME,
  LIFETIME,
  MAX_AGE,
  MAX_SESSION,
  MOMENT,
  REFRESH_LIFETIME,
  RETRY_WINDOW,
  type SecondsRange,
} from "../common/seconds.js";

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
