import type { NumberRule } from "./properties.js";

/** `clock_tolerance`: seconds of leeway, at most five minutes (the contract). */
export const CLOCK_TOLERANCE_RULE: NumberRule = { min: 0, max: 300, unit: "seconds" };

/** `max_age`: up to ten years, far beyond any login. */
export const MAX_AGE_RULE: NumberRule = { min: 0, max: 31_536_000 * 10, unit: "seconds" };
