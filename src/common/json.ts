/**
 * JSON checks both sides need: the plugin (src/jwt reads tokens, keys and JWKS) and the local backend (it
 * reads request bodies and checks what an action returns). Kept apart so the local backend imports nothing
 * from src/jwt: it runs only what ships.
 */

export type JsonObject = Record<string, unknown>;

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether JSON text opens more than `limit` arrays or objects at once; brackets inside strings do not count.
 * One pass, no recursion, so it is safe on any text before JSON.parse sees it; brackets of invalid JSON count
 * too (JSON.parse refuses that text later).
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // a backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      if (++depth > limit) return true;
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    }
  }
  return false;
}
