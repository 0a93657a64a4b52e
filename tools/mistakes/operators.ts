/**
 * Every single plausible builder mistake, applied to the recommended app's definitions: each operator takes
 * the app and answers one mutant per place the mistake can be made. A mutant is the whole app with that one
 * mistake (a structured copy), and says in the editor's words what was done, so the table a builder reads
 * names the step and the click.
 *
 * Steps refer to earlier steps by number ("Result of step 2's ok"). In Bubble a reference follows its step
 * when steps are deleted or moved, and one to a deleted or later step is empty at run time (the editor marks
 * it red). So a mutant renumbers the references and turns one to a step that is gone into an empty value.
 */
import {
  describeClause,
  describeCondition,
  describeExpression,
  stepLabel as editorLabel,
} from "../../app/describe.js";
import type {
  ApiWorkflow,
  AppDefinition,
  Clause,
  Condition,
  CustomEvent,
  Expression,
  Search,
  Step,
  ValueType,
} from "../../app/types.js";

/** The operators, in the order the table lists them. */
export const OPERATORS = [
  "drop a step",
  "drop a Terminate",
  "drop an Only when",
  "negate an Only when",
  "swap two adjacent steps",
  "wire a neighbouring value of the same type",
  "leave Ignore privacy rules unticked",
  "flip Ignore empty constraints",
  "untick run without authentication",
] as const;

export type Operator = (typeof OPERATORS)[number];

export interface Mutant {
  readonly operator: Operator;
  /** The API workflow or custom event changed. */
  readonly workflow: string;
  /** The step changed (1-based), when the mistake is in one step. */
  readonly step?: number;
  /** The mistake in the editor's words: "step 4 (Terminate this workflow) deleted". */
  readonly mistake: string;
  readonly app: AppDefinition;
}

/** The type of each return value of a plugin action, by the action's display name (from its params.json). */
export type ReturnTypes = (action: string) => ReadonlyMap<string, ValueType> | undefined;

/** A workflow or custom event: both have numbered steps. */
type Container = ApiWorkflow | CustomEvent;

