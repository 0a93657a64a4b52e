import { ALGORITHMS, ASYMMETRIC_ALGORITHMS, type AsymmetricAlgorithm } from "../algorithms.js";
import { numericDate } from "../claims.js";
import { ConfigError, TokenError } from "../errors.js";
import type { JsonObject } from "../token.js";
import { parseJwksUrl, parseSecureUrl } from "./url.js";

/** The identity providers the action knows (the contract's `provider` Dropdown, in its order). */
export const PROVIDERS = ["Custom", "Firebase", "Supabase", "Auth0", "Clerk", "Google", "Apple"] as const;

export type Provider = (typeof PROVIDERS)[number];

/** What the builder chose: a provider, what it needs (`project`), and overrides of its preset. */
export interface ProviderSettings {
  readonly provider: string;
  readonly project?: string | undefined;
  readonly jwksUrl?: string | undefined;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
  /** Algorithm names as typed; empty for the provider's default. */
  readonly algorithms?: readonly string[] | undefined;
}

/** Extra checks a provider demands of its verified claims, beyond the standard ones. */
export type ClaimCheck = (claims: JsonObject, now: number, clockTolerance: number) => void;

/** Everything needed to verify one provider's tokens, with the builder's overrides applied. */
export interface ResolvedProvider {
  readonly provider: Provider;
  readonly jwksUrl: URL;
  /** Any one of these is accepted as `iss`. */
  readonly issuers: readonly string[];
  /** Required `aud`; unchecked when undefined (Clerk and Custom, unless the builder sets one). */
  readonly audience?: string | undefined;
  readonly algorithms: readonly AsymmetricAlgorithm[];
  readonly checkClaims?: ClaimCheck | undefined;
}

interface Preset {
  /** What `project` holds for this provider, for messages ("your Firebase project id"). */
  readonly project?: string;
  readonly jwksUrl: (project: () => string) => string;
  readonly issuers: (project: () => string) => readonly string[];
  /** The audience rule: derived from `project`, fixed, or (undefined) left to the builder. */
  readonly audience?: (project: () => string) => string;
  /** Auth0 serves many APIs and apps per tenant: without an audience any of them would pass. */
  readonly audienceRequired?: string;
  readonly algorithms: readonly AsymmetricAlgorithm[];
  readonly checkClaims?: ClaimCheck;
}

