import { createPublicKey, type JsonWebKey } from "node:crypto";
import type { JWK } from "jose";
import { type AsymmetricAlgorithm, RSA_MIN_BITS } from "../algorithms.js";
import { TokenError } from "../errors.js";
import { LruCache } from "../keys/cache.js";
import { isSoundRsaExponent, publishedJwkFitsAlgorithm } from "../keys/jwk-fit.js";
import type { ReadyKey } from "../keys/keyring.js";
import { publicMembers } from "../keys/public-jwk.js";
import { importForJws } from "../keys/webcrypto-import.js";
import { isJsonObject } from "../values.js";
import { type DownloadLimits, downloadJson, JwksFetchError, type NetworkAccess } from "./fetch.js";

/** The rules of the cache; every field has the production value in JWKS_DEFAULTS. */
export interface JwksCacheOptions extends DownloadLimits {
  /** Freshness when the response declares none (no Cache-Control max-age). */
  readonly defaultTtlMs: number;
  /** A declared max-age is clamped into [minTtlMs, maxTtlMs]. */
  readonly minTtlMs: number;
  readonly maxTtlMs: number;
  /** An unknown `kid` refetches the JWKS at most once per this interval per URL. */
  readonly kidRefetchIntervalMs: number;
  /** After a failed refresh, stale keys are served without asking the endpoint again for this long. */
  readonly staleRetryMs: number;
  /** How many JWKS URLs are remembered; the least recently used is forgotten first. */
  readonly maxUrls: number;
  /** The clock in milliseconds (tests pin it). */
  readonly now: () => number;
}

export const JWKS_DEFAULTS: JwksCacheOptions = {
  timeoutMs: 5_000,
  maxBytes: 1024 * 1024,
  defaultTtlMs: 10 * 60_000,
  minTtlMs: 5 * 60_000,
  maxTtlMs: 24 * 3_600_000,
  kidRefetchIntervalMs: 10_000,
  staleRetryMs: 30_000,
  maxUrls: 64,
  now: () => Date.now(),
};

// More keys than any provider publishes at once; a larger set is cut, not rejected.
const MAX_KEYS = 100;

interface Entry {
  readonly jwks: readonly JWK[];
  /** Imported keys by position in `jwks` and algorithm; a key that cannot be imported is null. */
  readonly imported: Map<string, Promise<CryptoKey | null>>;
  /** Until when the keys are fresh; past it the next call refreshes them (and falls back to them). */
  freshUntil: number;
  /** When an unknown kid last made this URL refetch. */
  lastKidRefetch: number;
}

/**
 * Public keys fetched from JWKS URLs and kept across calls (one warm Bubble runtime serves many calls):
 * fresh for the response's max-age (clamped), refreshed once for all concurrent callers, refetched for
 * an unknown `kid` at most once per interval, and kept in service when the endpoint later fails.
 */
export class JwksCache {
  private readonly options: JwksCacheOptions;
  private readonly entries: LruCache<Entry>;
  private readonly inflight = new Map<string, Promise<Entry>>();

  constructor(options: Partial<JwksCacheOptions> = {}) {
    this.options = { ...JWKS_DEFAULTS, ...options };
    this.entries = new LruCache<Entry>(this.options.maxUrls);
  }

  /**
   * The published keys that may have signed a token with this `kid` and `alg`. Throws TokenError
   * `jwks_unavailable` when no keys could be fetched or read (and none are cached), `unknown_key`
   * when no published key has the kid, `invalid_signature` when the kid's key is not for `alg`.
   * `network` is how a download may reach the network (Bubble's runtime: always the defaults).
   */
  async keysFor(
    url: URL,
    kid: string | undefined,
    alg: AsymmetricAlgorithm,
    network: NetworkAccess = {},
  ): Promise<readonly ReadyKey[]> {
    const href = url.href;
    let entry = this.entries.get(href);
    let justFetched = false;
    if (!entry || this.options.now() >= entry.freshUntil) {
      entry = await this.refresh(url, entry, network);
      justFetched = true;
    }
    let indexes = matching(entry.jwks, kid);
    if (indexes.length === 0 && kid !== undefined && !justFetched && this.mayRefetchFor(entry)) {
      entry.lastKidRefetch = this.options.now();
      entry = await this.refresh(url, entry, network);
      indexes = matching(entry.jwks, kid);
    }
    if (indexes.length === 0) {
      throw new TokenError(
        "unknown_key",
        kid === undefined
          ? "The provider publishes no key, and the token names none (no kid)."
          : "The provider publishes no key with the token's key id (kid).",
      );
    }
    const usable = indexes.filter((index) =>
      publishedJwkFitsAlgorithm(entry.jwks[index] as Record<string, unknown>, alg),
    );
    if (usable.length === 0) {
      throw new TokenError(
        "invalid_signature",
        `The provider's key for this token is not a key for ${alg}, the algorithm in the token's header.`,
      );
    }
    const keys: ReadyKey[] = [];
    for (const index of usable) {
      const key = await this.imported(entry, index, alg);
      if (key) keys.push({ key, kid });
    }
    if (keys.length === 0) {
      throw jwksUnavailable("its key for this token could not be read");
    }
    return keys;
  }

