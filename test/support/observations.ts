import { describe, expect, it } from "vitest";
import { matching } from "./matchers.js";
import type { NodeRuntime } from "./runtimes.js";

interface ObservedCall {
  values?: unknown;
  logs?: unknown[];
  leaks: unknown[];
}

/** Every observation of an action call anywhere in a scenario's report (each carries `leaks`). */
export function collectObservations(value: unknown, found: ObservedCall[] = []): ObservedCall[] {
  if (value && typeof value === "object") {
    if (Array.isArray((value as ObservedCall).leaks)) found.push(value as ObservedCall);
    for (const child of Object.values(value)) collectObservations(child, found);
  }
  return found;
}

/**
 * The contract's logging and secrecy rules over a whole report: every call that returned wrote exactly
 * one log line, and no call leaked a token or key anywhere. `atLeast` guards against an empty report.
 */
export function expectEveryCallClean(report: unknown, atLeast: number): void {
  const calls = collectObservations(report);
  expect(calls.length).toBeGreaterThan(atLeast);
  for (const call of calls) {
    expect(call.leaks).toEqual([]);
    if (call.values) expect(call.logs).toHaveLength(1);
  }
}

/** What a scenario observed for one case matches the case's expectation (see test/support/matchers.ts). */
export function expectObserved(observed: unknown, expected: Record<string, unknown>): void {
  expect(observed).not.toHaveProperty("scenarioError");
  expect(observed).toMatchObject(matching(expected) as Record<string, unknown>);
}

/**
 * Declares one vitest test per presentation × group × case, each asserting the report entry the
 * scenario wrote under `${presentation} | ${group} | ${case name}`.
 */
export function caseTests(
  report: () => Record<string, unknown>,
  presentations: readonly string[],
  groups: Record<string, readonly { readonly name: string; readonly expect: Record<string, unknown> }[]>,
): void {
  for (const presentation of presentations) {
    for (const [group, cases] of Object.entries(groups)) {
      describe(`${presentation} | ${group}`, () => {
        for (const c of cases) {
          it(c.name, () => expectObserved(report()[`${presentation} | ${group} | ${c.name}`], c.expect));
        }
      });
    }
  }
}

/**
 * The scenario ran on the Node it was meant for; on Node 18 the plugin brought WebCrypto itself, and on
 * Node 22 it left the native one in place.
 */
export function expectRanOn(report: Record<string, unknown>, runtime: NodeRuntime): void {
  expect(report.node).toBe(`v${runtime.version}`);
  expect(report.cryptoBefore).toBe(runtime.name === "node18" ? "undefined" : "object");
  expect(report.cryptoAfter).toBe("object");
  expect(report.cryptoKept).toBe(runtime.name !== "node18");
}