const PRESETS: Record<Provider, Preset> = {
  // Any OpenID Connect or JWKS issuer: the builder gives the JWKS URL and the issuer (the contract).
  Custom: {
    jwksUrl: () => {
      throw new ConfigError(
        "missing_field",
        "The jwks_url field is empty; for the Custom provider set it to the issuer's https keys URL (JWKS).",
      );
    },
    issuers: () => {
      throw new ConfigError(
        "missing_field",
        "The issuer field is empty; for the Custom provider set it to the iss your tokens carry.",
      );
    },
    algorithms: ASYMMETRIC_ALGORITHMS,
  },
  // https://firebase.google.com/docs/auth/admin/verify-id-tokens#verify_id_tokens_using_a_third-party_jwt_library
  // (alg RS256; aud is the project id; iss https://securetoken.google.com/<project id>; sub a non-empty
  // string; auth_time in the past). The JWKS form of the keys is the jwks_uri of the issuer's discovery
  // document, https://securetoken.google.com/<project id>/.well-known/openid-configuration.
  Firebase: {
    project: "your Firebase project id",
    jwksUrl: () =>
      "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com",
    issuers: (project) => [`https://securetoken.google.com/${project()}`],
    audience: (project) => project(),
    algorithms: ["RS256"],
    checkClaims: firebaseClaims,
  },
  // https://supabase.com/docs/guides/auth/jwts and https://supabase.com/docs/guides/auth/signing-keys:
  // iss <project URL>/auth/v1, aud "authenticated" for signed-in users, asymmetric keys ES256 or RS256
  // published at <project URL>/auth/v1/.well-known/jwks.json.
  Supabase: {
    project: "your Supabase project URL, e.g. https://abcd.supabase.co",
    jwksUrl: (project) => `${project()}/auth/v1/.well-known/jwks.json`,
    issuers: (project) => [`${project()}/auth/v1`],
    audience: () => "authenticated",
    algorithms: ["ES256", "RS256"],
  },
  // https://auth0.com/docs/secure/tokens/json-web-tokens/validate-json-web-tokens and
  // https://auth0.com/docs/secure/tokens/json-web-tokens/locate-json-web-key-sets: iss https://<domain>/
  // (with the trailing slash), keys at https://<domain>/.well-known/jwks.json, RS256; aud is the
  // application's client id (ID tokens) or the API identifier (access tokens): the builder's to say.
  Auth0: {
    project: "your Auth0 domain, e.g. my-app.us.auth0.com",
    jwksUrl: (project) => `https://${project()}/.well-known/jwks.json`,
    issuers: (project) => [`https://${project()}/`],
    audienceRequired:
      "The audience field is empty; for Auth0 set it to your application's client id (ID tokens) or your API identifier (access tokens).",
    algorithms: ["RS256"],
  },
  // https://clerk.com/docs/guides/sessions/session-tokens and
  // https://clerk.com/docs/guides/sessions/manual-jwt-verification: iss is the Frontend API URL
  // https://<frontend API domain> (no trailing slash), keys at https://<domain>/.well-known/jwks.json,
  // RS256; session tokens carry azp (the origin) and no aud unless a template adds one.
  Clerk: {
    project: "your Clerk Frontend API domain, e.g. clerk.example.com",
    jwksUrl: (project) => `https://${project()}/.well-known/jwks.json`,
    issuers: (project) => [`https://${project()}`],
    algorithms: ["RS256"],
  },
  // https://developers.google.com/identity/sign-in/web/backend-auth and
  // https://developers.google.com/identity/openid-connect/openid-connect#validatinganidtoken: keys at
  // https://www.googleapis.com/oauth2/v3/certs, aud is one of the app's client ids, iss is
  // accounts.google.com or https://accounts.google.com (both occur), RS256.
  Google: {
    project: "your Google OAuth client id",
    jwksUrl: () => "https://www.googleapis.com/oauth2/v3/certs",
    issuers: () => ["https://accounts.google.com", "accounts.google.com"],
    audience: (project) => project(),
    algorithms: ["RS256"],
  },
  // https://developer.apple.com/documentation/signinwithapple/verifying-a-user and
  // https://developer.apple.com/documentation/signinwithapplerestapi/fetch-apple's-public-key-for-verifying-token-signature:
  // keys at https://appleid.apple.com/auth/keys (RS256), iss https://appleid.apple.com, aud the
  // client_id (the app's bundle id or the Services ID).
  Apple: {
    project: "your Apple client id (the app's bundle id or Services ID)",
    jwksUrl: () => "https://appleid.apple.com/auth/keys",
    issuers: () => ["https://appleid.apple.com"],
    audience: (project) => project(),
    algorithms: ["RS256"],
  },
};

/**
 * The provider's preset with the builder's overrides applied. Throws a ConfigError naming the field
 * to fix: an unknown provider, a missing project, a jwks_url that is not https, an HS* algorithm.
 * `loopbackHttp` lets plain http URLs to this machine through (the local backend and tests only).
 */
