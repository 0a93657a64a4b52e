import type { Algorithm } from "./algorithms.js";
import { nowSeconds } from "./clock.js";
import { ConfigError } from "./errors.js";
import { signingKey } from "./keys/keyring.js";
import type { KeyMaterial } from "./keys/names.js";
import { newTokenId, signClaims } from "./sign.js";
import { type JsonObject, MAX_TOKEN_LENGTH } from "./token.js";

/** Claims the plugin sets itself; `claims` / `claims_json` may not set them (no silent overwrite). */
export const RESERVED_CLAIMS = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "auth_time"] as const;

/** The longest lifetime Generate and Refresh accept: six months, the most Apple allows for a client secret. */
export const MAX_LIFETIME_SECONDS = 15_777_000;

export interface GenerateOptions {
  readonly alg: Algorithm;
  readonly keys: KeyMaterial;
  readonly subject: string;
  readonly email?: string | undefined;
  /** Lifetime in whole seconds, 1 to MAX_LIFETIME_SECONDS (checked by the caller, which names the field). */
  readonly expiresIn: number;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
  /** Extra claims, already merged from the builder's fields. */
  readonly extraClaims?: JsonObject | undefined;
  readonly keyId?: string | undefined;
  readonly tokenType?: string | undefined;
}

export interface IssuedToken {
  readonly token: string;
  readonly claims: JsonObject;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly expiresIn: number;
  readonly jti: string;
  readonly kid?: string | undefined;
}

/**
 * Issues a token for a user: `sub`, `iat`, `exp`, a random `jti`, `auth_time` (= `iat`: this is a login),
 * and `iss`, `aud`, `email` and extra claims when given.
 *
 * @example
 * const { token } = await generateToken({ alg: "HS256", keys: { secret }, subject: "user-1", expiresIn: 3600 });
 */
export async function generateToken(options: GenerateOptions): Promise<IssuedToken> {
  const key = await signingKey(options.keys, options.alg);
  const extra = options.extraClaims ?? {};
  for (const name of Object.keys(extra)) {
    if ((RESERVED_CLAIMS as readonly string[]).includes(name)) {
      throw new ConfigError(
        `The claim "${name}" is set by the plugin; remove it from claims and claims_json.`,
      );
    }
    if (name === "email" && options.email) {
      throw new ConfigError(
        'The claim "email" is set by the email field; remove it from claims and claims_json.',
      );
    }
  }
  const iat = Math.floor(nowSeconds());
  const registered: JsonObject = { sub: options.subject };
  if (options.email) registered.email = options.email;
  if (options.issuer) registered.iss = options.issuer;
  if (options.audience) registered.aud = options.audience;
  registered.iat = iat;
  registered.exp = iat + options.expiresIn;
  registered.auth_time = iat;
  registered.jti = newTokenId();
  // Spread defines each extra claim as an own property (no setter runs), so "__proto__" stays a plain claim.
  const claims: JsonObject = { ...registered, ...extra };
  return issue(claims, options.alg, key, { kid: options.keyId || key.kid, typ: options.tokenType || "JWT" });
}

/** Signs a complete claims set and reports what the actions return. Shared by Generate and Refresh. */
export async function issue(
  claims: JsonObject,
  alg: Algorithm,
  key: Awaited<ReturnType<typeof signingKey>>,
  header: { kid?: string | undefined; typ?: string | undefined },
): Promise<IssuedToken> {
  const token = await signClaims(claims, alg, key, header);
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new ConfigError(
      `The token would be ${token.length} characters, over the ${MAX_TOKEN_LENGTH} that Verify accepts; put fewer claims in claims and claims_json.`,
    );
  }
  const issuedAt = claims.iat as number;
  const expiresAt = claims.exp as number;
  return {
    token,
    claims,
    issuedAt,
    expiresAt,
    expiresIn: expiresAt - issuedAt,
    jti: claims.jti as string,
    kid: header.kid,
  };
}
