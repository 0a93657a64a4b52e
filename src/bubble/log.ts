import { isNonEmptyString } from "../jwt/values.js";

/**
 * One line per call in the app's server logs: the action, the outcome (`ok` or an error code) and the
 * token's `sub`, `jti` and `kid` when known. Never a token, signature, key, secret or other claim.
 * Values are JSON-encoded and cut short, so a crafted `kid` cannot forge or flood log lines.
 */
export interface LogFields {
  readonly sub?: unknown;
  readonly jti?: unknown;
  readonly kid?: unknown;
}

const MAX_LOGGED_LENGTH = 128;

export function logOutcome(action: string, outcome: string, fields: LogFields = {}): void {
  const entry: Record<string, string> = { outcome };
  for (const name of ["sub", "jti", "kid"] as const) {
    const value = fields[name];
    if (isNonEmptyString(value)) entry[name] = value.slice(0, MAX_LOGGED_LENGTH);
  }
  console.log(`JWT ${action}: ${JSON.stringify(entry).replace(UNICODE_LINE_BREAKS, escapeCodePoint)}`);
}

// JSON.stringify escapes \n and \r but not these, which some log viewers also break lines at.
const UNICODE_LINE_BREAKS = /[\u0085\u2028\u2029]/g;

function escapeCodePoint(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}
