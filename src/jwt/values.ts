/** Checks on values read from JSON (a token, a pasted key, a JWKS) or from a builder's field. */

export { isJsonObject, type JsonObject, jsonDepthExceeds } from "../common/json.js";

/** Text with at least one character. */
export function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}