/** Every mutant of every operator, in a stable order. */
export function mutants(app: AppDefinition, returnTypes: ReturnTypes): Mutant[] {
  return [
    ...stepMutants(app),
    ...conditionMutants(app),
    ...swapMutants(app),
    ...neighbourMutants(app, returnTypes),
    ...settingMutants(app),
    ...searchMutants(app),
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Containers and rebuilding the app with one of them replaced.

function containers(app: AppDefinition): Container[] {
  return [...app.customEvents, ...app.workflows];
}

function isEvent(app: AppDefinition, container: Container): container is CustomEvent {
  return app.customEvents.some((event) => event.name === container.name);
}

function replaced(app: AppDefinition, changed: Container): AppDefinition {
  const copy = structuredClone(app) as { -readonly [K in keyof AppDefinition]: AppDefinition[K] };
  if (isEvent(app, changed))
    copy.customEvents = app.customEvents.map((event) =>
      event.name === changed.name ? structuredClone(changed as CustomEvent) : structuredClone(event),
    );
  else
    copy.workflows = app.workflows.map((workflow) =>
      workflow.name === changed.name ? structuredClone(changed as ApiWorkflow) : structuredClone(workflow),
    );
  return copy;
}

function withSteps(container: Container, steps: readonly Step[]): Container {
  return { ...container, steps };
}

// ---------------------------------------------------------------------------------------------------------
// Walking the expressions of a step.

/** Applies `map` to every expression of a step, innermost first, and rebuilds the step. */
export function mapStep(step: Step, map: (expression: Expression) => Expression): Step {
  const expression = (value: Expression): Expression => map(inner(value));
  const inner = (value: Expression): Expression => {
    if ("thing" in value) return { ...value, thing: expression(value.thing) };
    if ("join" in value) return { join: value.join.map(expression) };
    if ("search" in value) return { search: search(value.search) };
    return value;
  };
  const search = (value: Search): Search => ({
    ...value,
    constraints: value.constraints.map((constraint) => ({
      ...constraint,
      value: expression(constraint.value),
    })),
  });
  const fields = (values: Readonly<Record<string, Expression>>) =>
    Object.fromEntries(Object.entries(values).map(([name, value]) => [name, expression(value)]));
  const clause = (value: Clause): Clause => {
    if ("isEmpty" in value) return { isEmpty: expression(value.isEmpty) };
    if ("isNotEmpty" in value) return { isNotEmpty: expression(value.isNotEmpty) };
    return { ...value, left: expression(value.left), right: expression(value.right) };
  };
  const condition = (value: Condition): Condition => ({
    first: clause(value.first),
    ...(value.rest ? { rest: value.rest.map((item) => ({ ...item, clause: clause(item.clause) })) } : {}),
  });

  const base = step.onlyWhen ? { ...step, onlyWhen: condition(step.onlyWhen) } : { ...step };
  switch (base.kind) {
    case "plugin":
    case "createThing":
      return { ...base, fields: fields(base.fields) };
    case "makeChanges":
      return { ...base, thing: expression(base.thing), fields: fields(base.fields) };
    case "signUp":
    case "logIn":
      return { ...base, email: expression(base.email), password: expression(base.password) };
    case "triggerCustomEvent":
      return { ...base, parameters: fields(base.parameters) };
    case "returnData":
      return { ...base, values: fields(base.values) };
    case "yourWork":
      return { ...base, user: expression(base.user) };
    case "terminate":
      return base;
  }
}

/** Every expression of a step (visited by mapStep), outermost last. */
function expressionsOf(step: Step): Expression[] {
  const found: Expression[] = [];
  mapStep(step, (expression) => {
    found.push(expression);
    return expression;
  });
  return found;
}

/** The empty value a reference to a deleted step or a later step evaluates to. */
const EMPTY: Expression = { literal: null };

/** Renumbers "Result of step N" references; `to` answers the new number, or undefined when the step is gone. */
function renumbered(step: Step, to: (from: number) => number | undefined): Step {
  return mapStep(step, (expression) => {
    if (!("result" in expression)) return expression;
    const target = to(expression.result);
    return target === undefined ? EMPTY : { ...expression, result: target };
  });
}

// ---------------------------------------------------------------------------------------------------------
// The operators.

/** Deleting a step (a Terminate is its own operator: the table shows the two apart). */
function stepMutants(app: AppDefinition): Mutant[] {
  const found: Mutant[] = [];
  for (const container of containers(app)) {
    container.steps.forEach((dropped, index) => {
      const number = index + 1;
      const steps = container.steps
        .filter((_, other) => other !== index)
        .map((step) =>
          renumbered(step, (from) => (from === number ? undefined : from > number ? from - 1 : from)),
        );
      const terminate = dropped.kind === "terminate";
      found.push({
        operator: terminate ? "drop a Terminate" : "drop a step",
        workflow: container.name,
        step: number,
        mistake: `step ${number} (${stepLabel(dropped)}) deleted`,
        app: replaced(app, withSteps(container, steps)),
      });
    });
  }
  return found;
}

/** Each Only when deleted, and each of its clauses negated as a builder would: the other choice in the editor. */
function conditionMutants(app: AppDefinition): Mutant[] {
  const found: Mutant[] = [];
  for (const container of containers(app)) {
    container.steps.forEach((step, index) => {
      const condition = step.onlyWhen;
      if (!condition) return;
      const number = index + 1;
      const change = (onlyWhen: Condition | undefined, operator: Operator, mistake: string) => {
        const { onlyWhen: _, ...rest } = step;
        const changed = (onlyWhen ? { ...rest, onlyWhen } : rest) as Step;
        const steps = container.steps.map((other, at) => (at === index ? changed : other));
        found.push({
          operator,
          workflow: container.name,
          step: number,
          mistake,
          app: replaced(app, withSteps(container, steps)),
        });
      };
      const label = `step ${number} (${stepLabel(step)})`;
      change(undefined, "drop an Only when", `${label}: Only when "${describeCondition(condition)}" deleted`);
      const clauses = [condition.first, ...(condition.rest ?? []).map((item) => item.clause)];
      clauses.forEach((clause, at) => {
        const negated = negate(clause);
        const onlyWhen: Condition =
          at === 0
            ? { ...condition, first: negated }
            : {
                ...condition,
                rest: (condition.rest ?? []).map((item, r) =>
                  r === at - 1 ? { ...item, clause: negated } : item,
                ),
              };
        change(
          onlyWhen,
          "negate an Only when",
          `${label}: Only when "${describeClause(clause)}" written "${describeClause(negated)}"`,
        );
      });
    });
  }
  return found;
}

/** The other choice a builder would make: `is yes` ↔ `is no`, `is` ↔ `is not`, `is empty` ↔ `is not empty`. */
export function negate(clause: Clause): Clause {
  if ("isEmpty" in clause) return { isNotEmpty: clause.isEmpty };
  if ("isNotEmpty" in clause) return { isEmpty: clause.isNotEmpty };
  if ("literal" in clause.right && typeof clause.right.literal === "boolean")
    return { ...clause, right: { literal: !clause.right.literal } };
  const opposite = { is: "is not", "is not": "is", "<": ">=", ">=": "<", ">": "<=", "<=": ">" } as const;
  return { ...clause, op: opposite[clause.op] };
}

/** Steps i and i + 1 exchanged (a drag in the editor); references follow their steps. */
function swapMutants(app: AppDefinition): Mutant[] {
  const found: Mutant[] = [];
  for (const container of containers(app)) {
    for (let index = 0; index + 1 < container.steps.length; index++) {
      const [a, b] = [index + 1, index + 2];
      const first = container.steps[index] as Step;
      const second = container.steps[index + 1] as Step;
      if (JSON.stringify(first) === JSON.stringify(second)) continue;
      const move = (from: number) => (from === a ? b : from === b ? a : from);
      const steps = container.steps.map((step) => renumbered(step, move));
      [steps[index], steps[index + 1]] = [steps[index + 1] as Step, steps[index] as Step];
      // A step now before the one it reads gets empty: Bubble evaluates a later step's result as empty.
      const fixed = steps.map((step, at) => renumbered(step, (from) => (from >= at + 1 ? undefined : from)));
      found.push({
        operator: "swap two adjacent steps",
        workflow: container.name,
        step: a,
        mistake: `steps ${a} (${stepLabel(first)}) and ${b} (${stepLabel(second)}) swapped`,
        app: replaced(app, withSteps(container, fixed)),
      });
    }
  }
  return found;
}

/**
 * "Result of step N's X" wired as another return value of step N with the same type (the next line in the
 * editor's drop-down), and a thing's field X as another field of that thing with the same type.
 */
function neighbourMutants(app: AppDefinition, returnTypes: ReturnTypes): Mutant[] {
  const found: Mutant[] = [];
  for (const container of containers(app)) {
    container.steps.forEach((step, index) => {
      const number = index + 1;
      const candidates = expressionsOf(step);
      candidates.forEach((target, position) => {
        for (const [field, type] of neighbours(app, container, target, returnTypes)) {
          let seen = -1;
          const changed = mapStep(step, (expression) => {
            seen++;
            return seen === position ? rewire(expression, field) : expression;
          });
          const steps = container.steps.map((other, at) => (at === index ? changed : other));
          found.push({
            operator: "wire a neighbouring value of the same type",
            workflow: container.name,
            step: number,
            mistake: `step ${number} (${stepLabel(step)}): ${describeExpression(target)} wired as ${describeExpression(
              rewire(target, field),
            )} (${type})`,
            app: replaced(app, withSteps(container, steps)),
          });
        }
      });
    });
  }
  return found;
}

function rewire(expression: Expression, field: string): Expression {
  if ("result" in expression) return { ...expression, field };
  if ("thing" in expression) return { ...expression, path: [...expression.path.slice(0, -1), field] };
  return expression;
}

/** The other values of the same type that could be picked in place of `expression`'s last field. */
function neighbours(
  app: AppDefinition,
  container: Container,
  expression: Expression,
  returnTypes: ReturnTypes,
): [string, ValueType][] {
  let fields: ReadonlyMap<string, ValueType> | undefined;
  let current: string | undefined;
  if ("result" in expression) {
    fields = resultFields(app, container.steps[expression.result - 1], returnTypes);
    current = expression.field;
  } else if ("thing" in expression && expression.path.length > 0) {
    const owner = typeOf(
      app,
      container,
      { thing: expression.thing, path: expression.path.slice(0, -1) },
      returnTypes,
    );
    fields = owner ? thingFields(app, owner) : undefined;
    current = expression.path[expression.path.length - 1];
  }
  const type = current === undefined ? undefined : fields?.get(current);
  if (!fields || type === undefined) return [];
  return [...fields].filter(([name, other]) => name !== current && other === type);
}

/** What "Result of step N's …" offers, with each value's type. */
function resultFields(
  app: AppDefinition,
  step: Step | undefined,
  returnTypes: ReturnTypes,
): ReadonlyMap<string, ValueType> | undefined {
  switch (step?.kind) {
    case "plugin":
      return returnTypes(step.action);
    case "triggerCustomEvent": {
      const event = app.customEvents.find((candidate) => candidate.name === step.event);
      return event ? new Map(event.returns.map((value) => [value.key, value.type])) : undefined;
    }
    case "signUp":
      return new Map([["user", "User"]]);
    case "yourWork":
      return new Map([
        ["user", "User"],
        ["parameters", "text"],
      ]);
    default:
      return undefined;
  }
}

/** A data type's fields with their types, including the three every thing has. */
function thingFields(app: AppDefinition, type: string): ReadonlyMap<string, ValueType> | undefined {
  const data = app.dataTypes.find((candidate) => candidate.name === type);
  if (!data) return undefined;
  return new Map<string, ValueType>([
    ...data.fields.map((field) => [field.name, field.type] as [string, ValueType]),
    ["unique id", "text"],
    ["Created Date", "date"],
    ["Modified Date", "date"],
  ]);
}

/** The type of an expression when it is a thing or a thing's field; undefined when not known. */
function typeOf(
  app: AppDefinition,
  container: Container,
  expression: Expression,
  returnTypes: ReturnTypes,
): ValueType | undefined {
  if ("result" in expression)
    return resultFields(app, container.steps[expression.result - 1], returnTypes)?.get(expression.field);
  if ("currentUser" in expression) return "User";
  if ("search" in expression)
    return expression.search.take === "first item" ? expression.search.type : undefined;
  if ("thing" in expression) {
    let type = typeOf(app, container, expression.thing, returnTypes);
    for (const field of expression.path) type = type ? thingFields(app, type)?.get(field) : undefined;
    return type;
  }
  return undefined;
}

/** Each API workflow with "Ignore privacy rules" or "run without authentication" unticked. */
function settingMutants(app: AppDefinition): Mutant[] {
  const found: Mutant[] = [];
  for (const workflow of app.workflows) {
    const change = (
      operator: Operator,
      key: "ignorePrivacyRules" | "runWithoutAuthentication",
      box: string,
    ) => {
      if (!workflow.settings[key]) return;
      found.push({
        operator,
        workflow: workflow.name,
        mistake: `"${box}" unticked`,
        app: replaced(app, { ...workflow, settings: { ...workflow.settings, [key]: false } }),
      });
    };
    change(
      "leave Ignore privacy rules unticked",
      "ignorePrivacyRules",
      "Ignore privacy rules when running the workflow",
    );
    change(
      "untick run without authentication",
      "runWithoutAuthentication",
      "This workflow can be run without authentication",
    );
  }
  return found;
}

/** Each search with its "Ignore empty constraints" box the other way. */
function searchMutants(app: AppDefinition): Mutant[] {
  const found: Mutant[] = [];
  for (const container of containers(app)) {
    container.steps.forEach((step, index) => {
      const searches = expressionsOf(step).filter((expression) => "search" in expression).length;
      for (let which = 0; which < searches; which++) {
        let seen = -1;
        let before = true;
        const changed = mapStep(step, (expression) => {
          if (!("search" in expression)) return expression;
          seen++;
          if (seen !== which) return expression;
          before = expression.search.ignoreEmptyConstraints !== false;
          return { search: { ...expression.search, ignoreEmptyConstraints: !before } };
        });
        const steps = container.steps.map((other, at) => (at === index ? changed : other));
        found.push({
          operator: "flip Ignore empty constraints",
          workflow: container.name,
          step: index + 1,
          mistake: `step ${index + 1} (${stepLabel(step)}): "Ignore empty constraints" ${before ? "unticked" : "ticked"}`,
          app: replaced(app, withSteps(container, steps)),
        });
      }
    });
  }
  return found;
}

/** A step as the mistakes table names it: the editor's title, with the fields a write or Return data sets. */
function stepLabel(step: Step): string {
  if (step.kind === "makeChanges") return `Make changes to ${Object.keys(step.fields).join(", ")}`;
  if (step.kind === "returnData") return `Return data ${Object.keys(step.values).join(", ")}`;
  return editorLabel(step);
}

/** The workflows a request to `workflow` runs: itself and the custom events its steps trigger. */
export function runsOf(app: AppDefinition, workflow: string): Set<string> {
  const found = new Set<string>();
  const visit = (name: string) => {
    if (found.has(name)) return;
    found.add(name);
    const container = containers(app).find((candidate) => candidate.name === name);
    for (const step of container?.steps ?? []) if (step.kind === "triggerCustomEvent") visit(step.event);
  };
  visit(workflow);
  return found;
}
