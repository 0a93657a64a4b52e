import { MAX_LIFETIME_SECONDS } from "../jwt/generate.js";
import type { NumberRule } from "./properties.js";

/**
 * The ranges of the actions' whole-number fields. Kept apart from the action entries so an action that
 * shares a rule (Refresh uses Generate's lifetime) does not import another action, whose top-level
 * defineAction would then be bundled into it.
 */

/** `expires_in` of Generate and Refresh. */
export const LIFETIME_RULE: NumberRule = { min: 1, max: MAX_LIFETIME_SECONDS, unit: "seconds" };

/** Refresh's `grace_period`: at most a week, as a longer grace turns an expired token into a long-lived credential. */
export const GRACE_PERIOD_RULE: NumberRule = { min: 0, max: 604_800, unit: "seconds" };

/** Refresh's `max_session`: up to a year. */
export const MAX_SESSION_RULE: NumberRule = { min: 1, max: 31_536_000, unit: "seconds" };

/** Verify's `clock_tolerance`: up to five minutes. */
export const CLOCK_TOLERANCE_RULE: NumberRule = { min: 0, max: 300, unit: "seconds" };

/** Verify's `max_age`: up to ten years. */
export const MAX_AGE_RULE: NumberRule = { min: 0, max: 31_536_000 * 10, unit: "seconds" };

/** `refresh_expires_in` of Generate and Refresh: a minute to a year. */
export const REFRESH_LIFETIME_RULE: NumberRule = { min: 60, max: 31_536_000, unit: "seconds" };

/** JWT - Session's `retry_window`: up to five minutes, as a longer window lets a stolen, rotated-away refresh token refresh. */
export const RETRY_WINDOW_RULE: NumberRule = { min: 0, max: 300, unit: "seconds" };
