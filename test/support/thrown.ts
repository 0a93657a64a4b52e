/**
 * How a call ended, for tests. One helper per question:
 * - `outcomeOf` / `settledOutcome`: "ok" when it returned (or resolved), else the error's code: a
 *   TokenError's code as it is, a ConfigError's as `config:<code>`; any other error is rethrown, so a
 *   crash never passes for a refusal.
 * - `thrownBy` / `rejectionOf`: the error itself, to inspect its class, message, cause or log reason;
 *   undefined when it returned. Given a class, any other error is rethrown.
 */
import { ConfigError, TokenError } from "../../src/jwt/errors.js";

export const OK = "ok";

type ErrorClass<E> = abstract new (...args: never[]) => E;

function codeOf(error: unknown): string {
  if (error instanceof TokenError) return error.code;
  if (error instanceof ConfigError) return `config:${error.code}`;
  throw error;
}

/** "ok", a TokenError's code, or `config:<code>` for a ConfigError; other errors rethrown. */
export function outcomeOf(run: () => unknown): string {
  try {
    run();
    return OK;
  } catch (error) {
    return codeOf(error);
  }
}

/** outcomeOf for a promise (or a function returning one). */
export async function settledOutcome(work: Promise<unknown> | (() => Promise<unknown>)): Promise<string> {
  try {
    await (typeof work === "function" ? work() : work);
    return OK;
  } catch (error) {
    return codeOf(error);
  }
}

/** What `run` throws, or undefined when it returns; with `kind`, an error of another class is rethrown. */
export function thrownBy(run: () => unknown): unknown;
export function thrownBy<E>(run: () => unknown, kind: ErrorClass<E>): E | undefined;
export function thrownBy<E>(run: () => unknown, kind?: ErrorClass<E>): unknown {
  try {
    run();
  } catch (error) {
    if (kind && !(error instanceof kind)) throw error;
    return error;
  }
  return undefined;
}

/** thrownBy for a promise (or a function returning one). */
export async function rejectionOf(work: Promise<unknown> | (() => Promise<unknown>)): Promise<unknown>;
export async function rejectionOf<E>(
  work: Promise<unknown> | (() => Promise<unknown>),
  kind: ErrorClass<E>,
): Promise<E | undefined>;
export async function rejectionOf<E>(
  work: Promise<unknown> | (() => Promise<unknown>),
  kind?: ErrorClass<E>,
): Promise<unknown> {
  try {
    await (typeof work === "function" ? work() : work);
  } catch (error) {
    if (kind && !(error instanceof kind)) throw error;
    return error;
  }
  return undefined;
}
