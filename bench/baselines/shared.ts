/**
 * What the comparison implementations share: the few property and key reads a builder's own action
 * would do, and the return values of the plugin's actions (so the same emulator accepts all of them).
 */
import type { BubbleContext, BubbleProperties, ReturnValues } from "../../src/bubble/types.js";

export type { BubbleContext, BubbleProperties, ReturnValues };

/** The plugin key the HS256 actions read. */
export const SECRET_KEY = "JWT Secret";

/** The `JWT Secret` plugin key. */
export function secretOf(context: BubbleContext): string {
  const secret = context.keys?.[SECRET_KEY];
  if (typeof secret !== "string" || secret === "") throw new Error("The JWT Secret plugin key is empty.");
  return secret;
}

/** The lifetime Generate writes: the `expires_in` field, else an hour. */
export function lifetimeOf(properties: BubbleProperties): number {
  const value = Number(properties.expires_in ?? 3600);
  return Number.isInteger(value) && value > 0 ? value : 3600;
}

/** Generate's return values for a token issued at `iat` for `lifetime` seconds. */
export function issuedValues(token: string, iat: number, lifetime: number, jti: string): ReturnValues {
  return {
    token,
    issued_at: new Date(iat * 1000),
    expires_at: new Date((iat + lifetime) * 1000),
    expires_in: lifetime,
    jti,
  };
}

/** Verify's return values for accepted claims. */
export function verifiedValues(claims: Record<string, unknown>): ReturnValues {
  return {
    valid: true,
    error_code: "",
    error_message: "",
    subject: typeof claims.sub === "string" ? claims.sub : null,
    jti: typeof claims.jti === "string" ? claims.jti : null,
    expires_at: typeof claims.exp === "number" ? new Date(claims.exp * 1000) : null,
  };
}

/** Verify's return values for a refused token. */
export function refusedValues(): ReturnValues {
  return { valid: false, error_code: "invalid_token", error_message: "The token was refused." };
}

/** The current time in whole seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
