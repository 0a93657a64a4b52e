/**
 * Runs the app's workflow definitions (app/) with Bubble's semantics, one step at a time:
 * - conditions strictly left to right, no precedence (`A or B and C` is `(A or B) and C`);
 * - a search ignores a constraint whose value is empty unless its "Ignore empty constraints" is unticked,
 *   and finds nothing of a type whose privacy rules hide it unless the workflow ignores privacy rules;
 * - every search and write is its own statement: no transaction around a workflow, so simultaneous
 *   requests interleave as they do on Bubble's servers;
 * - Only when, Terminate this workflow, Return data, custom events with their return values;
 * - plugin steps run the built actions through the Bubble runtime stand-in; Bubble's own Sign the user up
 *   and Log the user in are accounts.ts.
 * Each request yields a RequestRecord's steps and cost (request-record.ts). Where Bubble's behaviour is not
 * documented, InterpreterOptions lets a caller run either way.
 */
import { describeCondition, stepLabel } from "../../app/describe.js";
import type {
  ApiWorkflow,
  AppDefinition,
  Clause,
  Comparison,
  Condition,
  CustomEvent,
  Expression,
  Fields,
  Parameter,
  Step,
} from "../../app/types.js";
import { LOCKOUT, logIn, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, signUp } from "./accounts.js";
import { type AppDatabase, type Stored, THINGS, type ThingRow, type ThingType } from "./database.js";
import { HttpError, type Parameters } from "./request-body.js";
import type { RequestCost, StepRecord } from "./request-record.js";
import { workloadUnits } from "./workload.js";

/** The lifetimes and windows a literal of the definitions may take from the local backend's settings. */
export interface Settings {
  /** Session flow: the access token's `expires_in`. */
  readonly accessTokenTtlSeconds: number;
  /** Session flow: the refresh token's `refresh_expires_in` (its idle limit). */
  readonly refreshTokenTtlSeconds: number;
  /** Session flow: how long after a rotation the same refresh token may be presented again (a retry). */
  readonly refreshRetryWindowSeconds: number;
  /** One-token flow: `expires_in` of token-login and token-refresh. */
  readonly tokenTtlSeconds: number;
  /** One-token flow: token-refresh's `grace_period`. */
  readonly refreshGraceSeconds: number;
}

/** Bubble behaviour its manual leaves open; the designs must hold either way. */
export interface InterpreterOptions {
  /**
   * Whether "Return data from API" ends the workflow. Default "continues": the answer is the first Return
   * data's, and later steps still run (the stricter assumption for security: nothing is skipped by it).
   */
  readonly returnData?: "continues" | "ends";
  /**
   * What "Make changes to a thing" does with an empty thing. Default "fails": the step fails and the
   * workflow stops with a server error; "skipped": nothing is written and the workflow goes on.
   */
  readonly emptyThingChange?: "fails" | "skipped";
}

/** What one run can use: the app's definitions and data, the plugin's actions, the clock. */
export interface RunContext {
  readonly app: AppDefinition;
  readonly database: AppDatabase;
  /** Runs one plugin action with these inputs (by field name); its return values and log lines. */
  readonly plugin: (
    action: string,
    inputs: Record<string, unknown>,
  ) => Promise<{ values: Record<string, unknown>; logs: readonly string[] }>;
  readonly now: () => number;
  readonly settings: Settings;
  readonly options?: InterpreterOptions;
}

/** How one request's workflow went. */
export interface RunResult {
  /** The answer's `response` ("Return data from API"; empty when none ran), or undefined when a step failed. */
  readonly response: Record<string, unknown> | undefined;
  /** "ok", the answer's error_code, or "server_error" when a step failed. */
  readonly outcome: string;
  /** When a step failed: its message (the plugin's messages name the field or key, never a value). */
  readonly failure?: string;
  readonly steps: readonly StepRecord[];
  readonly cost: RequestCost;
  /** The plugin actions' own log lines. */
  readonly logs: readonly string[];
  readonly userId?: string;
  readonly sessionId?: string;
}

/** A thing as a workflow holds it: its type, unique id and fields as read when it was found. */
interface Thing {
  readonly kind: "thing";
  readonly type: ThingType;
  readonly row: ThingRow;
}

