import type { RuntimeOptions } from "../../src/emulator/runtime.js";

/**
 * The ways Bubble may present what it leaves undocumented (evaluation once or per call, lists as Bubble
 * lists or arrays, empty fields as null, undefined or ""). Its own module, so that test/contract.test.ts
 * can name them without importing (and so running) the scenario itself.
 */
export const PRESENTATIONS: Record<string, RuntimeOptions> = {
  "once/bubble-lists/null": { evaluate: "once", lists: "bubble", empty: null },
  "per-call/arrays/empty-string": { evaluate: "per-call", lists: "array", empty: "" },
  "once/arrays/undefined": { evaluate: "once", lists: "array", empty: undefined },
};
