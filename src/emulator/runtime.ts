import { AsyncLocalStorage } from "node:async_hooks";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { type ActionParams, returnValueProblems } from "./params.js";

/** How the stand-in presents what Bubble leaves undocumented; tests run every combination. */
export interface RuntimeOptions {
  /** Evaluate server.js once and reuse the function, or evaluate its text again for every call. */
  readonly evaluate?: "once" | "per-call";
  /** Lists (`is_list` fields) as Bubble lists with async length()/get(), or as plain arrays. */
  readonly lists?: "bubble" | "array";
  /** What an empty optional field arrives as. */
  readonly empty?: null | undefined | "";
  /**
   * The clock the evaluated actions see, in milliseconds since 1970; default the real one. Set, it stands
   * in for `Date` inside server.js (`Date.now()` and `new Date()`), so a test can move time forward past
   * an expiry or a retry window without waiting for it.
   */
  readonly now?: () => number;
}

export interface CallResult {
  readonly values: Record<string, unknown>;
  /** What the action wrote with console.log during this call (and only this call). */
  readonly logs: readonly string[];
}

type ActionFunction = (
  properties: Record<string, unknown>,
  context: Record<string, unknown>,
) => Promise<unknown>;

interface LoadedAction {
  readonly id: string;
  readonly params: ActionParams;
  readonly source: string;
  readonly file: string;
  evaluated?: ActionFunction;
}

/** Thrown when an action returns something Bubble would not accept. */
export class ReturnValueError extends Error {
  override readonly name = "ReturnValueError";
}

const callLogs = new AsyncLocalStorage<string[]>();

/**
 * The clock of the call in progress. A built server.js keeps its module on globalThis (evaluated once per
 * process, whichever runtime evaluated it first), so the `Date` it closes over must be the same for every
 * runtime: RUNTIME_DATE reads the clock of whichever call is running, the real one outside any call.
 */
const callClock = new AsyncLocalStorage<() => number>();
let consoleRouted = false;

/** Sends console.log lines written inside a call to that call's log, leaving all others alone. */
function routeConsole(): void {
  if (consoleRouted) return;
  consoleRouted = true;
  const original = console.log.bind(console);
  console.log = (...args: unknown[]) => {
    const sink = callLogs.getStore();
    if (sink) sink.push(args.map((arg) => (typeof arg === "string" ? arg : String(arg))).join(" "));
    else original(...args);
  };
}

/**
 * A stand-in for Bubble's server-side plugin runtime: it loads `actions/<ID>/` as Bubble syncs it,
 * evaluates the text of server.js as a function expression with `require` in scope, builds
 * `properties` from params.json and `context.keys`, and checks what the action returns.
 */
export class BubbleRuntime {
  private readonly actions = new Map<string, LoadedAction>();
  private readonly options: Required<Pick<RuntimeOptions, "evaluate" | "lists">> & {
    empty: null | undefined | "";
  };
  /** The clock of this runtime's calls (callClock). */
  private readonly now: () => number;

  constructor(
    readonly actionsDir: string,
    options: RuntimeOptions = {},
  ) {
    this.options = {
      evaluate: options.evaluate ?? "once",
      lists: options.lists ?? "bubble",
      empty: "empty" in options ? (options.empty as null | undefined | "") : null,
    };
    this.now = options.now ?? Date.now;
    for (const id of readdirSync(actionsDir)) {
      const dir = path.join(actionsDir, id);
      const params = JSON.parse(readFileSync(path.join(dir, "params.json"), "utf8")) as ActionParams;
      const file = path.join(dir, "server.js");
      const action: LoadedAction = { id, params, file, source: readFileSync(file, "utf8") };
      this.actions.set(id, action);
      this.actions.set(params.display, action);
    }
    routeConsole();
  }

  /**
   * Runs one action as Bubble would. `inputs` are by field name (an unknown name is an error, to catch
   * typos in tests); `keys` by plugin key caption. Throws what the action throws; its log lines are in
   * `logs` (when given) either way.
   */
  async call(
    action: string,
    inputs: Record<string, unknown>,
    keys: Record<string, string | undefined> = {},
    logs: string[] = [],
  ): Promise<CallResult> {
    const loaded = this.find(action);
    const properties = this.properties(loaded.params, inputs);
    const context = this.context(keys);
    const fn = this.evaluate(loaded);
    const values = await callLogs.run(logs, () => callClock.run(this.now, () => fn(properties, context)));
    const problems = returnValueProblems(loaded.params, values);
    if (problems.length > 0)
      throw new ReturnValueError(`${loaded.params.display} returned: ${problems.join("; ")}`);
    return { values: values as Record<string, unknown>, logs };
  }