/** Your work's echo of the request's other parameters: a JSON object the answer carries as it is. */
interface Echo {
  readonly kind: "echo";
  readonly value: Record<string, unknown>;
}

type Value = string | number | boolean | Date | Thing | Echo | readonly Value[] | null;

/** A step stopped the workflow: Bubble's own refusal (login, signup) or a failure. */
class Stop extends Error {
  constructor(readonly how: { refusal: { code: string; message: string } } | { failure: string }) {
    super("workflow stopped");
  }
}

/** "Terminate this workflow" (or a Return data that ends it): stops the event being run. */
class Terminated extends Error {}

const ACCOUNT_MESSAGES: Readonly<Record<string, string>> = {
  invalid_email: "The email is not a valid address.",
  weak_password: `The password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long.`,
  email_taken: "An account with this email already exists; log in instead.",
  invalid_credentials: "The email or password is not correct.",
  too_many_attempts: `Too many failed logins for this email; wait ${LOCKOUT.lockMs / 60_000} minutes and try again.`,
};

/** One run's state: what was counted, recorded, answered. */
class Run {
  readonly steps: StepRecord[] = [];
  readonly logs: string[] = [];
  actions = 0;
  pluginCalls = 0;
  pluginMs = 0;
  searches = 0;
  thingsReturned = 0;
  writes = 0;
  answer: Record<string, unknown> | undefined;
  currentUser: Thing | null = null;

  constructor(
    readonly context: RunContext,
    readonly workflow: ApiWorkflow,
    readonly parameters: Parameters,
  ) {}

  get options(): Required<InterpreterOptions> {
    return {
      returnData: this.context.options?.returnData ?? "continues",
      emptyThingChange: this.context.options?.emptyThingChange ?? "fails",
    };
  }

  cost(): RequestCost {
    return {
      actions: this.pluginCalls,
      searches: this.searches,
      writes: this.writes,
      wu: workloadUnits(this),
    };
  }
}

/** One event being run (the API workflow, or a custom event it triggered): its parameters and results. */
interface Frame {
  readonly run: Run;
  readonly prefix: string;
  readonly inCustomEvent: boolean;
  readonly parameters: Readonly<Record<string, Value>>;
  readonly results: Map<number, Readonly<Record<string, Value>>>;
  /** A custom event's return values, as its Return data step set them. */
  returned?: Record<string, Value>;
}

/**
 * Runs the API workflow `name` with a request's parameters. Rejects with an HttpError when the workflow
 * does not exist (404) or a parameter is missing (400 MISSING_DATA) or of the wrong type (400
 * INVALID_DATA), as Bubble answers before any step runs; any later problem is in the result.
 */
export async function runWorkflow(
  context: RunContext,
  name: string,
  parameters: Parameters,
): Promise<RunResult> {
  const workflow = context.app.workflows.find((candidate) => candidate.name === name);
  if (!workflow) throw new HttpError(404, "NOT_FOUND", `Workflow not found: ${name}.`);
  const run = new Run(context, workflow, parameters);
  const frame: Frame = {
    run,
    prefix: "",
    inCustomEvent: false,
    parameters: readParameters(workflow, parameters),
    results: new Map(),
  };
  let stopped: Stop | undefined;
  try {
    await runSteps(frame, workflow.steps);
  } catch (error) {
    if (error instanceof Stop) stopped = error;
    else if (!(error instanceof Terminated)) throw error;
  }
  const base = {
    steps: run.steps,
    cost: run.cost(),
    logs: run.logs,
    userId: run.currentUser?.row.id,
  };
  const how = stopped?.how;
  if (how && "failure" in how)
    return { ...base, response: undefined, outcome: "server_error", failure: how.failure };
  const response: Record<string, unknown> = how
    ? { error_code: how.refusal.code, error_message: how.refusal.message }
    : (run.answer ?? {});
  const code = response.error_code;
  return {
    ...base,
    response,
    outcome: typeof code === "string" && code !== "" ? code : "ok",
    userId: idLike(response.user_id) ?? base.userId,
    sessionId: idLike(response.session_id) ?? idLike(parameters.session_id),
  };
}

