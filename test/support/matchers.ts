import { expect } from "vitest";

/** Turns `{ $match: "regex" }` placeholders of a case's expectation into vitest matchers, at any depth. */
export function matching(expected: unknown): unknown {
  if (Array.isArray(expected)) return expected.map(matching);
  if (expected && typeof expected === "object") {
    const record = expected as Record<string, unknown>;
    if (typeof record.$match === "string" && Object.keys(record).length === 1) {
      return expect.stringMatching(new RegExp(record.$match));
    }
    return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, matching(value)]));
  }
  return expected;
}
