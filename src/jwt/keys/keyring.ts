import type { KeyObject } from "node:crypto";
import { calculateJwkThumbprint, type JWK } from "jose";
import {
  type Algorithm,
  type AsymmetricAlgorithm,
  HMAC_MIN_BYTES,
  type HmacAlgorithm,
  isHmac,
} from "../algorithms.js";
import { keyNeeded, parsePrivateKey, parsePublicKeys } from "./asymmetric.js";
import { LruCache, materialCacheKey } from "./cache.js";
import { KEY_NAMES, type KeyMaterial, keyError } from "./names.js";
import { parseHmacSecret } from "./secret.js";
import { importForJws } from "./webcrypto-import.js";

/** A key ready for jose: parsed, checked and imported once, reused by every later call with the same material. */
export interface ReadyKey {
  readonly key: CryptoKey;
  /** The `kid` this key is known by: its JWK's or service account's id, else (asymmetric) its RFC 7638 thumbprint. */
  readonly kid?: string | undefined;
  /** The public JWK (asymmetric keys only), for publishing in a JWKS. */
  readonly publicJwk?: JWK | undefined;
  /** The RFC 7638 thumbprint of the public JWK (asymmetric keys only): which key it is, whatever its kid. */
  readonly thumbprint?: string | undefined;
}

/** A private key read once; each half is imported when first asked for (a Generate never verifies, a Verify never signs). */
interface PrivateKeyEntry {
  readonly signer: () => Promise<ReadyKey>;
  /** The public half, for verifying when `Public Key` is empty. */
  readonly verifier: () => Promise<ReadyKey>;
}

/**
 * Loaded keys live in two tiers, each entry in one of them. The few most recent are found by comparing
 * their material in full: the common call (one app's keys, again and again) then never hashes it, nor
 * does a runtime's first call. Older entries move to a least-recently-used map keyed by a hash of the
 * material, so the number kept stays bounded however many apps share one warm runtime.
 */
interface Loaded {
  /** Kind, algorithm (and slot) and the plugin key's text. */
  readonly parts: string[];
  readonly loading: Promise<unknown>;
  /** The hashed tier's key, once computed. */
  hash?: string;
}

const RECENT_CAPACITY = 4;
// Enough for the keys of many apps sharing one warm runtime; each entry is a few hundred bytes.
const CACHE_CAPACITY = 256;
const recent: Loaded[] = [];
const older = new LruCache<Loaded>(CACHE_CAPACITY - RECENT_CAPACITY);

/**
 * The key that signs: `JWT Secret` for HS*, else `Private Key`. Never `Previous JWT Secret`.
 *
 * @throws {ConfigError} (rejects) `missing_key`, `weak_key`, `unreadable_key` or `wrong_key_kind`, naming the
 * plugin key when it is missing, too weak or does not fit `alg`.
 * @example
 * const key = await signingKey({ secret }, "HS256"); // the same ReadyKey on every later call with that secret
 */
export async function signingKey(material: KeyMaterial, alg: Algorithm): Promise<ReadyKey> {
  if (isHmac(alg)) return hmacKey(required(material.secret, "secret", alg), alg, "secret");
  return (await privateKey(required(material.privateKey, "privateKey", alg), alg)).signer();
}

/**
 * The keys a token may be signed with, most current first: `JWT Secret` then `Previous JWT Secret`
 * for HS*; else every key of `Public Key`, or the public half of `Private Key` when it is empty.
 *
 * @throws {ConfigError} (rejects) as signingKey, for whichever plugin key is read.
 * @example
 * const [current, previous] = await verificationKeys({ secret, previousSecret }, "HS256");
 */
export async function verificationKeys(material: KeyMaterial, alg: Algorithm): Promise<readonly ReadyKey[]> {
  if (isHmac(alg)) {
    const current = await hmacKey(required(material.secret, "secret", alg), alg, "secret");
    const previous = present(material.previousSecret);
    return previous ? [current, await hmacKey(previous, alg, "previousSecret")] : [current];
  }
  const publicKey = present(material.publicKey);
  if (publicKey) return publicKeys(publicKey, alg);
  const privateKeyText = present(material.privateKey);
  if (!privateKeyText) {
    throw keyError(
      "missing_key",
      KEY_NAMES.publicKey,
      `is empty (and so is ${KEY_NAMES.privateKey}); ${keyNeeded(alg, "public")} there to verify tokens.`,
    );
  }
  return [await (await privateKey(privateKeyText, alg)).verifier()];
}