/** An id for the record, when the value looks like one (never a token: those have dots and are long). */
function idLike(value: unknown): string | undefined {
  return typeof value === "string" && /^[\w-]{1,80}$/.test(value) ? value : undefined;
}

/** The declared parameters of a request, as Bubble checks them; undeclared ones stay for your work. */
function readParameters(event: ApiWorkflow, parameters: Parameters): Record<string, Value> {
  const values: Record<string, Value> = {};
  for (const parameter of event.parameters) {
    const raw = Object.hasOwn(parameters, parameter.key) ? parameters[parameter.key] : undefined;
    const empty = raw === undefined || raw === null || raw === "";
    if (empty && !parameter.optional)
      throw new HttpError(
        400,
        "MISSING_DATA",
        `Missing parameter for workflow ${event.name}: parameter ${parameter.key}`,
      );
    values[parameter.key] = empty ? null : checkedParameter(event.name, parameter, raw);
  }
  return values;
}

function checkedParameter(workflow: string, parameter: Parameter, raw: unknown): Value {
  const wrong = (what: string) =>
    new HttpError(
      400,
      "INVALID_DATA",
      `Invalid data for workflow ${workflow}: parameter ${parameter.key} must be ${what}`,
    );
  switch (parameter.type) {
    case "text":
      if (typeof raw !== "string") throw wrong("text");
      return raw;
    case "number": {
      const value = typeof raw === "string" ? Number(raw) : raw;
      if (typeof value !== "number" || !Number.isFinite(value)) throw wrong("a number");
      return value;
    }
    case "yes/no":
      if (raw === true || raw === "true" || raw === "yes") return true;
      if (raw === false || raw === "false" || raw === "no") return false;
      throw wrong("yes or no");
    default:
      throw wrong(parameter.type);
  }
}

async function runSteps(frame: Frame, steps: readonly Step[]): Promise<void> {
  const { run } = frame;
  for (const [i, step] of steps.entries()) {
    const index = `${frame.prefix}${i + 1}`;
    const label = stepLabel(step, frame.inCustomEvent);
    // The step's place in the record is taken before it runs, so a custom event's steps follow it.
    const slot = run.steps.push({ index, label, status: "ran" }) - 1;
    const record = (status: StepRecord["status"], note?: string) => {
      run.steps[slot] = note === undefined ? { index, label, status } : { index, label, status, note };
    };
    try {
      // A condition that cannot be evaluated (a field read from something that is not a thing) fails the
      // step like any other error in it.
      if (step.onlyWhen && !(await condition(frame, step.onlyWhen))) {
        record("skipped", `Only when ${describeCondition(step.onlyWhen)}: no`);
        continue;
      }
      if (step.kind !== "yourWork") run.actions++;
      if (step.kind === "terminate") {
        record("terminated");
        throw new Terminated();
      }
      const outcome = await runStep(frame, step, i + 1);
      record(outcome.status ?? "ran", outcome.note);
      if (outcome.ends) throw new Terminated();
    } catch (error) {
      if (error instanceof Terminated) throw error;
      if (error instanceof Stop) {
        record("failed", "refusal" in error.how ? error.how.refusal.code : error.how.failure);
        throw error;
      }
      const message = error instanceof Error ? error.message : String(error);
      record("failed", message);
      throw new Stop({ failure: message });
    }
  }
}

interface StepOutcome {
  readonly status?: StepRecord["status"];
  readonly note?: string;
  /** The workflow ends after this step (Return data, when InterpreterOptions say so). */
  readonly ends?: boolean;
}

