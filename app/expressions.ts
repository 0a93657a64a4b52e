/**
 * Short constructors for the expressions and conditions of app/types.ts, so the definitions read like the
 * editor. Each returns plain data; nothing here is needed to read or change a definition.
 */
import type { Clause, Condition, Expression, Fields, SettingName } from "./types.js";

/** A workflow's or custom event's parameter. */
export const parameter = (key: string): Expression => ({ parameter: key });
/** Result of step N's field. */
export const result = (step: number, field: string): Expression => ({ result: step, field });
/** X's a's b. */
export const of = (thing: Expression, ...path: string[]): Expression => ({ thing, path });
export const currentDate: Expression = { currentDate: true };
export const currentUser: Expression = { currentUser: true };
export const yes: Expression = { literal: true };
export const no: Expression = { literal: false };
export const text = (value: string): Expression => ({ literal: value });
/** A number typed into a field; the local backend may take it from one of its settings. */
export const number = (value: number, setting?: SettingName): Expression =>
  setting ? { literal: value, setting } : { literal: value };

/** `left is right` as a one-clause condition. */
export const is = (left: Expression, right: Expression): Condition => ({
  first: { left, op: "is", right },
});
/** `x is yes`, `x is no`: the only kind of condition the session set uses. */
export const isYes = (value: Expression): Condition => is(value, yes);
export const isNo = (value: Expression): Condition => is(value, no);
export const isEmpty = (value: Expression): Condition => ({ first: { isEmpty: value } });

/** A condition of several clauses, joined left to right: chain(A, "or", B, "and", C). */
export function chain(first: Clause, ...rest: ("and" | "or" | Clause)[]): Condition {
  const joined: { join: "and" | "or"; clause: Clause }[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    const join = rest[i];
    const clause = rest[i + 1];
    if ((join !== "and" && join !== "or") || clause === undefined || typeof clause === "string")
      throw new Error("chain takes a clause, then pairs of and/or and a clause");
    joined.push({ join, clause });
  }
  return joined.length > 0 ? { first, rest: joined } : { first };
}

/** The same return values of one step, by name: `token`, `expires_at`, … of Result of step N. */
export function resultsOf(step: number, ...fields: string[]): Fields {
  return Object.fromEntries(fields.map((field) => [field, result(step, field)]));
}