/** Loads once per distinct (kind, algorithm, material); a failure is not kept, so a fixed key is read afresh. */
function cached<T>(parts: string[], load: () => Promise<T>): Promise<T> {
  const index = recent.findIndex((entry) => entry.parts.every((part, i) => part === parts[i]));
  if (index === 0) return (recent[0] as Loaded).loading as Promise<T>;
  let entry = index >= 0 ? recent.splice(index, 1)[0] : undefined;
  if (!entry && older.size > 0) {
    const hash = materialCacheKey(...parts);
    entry = older.get(hash);
    if (entry) older.delete(hash);
  }
  if (!entry) entry = startLoading(parts, load);
  recent.unshift(entry);
  const demoted = recent.length > RECENT_CAPACITY ? recent.pop() : undefined;
  if (demoted) {
    demoted.hash ??= materialCacheKey(...demoted.parts);
    older.set(demoted.hash, demoted);
  }
  return entry.loading as Promise<T>;
}

function startLoading(parts: string[], load: () => Promise<unknown>): Loaded {
  const entry: Loaded = { parts, loading: load() };
  entry.loading.catch(() => {
    const index = recent.indexOf(entry);
    if (index >= 0) recent.splice(index, 1);
    if (entry.hash !== undefined && older.get(entry.hash) === entry) older.delete(entry.hash);
  });
  return entry;
}

function hmacKey(raw: string, alg: HmacAlgorithm, slot: "secret" | "previousSecret"): Promise<ReadyKey> {
  return cached(["hmac", alg, slot, raw], async () => {
    const { bytes, kid } = parseHmacSecret(raw, alg, slot);
    const hash = `SHA-${alg.slice(2)}`;
    // Imported as a CryptoKey once: jose would re-import raw bytes on every call.
    const key = await crypto.subtle.importKey("raw", bytes as BufferSource, { name: "HMAC", hash }, false, [
      "sign",
      "verify",
    ]);
    return { key, kid };
  });
}

function privateKey(raw: string, alg: AsymmetricAlgorithm): Promise<PrivateKeyEntry> {
  return cached(["private", alg, raw], async () => {
    const parsed = parsePrivateKey(raw, alg);
    const publicJwk = parsed.publicJwk as JWK;
    const thumbprint = await calculateJwkThumbprint(publicJwk);
    const about = { kid: parsed.kid ?? thumbprint, publicJwk, thumbprint };
    const ready = (half: KeyObject) => once(async () => ({ ...about, key: await importForJws(half, alg) }));
    return { signer: ready(parsed.privateKey as KeyObject), verifier: ready(parsed.publicKey) };
  });
}

function publicKeys(raw: string, alg: AsymmetricAlgorithm): Promise<readonly ReadyKey[]> {
  return cached(["public", alg, raw], () =>
    Promise.all(
      parsePublicKeys(raw, alg).map(async ({ publicKey, publicJwk, kid }) => {
        const thumbprint = await calculateJwkThumbprint(publicJwk as JWK);
        return {
          key: await importForJws(publicKey, alg),
          kid: kid ?? thumbprint,
          publicJwk: publicJwk as JWK,
          thumbprint,
        };
      }),
    ),
  );
}

/** The first call's promise, for every call. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load();
    return loading;
  };
}

function present(value: string | undefined): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function required(value: string | undefined, slot: "secret" | "privateKey", alg: Algorithm): string {
  const text = present(value);
  if (text) return text;
  if (isHmac(alg)) {
    throw keyError(
      "missing_key",
      KEY_NAMES[slot],
      `is empty; ${alg} needs a random secret of at least ${HMAC_MIN_BYTES[alg]} bytes there (64 random characters from a password manager's generator are enough for every HS algorithm).`,
    );
  }
  throw keyError("missing_key", KEY_NAMES[slot], `is empty; ${keyNeeded(alg, "private")} there.`);
}
