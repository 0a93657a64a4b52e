import { AsyncLocalStorage } from "node:async_hooks";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import nodeFetch from "node-fetch";
import { LOCAL_RUNTIME, type LocalRuntime } from "../bubble/local-runtime.js";
import { type ActionParams, returnValueProblems } from "./params.js";

/** A Thing of the app's database as the stand-in holds it: its unique id and its fields by name. */
export interface ThingData {
  readonly id: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

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
  /**
   * Not Bubble's: lets Verify external reach JWKS servers over plain http on this machine, and gives
   * its download deadline the timers given (src/bubble/local-runtime.ts says why Bubble never can).
   * The local backend and tests of loopback JWKS servers set it; without it the runtime is Bubble's.
   */
  readonly localRuntime?: LocalRuntime;
  /**
   * The global `fetch` server.js sees: node-fetch v2, as Bubble's plugin API v4 typings declare ("Exposes
   * node-fetch to plugins") and its manual recommends (the default), or Node's own.
   */
  readonly fetch?: "node-fetch" | "node";
  /**
   * `context.currentUser`: the user who started the workflow, or, in a backend workflow run without a
   * user (the default), a Thing with no id and no fields, or null: what Bubble passes then is not
   * documented.
   */
  readonly currentUser?: ThingData | null;
  /** The Things `context.getThingById` and `getThingsById` find. */
  readonly things?: readonly ThingData[];
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
  private readonly localRuntime: LocalRuntime | undefined;
  private readonly options: Required<Pick<RuntimeOptions, "evaluate" | "lists" | "fetch">> & {
    empty: null | undefined | "";
    currentUser: ThingData | null;
    things: ReadonlyMap<string, ThingData>;
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
      fetch: options.fetch ?? "node-fetch",
      currentUser: "currentUser" in options ? (options.currentUser ?? null) : { id: "", fields: {} },
      things: new Map((options.things ?? []).map((thing) => [thing.id, thing])),
    };
    this.now = options.now ?? Date.now;
    this.localRuntime = options.localRuntime;
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

  /** Bubble's v4 context: no `async` or `request` at the top any more (they moved to `v3`). */
  private context(keys: Record<string, string | undefined>): Record<string, unknown> {
    const { currentUser, things } = this.options;
    const find = (id: string) => {
      const thing = things.get(id) ?? (currentUser?.id === id && id !== "" ? currentUser : undefined);
      return thing ? bubbleThing(thing) : null;
    };
    return {
      keys: { ...keys },
      currentUser: currentUser && bubbleThing(currentUser),
      userTimezone: "UTC",
      isBubbleList: (value: unknown) => BUBBLE_LISTS.has(value as object),
      isBubbleThing: (value: unknown) => BUBBLE_THINGS.has(value as object),
      getThingById: async (id: string) => find(id),
      getThingsById: async (ids: readonly string[]) => ids.map(find),
      /** @deprecated in plugin API v4, kept for v3 code. */
      v3: {
        async: <T>(fn: (callback: (error: unknown, result?: T) => void) => void) => promisify(fn)(),
        request: async () => {
          throw new Error(
            "context.v3.request (the deprecated request library) is not offered by this stand-in; use fetch",
          );
        },
      },
      ...(this.localRuntime ? { [LOCAL_RUNTIME]: this.localRuntime } : {}),
    };
  }

  private find(action: string): LoadedAction {
    const loaded = this.actions.get(action);
    if (!loaded) throw new Error(`No action "${action}" in ${this.actionsDir}`);
    return loaded;
  }

  private evaluate(action: LoadedAction): ActionFunction {
    if (this.options.evaluate === "once" && action.evaluated) return action.evaluated;
    // server.js is one function expression, not a script: wrap it in parentheses to evaluate it. Its
    // `require` and `fetch` are Bubble's: Node's built-ins only (the action declares no packages), and
    // node-fetch unless Node's own is asked for. (globalThis.fetch stays Node's: it is the process's.)
    // `Date` is a parameter too, so that an injected clock reaches every use of it inside the bundle.
    const factory = new Function(
      "require",
      "fetch",
      "Date",
      `"use strict";\nreturn (${action.source}\n);`,
    ) as (req: (id: string) => unknown, fetch: unknown, date: DateConstructor) => ActionFunction;
    const fn = factory(
      builtinsOnly(action.file),
      this.options.fetch === "node" ? fetch : nodeFetch,
      RUNTIME_DATE,
    );
    if (typeof fn !== "function") throw new Error(`${action.file} does not evaluate to a function`);
    action.evaluated = fn;
    return fn;
  }

  private properties(params: ActionParams, inputs: Record<string, unknown>): Record<string, unknown> {
    // Bubble writes no `fields` for an action without any.
    const fields = Object.values(params.fields ?? {});
    const known = new Set(fields.map((field) => field.name));
    for (const name of Object.keys(inputs)) {
      if (!known.has(name)) throw new Error(`${params.display} has no field "${name}"`);
    }
    const properties: Record<string, unknown> = {};
    for (const field of fields) {
      let value = inputs[field.name];
      const empty = value === undefined || value === null || value === "";
      if (empty && field.editor === "Dropdown" && field.default_val !== undefined) value = field.default_val;
      // A Checkbox is never empty: it is ticked or not, as its default_val says until the builder clicks.
      else if (empty && field.editor === "Checkbox") value = field.default_val === true;
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

const BUBBLE_LISTS = new WeakSet<object>();
const BUBBLE_THINGS = new WeakSet<object>();

/**
 * A list as Bubble passes it to a plugin in API v4: items read through async length() and get(), or
 * with `for await`.
 */
export function bubbleList<T>(items: readonly T[]) {
  const list = {
    length: async () => items.length,
    get: async (start: number, count: number) => items.slice(start, start + count),
    async *[Symbol.asyncIterator]() {
      yield* items;
    },
    single_api: false,
    list_api: true,
  };
  BUBBLE_LISTS.add(list);
  return list;
}

/** A Thing as Bubble passes it in API v4: `id`, the names of its fields, and async get()/getAll(). */
export function bubbleThing(data: ThingData) {
  const value = (name: string) => {
    const field = Object.hasOwn(data.fields, name) ? data.fields[name] : undefined;
    return Array.isArray(field) ? bubbleList(field) : (field ?? null);
  };
  const thing = {
    id: data.id,
    listProperties: () => Object.keys(data.fields),
    get: async (name: string) => value(name),
    getAll: async () => Object.fromEntries(Object.keys(data.fields).map((name) => [name, value(name)])),
    single_api: true,
    list_api: false,
  };
  BUBBLE_THINGS.add(thing);
  return thing;
}

/** `require` as Bubble gives it to an action without packages: Node's built-in modules and nothing else. */
function builtinsOnly(file: string): (id: string) => unknown {
  const real = createRequire(file);
  return (id: string) => {
    if (!isBuiltin(id)) {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
    }
    return real(id);
  };
}

/** The actions folder of the repository at `root`. */
export function actionsDirOf(root: string): string {
  return path.join(root, "actions");
}
