/**
 * The test files that vitest runs in its own process and that test src/jwt or the shipped bundles: besides
 * test/jwt/*.test.ts (found on disk), these, which call the built actions/ in the Bubble runtime stand-in.
 * test/scenarios/unit-suites.ts runs them all again on Node 18 and Node 22.
 */
export const BUNDLE_SUITES: Readonly<Record<string, () => Promise<unknown>>> = {
  "interop-asymmetric.test.ts": () => import("../interop-asymmetric.test.js"),
  "interop-hmac.test.ts": () => import("../interop-hmac.test.js"),
  "recipe-supabase.test.ts": () => import("../recipe-supabase.test.js"),
};

export const UNIT_SUFFIX = ".test.ts";
