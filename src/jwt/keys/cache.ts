import { createHash } from "node:crypto";

/**
 * A small least-recently-used map. One warm runtime may serve many Bubble apps, each with its own keys,
 * so the key cache must stay bounded however many distinct keys pass through it.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(readonly capacity: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Re-insert so that Map's insertion order doubles as recency order.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * A cache key for key material: a fixed-size digest of the whole material, so a lookup among many
 * apps' keys costs one hash and one short comparison, and never a plugin key's caption, so two apps
 * with the same caption but different keys never share an entry. It is not a way of keeping the
 * material out of memory: the cached entries hold the plugin key's text (the recent tier compares it
 * in full), as the process holding the keys must anyway.
 */
export function materialCacheKey(...parts: string[]): string {
  // Length-prefixed, so ("ab", "c") and ("a", "bc") differ; one update, as this runs on every call.
  let framed = "";
  for (const part of parts) framed += `${part.length}:${part}`;
  return createHash("sha256").update(framed).digest("base64url");
}
