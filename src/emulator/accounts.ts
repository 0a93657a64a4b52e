/**
 * Bubble's built-in user actions as the workflows use them: "Sign the user up" and "Log the user in",
 * with the lockout Bubble keeps for itself after repeated failed logins. What these write (a new User) is
 * counted by the workflow; the lockout's counters are Bubble's own bookkeeping, not the app's data.
 */
import { randomBytes } from "node:crypto";
import type { AppDatabase } from "./database.js";
import { enter, fail, LOCKOUT_RULE, lockoutKeys, settle } from "./lockout.js";
import { currentRequest } from "./request-context.js";
import { bubbleUniqueId, hashPassword, passwordMatches } from "./users.js";

/** What a workflow sees of a user: never the hash. */
export interface User {
  readonly id: string;
  readonly email: string;
  readonly sessions_revoked_at: number | null;
}

/**
 * The lockout's figures as the workflows' messages name them: `lockMs` is the longest wait (lockout.ts
 * holds the rules).
 */
export const LOCKOUT = { ...LOCKOUT_RULE, lockMs: LOCKOUT_RULE.maxDelayMs } as const;

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

/** Who is logging in and when; by default the current request's client address and clock. */
export interface LogInAttempt {
  readonly clientAddress?: string;
  readonly now?: number;
}

/**
 * "Log the user in": unknown email and wrong password take the same path and answer the same code. The
 * attempt is counted as a failure before the password is checked (lockout.ts), and a match is re-checked
 * against failures counted meanwhile.
 */
export async function logIn(
  database: AppDatabase,
  email: string,
  password: string,
  attempt: LogInAttempt = {},
): Promise<LogInResult> {
  const request = currentRequest();
  const clientAddress = attempt.clientAddress ?? request.clientAddress;
  const at = () => attempt.now ?? request.now();
  // No account has a longer email (signUp refuses one): only the client's address counts the failure.
  const possible = email.trim().length <= MAX_EMAIL_LENGTH;
  const admission = await enter(database, lockoutKeys(possible ? email : undefined, clientAddress), at);
  if (!admission) return { ok: false, code: "too_many_attempts" };
  const stored = possible ? database.userByEmail(email) : undefined;
  let matches = false;
  try {
    // An unknown email is checked against a dummy hash too: the same time, and never a match.
    const checked =
      password.length <= MAX_PASSWORD_LENGTH &&
      (await passwordMatches(password, stored?.password_hash ?? (await dummy())));
    matches = stored !== undefined && checked;
  } finally {
    // Whatever happened, the attempt ends: a failure unless the password matched.
    if (!matches) fail(database, admission, at());
  }
  if (!stored || !matches) return { ok: false, code: "invalid_credentials" };
  if (!settle(database, admission, at())) return { ok: false, code: "too_many_attempts" };
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