  /**
   * Binds an action to fixed inputs and keys, for measuring what the action itself costs per call:
   * properties and context are built once, and each call of the returned function is only the call
   * Bubble makes. Logs are not captured (they go wherever console.log goes) and return values are not
   * checked; use {@link call} for that.
   */
  bind(
    action: string,
    inputs: Record<string, unknown>,
    keys: Record<string, string | undefined> = {},
  ): () => Promise<unknown> {
    const loaded = this.find(action);
    const properties = this.properties(loaded.params, inputs);
    const context = this.context(keys);
    return () => callClock.run(this.now, () => this.evaluate(loaded)(properties, context));
  }

  private context(keys: Record<string, string | undefined>): Record<string, unknown> {
    return {
      keys: { ...keys },
      currentUser: null,
      userTimezone: "UTC",
      isBubbleList: (value: unknown) => isBubbleList(value),
      isBubbleThing: () => false,
    };
  }

  private find(action: string): LoadedAction {
    const loaded = this.actions.get(action);
    if (!loaded) throw new Error(`No action "${action}" in ${this.actionsDir}`);
    return loaded;
  }

  private evaluate(action: LoadedAction): ActionFunction {
    if (this.options.evaluate === "once" && action.evaluated) return action.evaluated;
    // server.js is one function expression, not a script: wrap it in parentheses to evaluate it.
    // `Date` is a parameter so that an injected clock reaches every use of it inside the bundle.
    const factory = new Function("require", "Date", `"use strict";\nreturn (${action.source}\n);`) as (
      req: NodeJS.Require,
      date: DateConstructor,
    ) => ActionFunction;
    const fn = factory(createRequire(action.file), RUNTIME_DATE);
    if (typeof fn !== "function") throw new Error(`${action.file} does not evaluate to a function`);
    action.evaluated = fn;
    return fn;
  }

  private properties(params: ActionParams, inputs: Record<string, unknown>): Record<string, unknown> {
    const fields = Object.values(params.fields);
    const known = new Set(fields.map((field) => field.name));
    for (const name of Object.keys(inputs)) {
      if (!known.has(name)) throw new Error(`${params.display} has no field "${name}"`);
    }
    const properties: Record<string, unknown> = {};
    for (const field of fields) {
      let value = inputs[field.name];
      const empty = value === undefined || value === null || value === "";
      if (empty && field.editor === "Dropdown" && field.default_val !== undefined) value = field.default_val;
      else if (empty) value = this.options.empty;
      else if (field.is_list && Array.isArray(value) && this.options.lists === "bubble")
        value = bubbleList(value);
      else if (field.editor === "key_value_list" && !Array.isArray(value) && typeof value === "object") {
        value = Object.entries(value as Record<string, unknown>).map(([key, item]) => ({ key, value: item }));
      }
      if (value !== undefined || this.options.empty === undefined) properties[field.name] = value;
    }
    return properties;
  }
}

/**
 * A `Date` whose "now" is `now()`: `Date.now()` and `new Date()` read the clock, every other use is the
 * real Date's (parsing, `new Date(ms)`, instances are real Dates, so `instanceof Date` holds).
 */
export function clockedDate(now: () => number): DateConstructor {
  const Real = Date;
  function ClockedDate(this: unknown, ...args: unknown[]): Date | string {
    if (!new.target) return new Real(now()).toString();
    return args.length === 0 ? new Real(now()) : new Real(...(args as [number]));
  }
  ClockedDate.prototype = Real.prototype;
  ClockedDate.now = () => now();
  ClockedDate.parse = Real.parse;
  ClockedDate.UTC = Real.UTC;
  return ClockedDate as unknown as DateConstructor;
}

const RUNTIME_DATE = clockedDate(() => (callClock.getStore() ?? Date.now)());

/** A list as Bubble passes it to a plugin in API v4: items read through async length() and get(). */
export function bubbleList<T>(items: readonly T[]) {
  return {
    length: async () => items.length,
    get: async (start: number, count: number) => items.slice(start, start + count),
  };
}

function isBubbleList(value: unknown): boolean {
  return typeof value === "object" && value !== null && "get" in value && "length" in value;
}

/** The actions folder of the repository at `root`. */
export function actionsDirOf(root: string): string {
  return path.join(root, "actions");
}
