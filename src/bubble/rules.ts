import {
  CLOCK_TOLERANCE,
  GRACE_PERIOD,
  LIFETIME,
  MAX_AGE,
  MAX_SESSION,
  REFRESH_LIFETIME,
  RETRY_WINDOW,
  type SecondsRange,
} from "../common/seconds.js";
import type { NumberRule } from "./properties.js";

/**
 * The ranges of the actions' whole-number fields: src/jwt's own (src/common/seconds.ts says why each is what it is),
 * so a field refused here would be refused there. Kept apart from the action entries so an action that
 * shares a rule (Refresh uses Generate's lifetime) does not import another action, whose top-level
 * defineAction would then be bundled into it.
 */
const seconds = ({ min, max }: SecondsRange): NumberRule => ({ min, max, unit: "seconds" });

/** `expires_in` of Generate and Refresh. */
export const LIFETIME_RULE: NumberRule = seconds(LIFETIME);

/** Refresh's `grace_period`. */
export const GRACE_PERIOD_RULE: NumberRule = seconds(GRACE_PERIOD);

/** Refresh's `max_session`. */
export const MAX_SESSION_RULE: NumberRule = seconds(MAX_SESSION);

/** Verify's `clock_tolerance`. */
export const CLOCK_TOLERANCE_RULE: NumberRule = seconds(CLOCK_TOLERANCE);

/** Verify's `max_age`. */
export const MAX_AGE_RULE: NumberRule = seconds(MAX_AGE);

/** `refresh_expires_in` of Generate and Refresh. */
export const REFRESH_LIFETIME_RULE: NumberRule = seconds(REFRESH_LIFETIME);

/** JWT - Session's `retry_window`. */
export const RETRY_WINDOW_RULE: NumberRule = seconds(RETRY_WINDOW);
