/**
 * The ranges of the numbers of seconds the plugin takes, as data with no code: src/jwt checks its options
 * against them (limits.ts), the Bubble adapter reads its fields with them, and the local backend checks its
 * settings with them without importing src/jwt (it runs only the built actions).
 */
/** A range of seconds. */
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
