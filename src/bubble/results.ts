import { LARGEST_TIME } from "../jwt/claims.js";
import type { IssuedTokens } from "../jwt/generate.js";
import type { JsonObject } from "../jwt/token.js";
import type { ReturnValues } from "./types.js";

/** A NumericDate (seconds) as the Date Bubble expects; null when absent or no time a Date can hold. */
export function toDate(seconds: unknown): Date | null {
  return typeof seconds === "number" && Math.abs(seconds) <= LARGEST_TIME ? new Date(seconds * 1000) : null;
}

/** A claim as text for a text return value: text as is, anything else as JSON; null when absent. */
export function claimText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Every top-level claim as two aligned lists: names, and values (text as is, anything else as JSON). */
export function claimLists(claims: JsonObject): { claim_names: string[]; claim_values: string[] } {
  const names = Object.keys(claims);
  return { claim_names: names, claim_values: names.map((name) => claimText(claims[name]) ?? "null") };
}

/** The `aud` claim as text: a string as is, an array joined with commas. */
export function audienceText(aud: unknown): string | null {
  if (Array.isArray(aud)) return aud.filter((item) => typeof item === "string").join(",");
  return typeof aud === "string" ? aud : null;
}

/** Generate's and Refresh's session return values: the `sid`, and the refresh token when one was issued. */
export function sessionValues({ access, refresh }: IssuedTokens): ReturnValues {
  return {
    session_id: claimText(access.claims.sid),
    refresh_token: refresh?.token ?? "",
    refresh_expires_at: toDate(refresh?.expiresAt),
    refresh_jti: refresh?.jti ?? null,
  };
}
