import { expect } from "vitest";

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
