/**
 * What a contract case gets: the Bubble runtime stand-in loaded with the built actions/, and a way to
 * call an action by short name and observe it. Runs inside a scenario process (Node 18 or Node 20).
 */
import { createHash } from "node:crypto";
import type { BubbleRuntime } from "../../src/emulator/runtime.js";
import type { ConfigErrorCode } from "../../src/jwt/errors.js";
import { type Observation, observe } from "../support/observe.js";

export const ACTIONS = {
  generate: "JWT - Generate token",
  verify: "JWT - Verify token",
  refresh: "JWT - Refresh token",
  decode: "JWT - Decode token (unverified)",
  jwks: "JWT - Public keys (JWKS)",
  external: "JWT - Verify external token",
  session: "JWT - Session",
} as const;

export type ActionName = keyof typeof ACTIONS;
export type Keys = Record<string, string | undefined>;

export interface Harness {
  call(action: ActionName, inputs: Record<string, unknown>, keys?: Keys): Promise<Observation>;
}

/** A random-looking secret of `bytes` characters, the same on every run (derived from `label`). */
export function testSecret(label: string, bytes = 64): string {
  let out = "";
  for (let i = 0; out.length < bytes; i++) {
    out += createHash("sha512").update(`${label}:${i}`).digest("base64url");
  }
  return out.slice(0, bytes);
}

export const SECRET = testSecret("current");
export const OLD_SECRET = testSecret("previous");
export const OTHER_SECRET = testSecret("attacker");
export const ISSUER = "https://app.example.com";
export const AUDIENCE = "mobile-app";

/** The plugin keys most cases use: a strong secret for every HS algorithm, no issuer or audience. */
export const BASE_KEYS: Keys = { "JWT Secret": SECRET };

export function harness(runtime: BubbleRuntime): Harness {
  return {
    call: (action, inputs, keys = BASE_KEYS) => observe(runtime, ACTIONS[action], inputs, keys),
  };
}

/**
 * A contract case: `run` calls actions and returns a JSON-friendly observation; vitest asserts it
 * matches `expect` (a partial object, as toMatchObject). Anywhere in `expect`, `{ $match: "regex" }`
 * matches a string by regular expression (see `matching` in test/support/matchers.ts).
 */
export interface ContractCase {
  readonly name: string;
  readonly run: (h: Harness) => Promise<unknown>;
  readonly expect: Record<string, unknown>;
}

/** In an expectation: a string that must match this regular expression. */
export function matches(source: string): { $match: string } {
  return { $match: source };
}

/** A current claims set for user-1 (`iat` now, `exp` in ten minutes, `jti` "jti-1"), with `extra` merged in. */
export function freshClaims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const t = Math.floor(Date.now() / 1000);
  return { sub: "user-1", iat: t, exp: t + 600, jti: "jti-1", ...extra };
}

/**
 * What differs between what a case expected and what it saw, one line per differing pair, for a case to
 * report (and expect `[]`): unlike a `true`, a failure then shows both values.
 */
export function differences(pairs: Record<string, readonly [expected: unknown, seen: unknown]>): string[] {
  return Object.entries(pairs)
    .filter(([, [expected, seen]]) => JSON.stringify(expected) !== JSON.stringify(seen))
    .map(
      ([what, [expected, seen]]) =>
        `${what}: expected ${JSON.stringify(expected)}, saw ${JSON.stringify(seen)}`,
    );
}

/** Expectation: the token was refused with `code` (Verify's `valid`, or Refresh's `ok`), nothing leaked. */
export function refused(code: string, flag: "valid" | "ok" = "valid") {
  return { values: { [flag]: false, error_code: code, error_message: matches(".+") }, leaks: [] };
}

/**
 * Expectation: the action stopped with the configuration error `code`, its message about `subject` (the
 * plugin key or field to fix, e.g. `Previous JWT Secret plugin key`, `expires_in field`) when given;
 * nothing leaked. The wording after the subject is the message's own, free to improve.
 */
export function throws(code: ConfigErrorCode, subject?: string) {
  const about = subject === undefined ? "" : `The ${escapeRegExp(subject)} `;
  return { thrown: matches(`^Error: JWT plugin \\(${code}\\): ${about}`), leaks: [] };
}

/** `text` as a regular expression that matches exactly it. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