async function runStep(frame: Frame, step: Step, number: number): Promise<StepOutcome> {
  const { run } = frame;
  const { context } = run;
  switch (step.kind) {
    case "plugin": {
      const inputs: Record<string, unknown> = {};
      for (const [field, expression] of Object.entries(step.fields)) {
        const value = toPluginInput(await evaluate(frame, expression));
        if (value !== undefined) inputs[field] = value;
      }
      run.pluginCalls++;
      const started = performance.now();
      const { values, logs } = await context.plugin(step.action, inputs);
      run.pluginMs += performance.now() - started;
      run.logs.push(...logs);
      frame.results.set(number, fromPluginValues(values));
      return {};
    }
    case "signUp": {
      const email = textOf(await evaluate(frame, step.email));
      const password = textOf(await evaluate(frame, step.password));
      const signed = await signUp(context.database, email, password, context.now());
      if (!signed.ok) throw refusal(signed.code);
      run.writes++;
      frame.results.set(number, { user: lookUp(run, "User", signed.user.id) });
      return {};
    }
    case "logIn": {
      const email = textOf(await evaluate(frame, step.email));
      const password = textOf(await evaluate(frame, step.password));
      const loggedIn = await logIn(context.database, email, password, context.now());
      if (!loggedIn.ok) throw refusal(loggedIn.code);
      run.currentUser = lookUp(run, "User", loggedIn.user.id);
      frame.results.set(number, { user: run.currentUser });
      return {};
    }
    case "triggerCustomEvent": {
      const event = context.app.customEvents.find((candidate) => candidate.name === step.event);
      if (!event) throw new Error(`No custom event "${step.event}"`);
      const returned = await runCustomEvent(frame, event, step.parameters, number);
      frame.results.set(number, returned);
      return {};
    }
    case "createThing": {
      const type = thingType(step.type);
      const fields = await storedFields(frame, type, step.fields);
      const row = context.database.create(type, fields, context.now());
      run.writes++;
      frame.results.set(number, { thing: { kind: "thing", type, row } });
      return {};
    }
    case "makeChanges": {
      const target = await evaluate(frame, step.thing);
      if (!isThing(target)) {
        if (target !== null)
          throw new Error("Make changes to a thing was given something that is not a thing");
        if (run.options.emptyThingChange === "fails") throw new Error("the thing to change is empty");
        return { status: "skipped", note: "the thing to change is empty" };
      }
      const fields = await storedFields(frame, target.type, step.fields);
      context.database.change(target.type, target.row.id, fields, context.now());
      run.writes++;
      return {};
    }
    case "returnData": {
      const values: Record<string, Value> = {};
      for (const [key, expression] of Object.entries(step.values))
        values[key] = await evaluate(frame, expression);
      if (frame.inCustomEvent) {
        frame.returned = values;
        return {};
      }
      const ends = run.options.returnData === "ends";
      if (run.answer !== undefined) return { note: "an earlier Return data already answered", ends };
      run.answer = answerOf(values);
      return { ends };
    }
    case "yourWork": {
      const user = await evaluate(frame, step.user);
      const declared = new Set(run.workflow.parameters.map((parameter) => parameter.key));
      // fromEntries defines each name as an own property: a "__proto__" parameter stays a parameter.
      const others = Object.fromEntries(Object.entries(run.parameters).filter(([key]) => !declared.has(key)));
      frame.results.set(number, {
        user: isThing(user) ? user : null,
        parameters: { kind: "echo", value: others },
      });
      return {};
    }
    case "terminate":
      throw new Terminated();
  }
}

function refusal(code: string): Stop {
  return new Stop({ refusal: { code, message: ACCOUNT_MESSAGES[code] ?? "The request was refused." } });
}

async function runCustomEvent(
  caller: Frame,
  event: CustomEvent,
  parameters: Fields,
  number: number,
): Promise<Record<string, Value>> {
  const values: Record<string, Value> = {};
  for (const parameter of event.parameters) {
    const expression = parameters[parameter.key];
    values[parameter.key] = expression ? await evaluate(caller, expression) : null;
  }
  const frame: Frame = {
    run: caller.run,
    prefix: `${caller.prefix}${number}.`,
    inCustomEvent: true,
    parameters: values,
    results: new Map(),
  };
  try {
    await runSteps(frame, event.steps);
  } catch (error) {
    // Terminate inside a custom event ends that event; the workflow that triggered it goes on.
    if (!(error instanceof Terminated)) throw error;
  }
  return Object.fromEntries(event.returns.map(({ key }) => [key, frame.returned?.[key] ?? null]));
}

// Conditions

async function condition(frame: Frame, when: Condition): Promise<boolean> {
  // Strictly left to right: each join applies to everything before it, as Bubble reads a condition.
  let value = await clause(frame, when.first);
  for (const { join, clause: next } of when.rest ?? []) {
    const right = await clause(frame, next);
    value = join === "and" ? value && right : value || right;
  }
  return value;
}

