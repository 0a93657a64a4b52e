/**
 * What the benchmark compares: the plugin's built actions against the same work done on jose alone
 * (its floor), on jsonwebtoken and on fast-jwt. Shared by the parent (bench/*.ts) and its children.
 */

/** The implementations measured, the plugin first; `jose` is the floor every ratio is taken against. */
export const VARIANTS = ["plugin", "jose", "jsonwebtoken", "fast-jwt"] as const;
export type Variant = (typeof VARIANTS)[number];

/** The floor: ratios are to this variant. */
export const FLOOR: Variant = "jose";

/** The warm cases: one operation, one algorithm, keys already imported. */
export const WARM_CASES = ["HS256 Verify", "RS256 Generate", "ES256 Verify", "EdDSA Verify"] as const;
export type WarmCase = (typeof WARM_CASES)[number];

/** Key material for a run, made fresh by the parent and passed to every child. */
export interface BenchKeys {
  /** 64 random characters: the plugin's `JWT Secret`. */
  readonly secret: string;
  readonly rsa: PemPair;
  readonly ec: PemPair;
  readonly ed: PemPair;
}

export interface PemPair {
  /** PKCS#8 PEM. */
  readonly privateKey: string;
  /** SPKI PEM. */
  readonly publicKey: string;
}

/** The plugin's display names for the two actions a cold start calls. */
export const GENERATE_ACTION = "JWT - Generate token";
export const VERIFY_ACTION = "JWT - Verify token";

/** The subject every generated token carries. */
export const SUBJECT = "user-1";

/** A warm call with everything bound: its inputs, keys and (for Verify) the token. */
export type BoundCall = () => unknown;

/** What a comparison implementation offers the warm measurement: a bound call per case it supports. */
export type WarmCalls = Partial<Record<WarmCase, BoundCall>>;

/** Tokens to verify in the warm cases, signed once (by the plugin's Generate action) per algorithm. */
export interface WarmTokens {
  readonly HS256: string;
  readonly ES256: string;
  readonly EdDSA: string;
}
