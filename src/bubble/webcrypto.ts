import { webcrypto } from "node:crypto";

/**
 * Bubble runs server-side actions on Node 18, which has no global `crypto` (WebCrypto) unless started
 * with a flag; jose needs it. Install Node's own implementation when, and only when, it is missing.
 */
export function ensureWebCrypto(): void {
  if (typeof globalThis.crypto === "undefined") {
    Object.defineProperty(globalThis, "crypto", {
      value: webcrypto,
      configurable: true,
      enumerable: false,
      writable: true,
    });
  }
}
