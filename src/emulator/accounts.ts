/**
 * Bubble's built-in user actions as the workflows use them: "Sign the user up" and "Log the user in",
 * with the lockout Bubble keeps for itself after repeated failed logins. What these write (a new User) is
 * counted by the workflow; the lockout's counters are Bubble's own bookkeeping, not the app's data.
 */
import { randomBytes } from "node:crypto";
import type { AppDatabase } from "./database.js";
import { bubbleUniqueId, hashPassword, passwordMatches } from "./users.js";

/** What a workflow sees of a user: never the hash. */
export interface User {
  readonly id: string;
  readonly email: string;
  readonly sessions_revoked_at: number | null;
}

/**
 * The failed-login lockout, per email (known or not, so it tells nobody which emails exist): the 5th
 * failure within 15 minutes locks that email for 15 minutes, and a success clears its count. Bubble does
 * lock logins after repeated failures, but its manual gives no figures; these are OWASP's usual ones, few
 * enough to stop password guessing, and a lock that ends by itself so that an attacker cannot lock a user
 * out for good. The table is bounded: at most CAPACITY emails, the stalest forgotten first.
 */
export const LOCKOUT = { limit: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000, capacity: 10_000 } as const;

/** Bubble's password policy is a setting (a minimum length); this backend asks for 8 characters. */
export const MIN_PASSWORD_LENGTH = 8;
/** Longer passwords are refused before they reach scrypt. */
export const MAX_PASSWORD_LENGTH = 1024;
const MAX_EMAIL_LENGTH = 254;

export type LogInResult =
  | { readonly ok: true; readonly user: User }
  | { readonly ok: false; readonly code: "invalid_credentials" | "too_many_attempts" };

export type SignUpResult =
  | { readonly ok: true; readonly user: User }
  | { readonly ok: false; readonly code: "invalid_email" | "weak_password" | "email_taken" };

// Checked when the email is unknown, so that answer costs one scrypt too and cannot be told apart by time.
let dummyHash: Promise<string> | undefined;
const dummy = () => {
  dummyHash ??= hashPassword(randomBytes(16).toString("base64url"));
  return dummyHash;
};

/** "Log the user in": unknown email and wrong password take the same path and answer the same code. */
export async function logIn(
  database: AppDatabase,
  email: string,
  password: string,
  now = Date.now(),
): Promise<LogInResult> {
  // No account has a longer email (signUp refuses one), and the lockout table only keeps emails that might.
  if (email.trim().length > MAX_EMAIL_LENGTH) {
    await passwordMatches(password.slice(0, MAX_PASSWORD_LENGTH), await dummy());
    return { ok: false, code: "invalid_credentials" };
  }
  const lock = database.failedLogins(email);
  if (lock && lock.locked_until > now) return { ok: false, code: "too_many_attempts" };
  const stored = database.userByEmail(email);
  const matches =
    password.length <= MAX_PASSWORD_LENGTH &&
    (await passwordMatches(password, stored?.password_hash ?? (await dummy())));
  if (!stored || !matches) {
    const counted = database.recordFailedLogin(email, LOCKOUT, now);
    return { ok: false, code: counted.locked_until > now ? "too_many_attempts" : "invalid_credentials" };
  }
  if (lock) database.clearFailedLogins(email);
  return { ok: true, user: publicUser(stored) };
}

/** "Sign the user up": a new User with this email and password, or why not. */
export async function signUp(
  database: AppDatabase,
  email: string,
  password: string,
  now = Date.now(),
): Promise<SignUpResult> {
  const trimmed = email.trim();
  if (trimmed.length > MAX_EMAIL_LENGTH || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed))
    return { ok: false, code: "invalid_email" };
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH)
    return { ok: false, code: "weak_password" };
  if (database.userByEmail(trimmed)) return { ok: false, code: "email_taken" };
  const user = { id: bubbleUniqueId(now), email: trimmed, password_hash: await hashPassword(password) };
  // The unique index decides between two simultaneous signups of one email.
  if (!database.insertUser(user, now)) return { ok: false, code: "email_taken" };
  return { ok: true, user: { id: user.id, email: user.email, sessions_revoked_at: null } };
}

export function publicUser(stored: { id: string; email: string; sessions_revoked_at: number | null }): User {
  return { id: stored.id, email: stored.email, sessions_revoked_at: stored.sessions_revoked_at };
}