  private mayRefetchFor(entry: Entry): boolean {
    return this.options.now() - entry.lastKidRefetch >= this.options.kidRefetchIntervalMs;
  }

  /**
   * Fetches the JWKS again, sharing one request among concurrent callers. When the fetch fails, the
   * previous keys (fresh or stale) stay in service and the endpoint is left alone for a while;
   * without previous keys the call fails with `jwks_unavailable`.
   */
  private async refresh(url: URL, previous: Entry | undefined, network: NetworkAccess): Promise<Entry> {
    const href = url.href;
    let pending = this.inflight.get(href);
    if (!pending) {
      pending = this.download(url, previous, network).finally(() => this.inflight.delete(href));
      this.inflight.set(href, pending);
    }
    try {
      return await pending;
    } catch (error) {
      const reason = error instanceof JwksFetchError ? error.message : "its answer could not be read";
      if (previous) {
        previous.freshUntil = Math.max(previous.freshUntil, this.options.now() + this.options.staleRetryMs);
        this.entries.set(href, previous);
        return previous;
      }
      throw jwksUnavailable(reason);
    }
  }

  private async download(url: URL, previous: Entry | undefined, network: NetworkAccess): Promise<Entry> {
    const { body, maxAgeSeconds } = await downloadJson(url, this.options, network);
    if (!Array.isArray(body.keys)) throw new JwksFetchError('its answer has no "keys" list');
    const jwks = body.keys.filter((key): key is JWK => isJsonObject(key)).slice(0, MAX_KEYS);
    const { defaultTtlMs, minTtlMs, maxTtlMs } = this.options;
    const ttl =
      maxAgeSeconds === undefined
        ? defaultTtlMs
        : Math.min(maxTtlMs, Math.max(minTtlMs, maxAgeSeconds * 1000));
    const entry: Entry = {
      jwks,
      imported: new Map(),
      freshUntil: this.options.now() + ttl,
      lastKidRefetch: previous?.lastKidRefetch ?? Number.NEGATIVE_INFINITY,
    };
    this.entries.set(url.href, entry);
    return entry;
  }

  private imported(entry: Entry, index: number, alg: AsymmetricAlgorithm): Promise<CryptoKey | null> {
    const id = `${index}:${alg}`;
    let key = entry.imported.get(id);
    if (!key) {
      key = importPublic(entry.jwks[index] as JWK, alg);
      entry.imported.set(id, key);
    }
    return key;
  }
}

/**
 * One code and one message for every way the keys can fail, so that a workflow (and whoever sent it the
 * token, should a builder ever build the URL from request data) cannot tell an unreachable host from a
 * status, a timeout or a body that is not JSON; the reason goes to the builder's log line only.
 */
function jwksUnavailable(reason: string): TokenError {
  return new TokenError(
    "jwks_unavailable",
    "The provider's keys (JWKS) could not be fetched or read.",
    reason,
  );
}

/** Positions of the keys a token's `kid` designates: those with that kid, or every key when it has none. */
function matching(jwks: readonly JWK[], kid: string | undefined): number[] {
  const indexes: number[] = [];
  jwks.forEach((jwk, index) => {
    if (kid === undefined || jwk.kid === kid) indexes.push(index);
  });
  return indexes;
}

/** Imports the public members only; null when the key is unreadable or an RSA key is too short or unsound. */
async function importPublic(jwk: JWK, alg: AsymmetricAlgorithm): Promise<CryptoKey | null> {
  try {
    // Whatever the endpoint publishes, only the public members are read; node checks them (an EC point
    // must be on its curve) before WebCrypto imports them.
    const key = createPublicKey({ key: publicMembers(jwk) as JsonWebKey, format: "jwk" });
    // jose refuses short RSA keys only when verifying, with an error that reads like a broken token.
    const bits = key.asymmetricKeyDetails?.modulusLength;
    if (
      bits !== undefined &&
      (bits < RSA_MIN_BITS || !isSoundRsaExponent(key.asymmetricKeyDetails?.publicExponent))
    )
      return null;
    return await importForJws(key, alg);
  } catch {
    return null;
  }
}