async function clause(frame: Frame, which: Clause): Promise<boolean> {
  if ("isEmpty" in which) return isEmptyValue(await evaluate(frame, which.isEmpty));
  if ("isNotEmpty" in which) return !isEmptyValue(await evaluate(frame, which.isNotEmpty));
  return compare(await evaluate(frame, which.left), which.op, await evaluate(frame, which.right));
}

function isEmptyValue(value: Value): boolean {
  return value === null || value === "" || (Array.isArray(value) && value.length === 0);
}

/** A comparison: `is` / `is not` on any two values; the order comparisons on numbers and dates only. */
function compare(left: Value, op: Comparison, right: Value): boolean {
  if (op === "is") return same(left, right);
  if (op === "is not") return !same(left, right);
  const a = ordered(left);
  const b = ordered(right);
  if (a === undefined || b === undefined) return false;
  return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
}

function same(left: Value, right: Value): boolean {
  const a = comparable(left);
  const b = comparable(right);
  return a === b;
}

function comparable(value: Value): unknown {
  if (value === "" || value === null) return null;
  if (value instanceof Date) return value.getTime();
  if (isThing(value)) return `${value.type}:${value.row.id}`;
  if (Array.isArray(value)) return JSON.stringify(value.map(comparable));
  return value;
}

function ordered(value: Value): number | undefined {
  if (value instanceof Date) return value.getTime();
  return typeof value === "number" ? value : undefined;
}

// Expressions

async function evaluate(frame: Frame, expression: Expression): Promise<Value> {
  const { run } = frame;
  if ("literal" in expression) {
    if (expression.setting) return run.context.settings[expression.setting];
    return expression.literal;
  }
  if ("parameter" in expression) return frame.parameters[expression.parameter] ?? null;
  if ("result" in expression) return frame.results.get(expression.result)?.[expression.field] ?? null;
  if ("currentDate" in expression) return new Date(run.context.now());
  if ("currentUser" in expression) return run.currentUser;
  if ("join" in expression) {
    const parts = await Promise.all(expression.join.map((part) => evaluate(frame, part)));
    const text = parts.map((part) => (part === null ? "" : textOf(part))).join("");
    return text === "" ? null : text;
  }
  if ("thing" in expression) {
    let value = await evaluate(frame, expression.thing);
    for (const field of expression.path) value = fieldOf(run, value, field);
    return value;
  }
  return search(frame, expression.search);
}

/** A field of a thing as the workflow sees it: empty for an empty thing, or one whose fields are private. */
function fieldOf(run: Run, value: Value, field: string): Value {
  if (value === null) return null;
  if (!isThing(value)) throw new Error(`"${field}" was read from something that is not a thing`);
  if (field === "unique id") return value.row.id;
  if (!Object.hasOwn(value.row.fields, field))
    throw new Error(`The data type ${value.type} has no field "${field}"`);
  if (!visible(run, value.type, "viewAllFields")) return null;
  const stored = value.row.fields[field] ?? null;
  const type = fieldType(value.type, field);
  if (stored === null) return type === "yes/no" ? false : null;
  if (type === "date") return new Date(Number(stored));
  if (type === "yes/no") return stored === 1;
  if (type === "number") return Number(stored);
  if (type === "text") return String(stored);
  return lookUp(run, thingType(type), String(stored));
}

function fieldType(type: ThingType, field: string): string {
  if (field === "Created Date" || field === "Modified Date") return "date";
  const fields: Readonly<Record<string, { type: string }>> = THINGS[type].fields;
  return fields[field]?.type ?? "text";
}

/** A thing by its unique id (`Session's user`): a lookup, billed per thing returned. */
function lookUp(run: Run, type: ThingType, id: string): Thing | null {
  const row = run.context.database.thing(type, id);
  if (!row) return null;
  run.thingsReturned++;
  return { kind: "thing", type, row };
}