export function resolveProvider(settings: ProviderSettings, loopbackHttp = false): ResolvedProvider {
  const provider = PROVIDERS.find((name) => name.toLowerCase() === settings.provider.trim().toLowerCase());
  if (!provider)
    throw new ConfigError("invalid_field", `The provider field must be one of ${PROVIDERS.join(", ")}.`);
  const preset = PRESETS[provider];
  const project = () => projectFor(provider, preset, settings.project, loopbackHttp);
  const jwksUrl = parseJwksUrl(settings.jwksUrl ?? preset.jwksUrl(project), loopbackHttp);
  const issuers = settings.issuer ? [settings.issuer] : preset.issuers(project);
  let audience = settings.audience ?? preset.audience?.(project);
  if (audience === "") audience = undefined;
  if (!audience && preset.audienceRequired) throw new ConfigError("missing_field", preset.audienceRequired);
  const algorithms = settings.algorithms?.length ? readAlgorithms(settings.algorithms) : preset.algorithms;
  return { provider, jwksUrl, issuers, audience, algorithms, checkClaims: preset.checkClaims };
}

/** The `project` field as the provider needs it; read only when a preset value depends on it. */
function projectFor(
  provider: Provider,
  preset: Preset,
  value: string | undefined,
  loopbackHttp: boolean,
): string {
  const text = value?.trim();
  if (!text)
    throw new ConfigError("missing_field", `The project field is empty; set it to ${preset.project}.`);
  if (provider === "Supabase") return projectUrl(text, preset.project as string, loopbackHttp);
  if (provider === "Auth0" || provider === "Clerk") return domain(text, preset.project as string);
  return text;
}

/** A project URL (scheme optional, https assumed), without trailing slash, path or query. */
function projectUrl(text: string, what: string, loopbackHttp: boolean): string {
  const url = parseSecureUrl(
    /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`,
    "project",
    what,
    loopbackHttp,
  );
  if (url.pathname !== "/" || url.search !== "") {
    throw new ConfigError(
      "invalid_url",
      `The project field must be the project's base URL without a path; set it to ${what}.`,
    );
  }
  return url.origin;
}

/** A bare domain (host and optional port), whether typed as `my.domain`, `https://my.domain` or with a `/`. */
function domain(text: string, what: string): string {
  const url = parseSecureUrl(/^https?:\/\//i.test(text) ? text : `https://${text}`, "project", what);
  if (url.protocol !== "https:" || url.pathname !== "/" || url.search !== "") {
    throw new ConfigError("invalid_url", `The project field must be a domain name only; set it to ${what}.`);
  }
  return url.host;
}

/** The `algorithms` field: asymmetric algorithm names only, in any letter case. */
function readAlgorithms(names: readonly string[]): AsymmetricAlgorithm[] {
  const algorithms: AsymmetricAlgorithm[] = [];
  for (const name of names) {
    if (/^hs/i.test(name)) {
      throw new ConfigError(
        "invalid_field",
        "The algorithms field lists an HS algorithm; external tokens are verified with public keys only, so list RS256, ES256, EdDSA or the like.",
      );
    }
    const alg = ASYMMETRIC_ALGORITHMS.find((known) => known.toLowerCase() === name.toLowerCase());
    if (!alg) {
      throw new ConfigError(
        "invalid_field",
        `The algorithms field must list names from ${ALGORITHMS.filter((a) => !a.startsWith("HS")).join(", ")}, separated by commas.`,
      );
    }
    if (!algorithms.includes(alg)) algorithms.push(alg);
  }
  return algorithms;
}

/** Firebase's rules beyond the standard claims: a non-empty text `sub`, and an `auth_time` in the past. */
function firebaseClaims(claims: JsonObject, now: number, clockTolerance: number): void {
  if (claims.sub === undefined || claims.sub === "") {
    throw new TokenError("missing_claim", 'The token has no user id ("sub" claim).');
  }
  if (typeof claims.sub !== "string") {
    throw new TokenError("malformed", 'The token\'s "sub" claim is not text.');
  }
  const authTime = numericDate(claims, "auth_time");
  if (authTime === undefined) {
    throw new TokenError("missing_claim", 'The token has no sign-in time ("auth_time" claim).');
  }
  if (authTime > now + clockTolerance) {
    throw new TokenError("not_yet_valid", "The token claims a sign-in time in the future (its auth_time).");
  }
}
