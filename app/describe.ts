/**
 * Expressions, conditions and steps in the words of Bubble's editor ("Result of step 2's rotate is yes"),
 * for the generated guide and for the notes of the local backend's request records.
 */
import type { Clause, Condition, Expression, Step } from "./types.js";

/** An expression as the editor shows it. */
export function describeExpression(expression: Expression): string {
  if ("literal" in expression) {
    const { literal } = expression;
    if (literal === null) return "(empty)";
    if (typeof literal === "boolean") return literal ? "yes" : "no";
    if (typeof literal === "number") return String(literal);
    return `"${literal}"`;
  }
  if ("parameter" in expression) return expression.parameter;
  if ("result" in expression) return `Result of step ${expression.result}'s ${expression.field}`;
  if ("currentDate" in expression) return "Current date/time";
  if ("currentUser" in expression) return "Current User";
  if ("thing" in expression) return [describeExpression(expression.thing), ...expression.path].join("'s ");
  if ("join" in expression) return expression.join.map(describeExpression).join(" then ");
  const { search } = expression;
  const constraints = search.constraints
    .map(({ field, op, value }) => `${field} ${opWord(op)} ${describeExpression(value)}`)
    .join(", ");
  const take = search.take === "first item" ? ":first item" : `:each item's ${search.take.each}`;
  const empty = search.ignoreEmptyConstraints === false ? ", Ignore empty constraints unticked" : "";
  return `Search for ${search.type}s (${constraints}${empty})${take}`;
}

function opWord(op: string): string {
  return op === "is" ? "=" : op === "is not" ? "≠" : op;
}

export function describeClause(clause: Clause): string {
  if ("isEmpty" in clause) return `${describeExpression(clause.isEmpty)} is empty`;
  if ("isNotEmpty" in clause) return `${describeExpression(clause.isNotEmpty)} is not empty`;
  return `${describeExpression(clause.left)} ${clause.op} ${describeExpression(clause.right)}`;
}

/** A condition as the editor shows it: clauses and joins in a row, no parentheses (there are none). */
export function describeCondition(condition: Condition): string {
  return [
    describeClause(condition.first),
    ...(condition.rest ?? []).map(({ join, clause }) => `${join} ${describeClause(clause)}`),
  ].join(" ");
}

/** The number of clauses of a condition. */
export function clauseCount(condition: Condition): number {
  return 1 + (condition.rest?.length ?? 0);
}

/** A step's title in the workflow editor. */
export function stepLabel(step: Step, inCustomEvent = false): string {
  switch (step.kind) {
    case "plugin":
      return step.action;
    case "signUp":
      return "Sign the user up";
    case "logIn":
      return "Log the user in";
    case "triggerCustomEvent":
      return `Trigger ${step.event}`;
    case "createThing":
      return `Create a new ${step.type}`;
    case "makeChanges":
      return `Make changes to ${describeExpression(step.thing)}`;
    case "returnData":
      return inCustomEvent ? "Return data" : "Return data from API";
    case "terminate":
      return "Terminate this workflow";
    case "yourWork":
      return "Your work";
  }
}
