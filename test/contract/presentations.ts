import type { RuntimeOptions } from "../../src/emulator/runtime.js";

/** Each way Bubble may present what it leaves undocumented; every contract case runs under each. */
export const PRESENTATIONS: Record<string, RuntimeOptions> = {
  "once/bubble-lists/null": { evaluate: "once", lists: "bubble", empty: null },
  "per-call/arrays/empty-string": { evaluate: "per-call", lists: "array", empty: "" },
  "once/arrays/undefined": { evaluate: "once", lists: "array", empty: undefined },
};
