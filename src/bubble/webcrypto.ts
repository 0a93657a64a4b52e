import { webcrypto } from "node:crypto";

/**
 * jose needs the global `crypto` (WebCrypto). Bubble runs the actions on Node 22, which has it, or on
 * Node 18 (for plugins that declare it), which has none unless started with a flag. Install Node's own
 * implementation when, and only when, it is missing: on Node 22 this is one `typeof` per call.
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