/** Whether the workflow may see things of `type` (privacy rules, unless the workflow ignores them). */
function visible(run: Run, type: ThingType, what: "viewAllFields" | "findInSearches"): boolean {
  if (run.workflow.settings.ignorePrivacyRules) return true;
  const definition = run.context.app.dataTypes.find((candidate) => candidate.name === type);
  return definition?.privacy.everyoneElse[what] ?? true;
}

async function search(
  frame: Frame,
  definition: Extract<Expression, { search: unknown }>["search"],
): Promise<Value> {
  const { run } = frame;
  const type = thingType(definition.type);
  const constraints = [];
  for (const constraint of definition.constraints) {
    const value = toStored(await evaluate(frame, constraint.value), fieldType(type, constraint.field));
    // "Ignore empty constraints": a constraint on an empty value is dropped, so it matches every row.
    if (value === null && definition.ignoreEmptyConstraints !== false) continue;
    constraints.push({ field: constraint.field, op: constraint.op, value });
  }
  run.searches++;
  const first = definition.take === "first item";
  const rows = visible(run, type, "findInSearches")
    ? run.context.database.search(type, constraints, first ? 1 : undefined)
    : [];
  run.thingsReturned += rows.length;
  const things: Thing[] = rows.map((row) => ({ kind: "thing", type, row }));
  if (first) return things[0] ?? null;
  const field = (definition.take as { each: string }).each;
  return things.map((thing) => fieldOf(run, thing, field)).filter((value) => value !== null);
}

function thingType(name: string): ThingType {
  if (!Object.hasOwn(THINGS, name)) throw new Error(`No data type "${name}"`);
  return name as ThingType;
}

function isThing(value: Value): value is Thing {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    "kind" in value &&
    value.kind === "thing"
  );
}

/** The fields of a create or change step, as the database stores them. */
async function storedFields(frame: Frame, type: ThingType, fields: Fields): Promise<Record<string, Stored>> {
  const stored: Record<string, Stored> = {};
  for (const [field, expression] of Object.entries(fields))
    stored[field] = toStored(await evaluate(frame, expression), fieldType(type, field));
  return stored;
}

/** A value as a field of `type` stores it; a value the field cannot hold is stored empty. */
function toStored(value: Value, type: string): Stored {
  if (value === null || value === "") return null;
  switch (type) {
    case "date":
      return value instanceof Date ? value.getTime() : null;
    case "yes/no":
      return typeof value === "boolean" ? (value ? 1 : 0) : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "text":
      return typeof value === "string" || typeof value === "number" ? String(value) : null;
    default:
      return isThing(value) && value.type === type ? value.row.id : null;
  }
}

function textOf(value: Value): string {
  if (value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (value instanceof Date) return value.toISOString();
  if (isThing(value)) return value.row.id;
  return "";
}

/** A value as a plugin field receives it: text, number, yes/no, a date, a list; empty is left out. */
function toPluginInput(value: Value): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value))
    return value.map((item) => toPluginInput(item)).filter((item) => item !== undefined);
  if (isThing(value)) return value.row.id;
  if (typeof value === "object" && !(value instanceof Date)) return undefined;
  return value;
}

/** A plugin's return values as the workflow reads them: an empty text is empty. */
function fromPluginValues(values: Record<string, unknown>): Record<string, Value> {
  const read: Record<string, Value> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === "") read[name] = null;
    else if (Array.isArray(value)) read[name] = value as Value[];
    else if (
      typeof value === "string" ||
      typeof value === "number" ||
      typeof value === "boolean" ||
      value instanceof Date
    )
      read[name] = value;
  }
  return read;
}

/**
 * "Return data from API" as the answer's JSON: dates as milliseconds since 1970 (Bubble's manual does not
 * say how it writes a date), a thing as its unique id, and empty values left out, so a refusal answers
 * only error_code and error_message and a success no error_code.
 */
function answerOf(values: Record<string, Value>): Record<string, unknown> {
  const answer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (isEmptyValue(value)) continue;
    answer[key] = jsonOf(value);
  }
  return answer;
}

function jsonOf(value: Value): unknown {
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) return value.map(jsonOf);
  if (isThing(value)) return value.row.id;
  if (typeof value === "object" && value !== null && "kind" in value && value.kind === "echo")
    return value.value;
  return value;
}
