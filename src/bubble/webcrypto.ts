import { webcrypto } from "node:crypto";

/**
 * Bubble runs server-side actions on Node 18, which has neither the global `crypto` (WebCrypto) nor the
 * global `CryptoKey` that later versions have. jose needs the first. It also asks `instanceof CryptoKey`
 * of every asymmetric key it is handed as a KeyObject; without the global, that throws inside jose and
 * costs a caught exception twice per call (about 10 µs, a tenth of an ES256 verification). Install
 * Node's own implementations when, and only when, they are missing.
 */
export function ensureWebCrypto(): void {
  if (typeof globalThis.crypto === "undefined") install("crypto", webcrypto);
  if (typeof globalThis.CryptoKey === "undefined") install("CryptoKey", webcrypto.CryptoKey);
}

function install(name: string, value: unknown): void {
  Object.defineProperty(globalThis, name, { value, configurable: true, enumerable: false, writable: true });
}
