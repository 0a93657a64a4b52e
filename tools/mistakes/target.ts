/**
 * The World of the mistakes suite on the local backend's own interpreter: a fresh in-memory database per
 * World, a clock moved by hand (the interpreter's `now` and the built actions' `Date` alike), the plugin
 * keys of a fresh random secret, and the built actions in the Bubble runtime stand-in, all in this process.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes, scryptSync } from "node:crypto";
import { stepLabel } from "../../app/describe.js";
import type { AppDefinition } from "../../app/types.js";
import { AppDatabase, IN_MEMORY, THINGS, type ThingType } from "../../src/emulator/database.js";
import { type InterpreterOptions, runWorkflow, type Settings } from "../../src/emulator/interpreter.js";
import { HttpError } from "../../src/emulator/request-body.js";
import type { StepRecord } from "../../src/emulator/request-record.js";
import { BubbleRuntime } from "../../src/emulator/runtime.js";
import { DEFAULT_SETTINGS } from "../../src/emulator/server.js";
import { bubbleUniqueId } from "../../src/emulator/users.js";
import { mapStep } from "./operators.js";
import {
  type Answer,
  type Row,
  type Target,
  type Targets,
  UNDOCUMENTED,
  type Undocumented,
  type World,
} from "./world.js";

/** 1 January 2026, 00:00 UTC: every World starts here, so a run is the same each time. */
const START = Date.UTC(2026, 0, 1);

const YOUR_WORK = stepLabel({ kind: "yourWork", user: { literal: null } });
const RETURN_DATA = stepLabel({ kind: "returnData", values: {} });
/** The interpreter's note on a Make changes whose thing is empty (failed or skipped, as configured). */
const EMPTY_THING = "the thing to change is empty";

/** The undocumented behaviours one request's steps depended on. */
function dependedOn(steps: readonly StepRecord[]): Undocumented[] {
  const found: Undocumented[] = [];
  // Only the API workflow's own steps: a custom event's Return data sets its return values and goes on.
  const top = steps.filter((step) => !step.index.includes("."));
  const answered = top.findIndex((step) => step.label === RETURN_DATA && step.status === "ran");
  if (answered >= 0 && answered < top.length - 1) found.push("Return data ends the workflow");
  if (steps.some((step) => step.note === EMPTY_THING))
    found.push("Make changes to an empty thing is skipped");
  return found;
}

/**
 * The lifetimes and windows as the builder types them: each literal that the local backend may replace with
 * one of its settings (`npm start` can run shorter ones) is taken as written, so the suite tries what the
 * guide tells a builder to type.
 */
function typedSettings(app: AppDefinition): Settings {
  const settings: Record<string, number> = { ...DEFAULT_SETTINGS };
  for (const container of [...app.customEvents, ...app.workflows])
    for (const step of container.steps)
      mapStep(step, (expression) => {
        if ("literal" in expression && expression.setting && typeof expression.literal === "number")
          settings[expression.setting] = expression.literal;
        return expression;
      });
  return settings as unknown as Settings;
}

/** One Target per choice of undocumented behaviours, made when first asked for. */
export function interpreterTargets(actionsDir: string): Targets<AppDefinition> {
  const made = new Map<string, Target<AppDefinition>>();
  return (choices) => {
    const key = UNDOCUMENTED.filter((choice) => choices.has(choice)).join("+");
    let target = made.get(key);
    if (!target) {
      target = interpreterTarget(actionsDir, {
        returnData: choices.has("Return data ends the workflow") ? "ends" : "continues",
        emptyThingChange: choices.has("Make changes to an empty thing is skipped") ? "skipped" : "fails",
      });
      made.set(key, target);
    }
    return target;
  };
}

/**
 * A password hash in the store's own `scrypt$N$r$p$salt$hash` form at the lowest cost (N = 16): Log the
 * user in checks it with the parameters it records, in microseconds instead of 40 ms.
 */
function cheapHash(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password.normalize("NFC"), salt, 32, { N: 16, r: 1, p: 1 });
  return ["scrypt", 16, 1, 1, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

/**
 * Bubble's answer to a call without a user to a workflow that needs one ("This workflow can be run without
 * authentication" unticked): 401 before any step runs. The interpreter serves only public workflows.
 */
const UNAUTHENTICATED = 401;

/** The clock of the World whose plugin step is running: Worlds run side by side, each on its own time. */
const clockOf = new AsyncLocalStorage<{ now: number }>();

function worldNow(): number {
  const clock = clockOf.getStore();
  if (!clock) throw new Error("a plugin action ran outside a World");
  return clock.now;
}

export function interpreterTarget(
  actionsDir: string,
  options: InterpreterOptions = {},
): Target<AppDefinition> {
  // One runtime for the whole suite: it reads and evaluates each server.js once; its clock is the World's.
  const runtime = new BubbleRuntime(actionsDir, { now: worldNow });
  const keys = { "JWT Secret": randomBytes(32).toString("base64url") };
  // Closed Worlds' databases, emptied, for the next ones (a new database runs every migration).
  const spare: AppDatabase[] = [];

  return {
    async open(app) {
      const clock = { now: START };
      const database = spare.pop() ?? new AppDatabase(IN_MEMORY);
      const context = {
        app,
        database,
        now: () => clock.now,
        settings: typedSettings(app),
        options,
        plugin: (action: string, inputs: Record<string, unknown>) =>
          clockOf.run(clock, () => runtime.call(action, inputs, keys, [])),
      };
      const undocumented = new Set<Undocumented>();
      const world: World & { close(): void } = {
        undocumented: () => undocumented,
        async call(workflow, parameters): Promise<Answer> {
          const definition = app.workflows.find((candidate) => candidate.name === workflow);
          if (definition && !definition.settings.runWithoutAuthentication)
            return { httpStatus: UNAUTHENTICATED, response: {}, steps: [] };
          try {
            const result = await runWorkflow(context, workflow, { ...parameters });
            for (const behaviour of dependedOn(result.steps)) undocumented.add(behaviour);
            // A failed step stops the workflow: Bubble answers a server error, not a response.
            if (result.response === undefined) return { httpStatus: 500, response: {}, steps: result.steps };
            return { httpStatus: 200, response: result.response, steps: result.steps };
          } catch (error) {
            if (error instanceof HttpError) return { httpStatus: error.status, response: {}, steps: [] };
            throw error;
          }
        },
        async addUser(email, password) {
          const id = bubbleUniqueId(clock.now);
          if (!database.insertUser({ id, email, password_hash: cheapHash(password) }, clock.now))
            throw new Error(`${email} is taken`);
          return id;
        },
        rows() {
          const rows: Row[] = [];
          for (const type of Object.keys(THINGS) as ThingType[]) {
            for (const row of database.search(type, [])) {
              const { "Modified Date": _, ...fields }: Record<string, unknown> = row.fields;
              // A yes/no never written reads "no" (the interpreter's and Bubble's default): the same value.
              for (const [name, field] of Object.entries(THINGS[type].fields))
                if (field.type === "yes/no") fields[name] ??= 0;
              const owner = type === "User" ? row.id : type === "Session" ? String(fields.user ?? "") : "";
              rows.push({ key: `${type}:${row.id}`, owner, value: JSON.stringify(fields) });
            }
          }
          return rows;
        },
        advance(seconds) {
          if (!(seconds >= 0)) throw new Error("the clock only moves forward");
          clock.now += seconds * 1000;
        },
        didProtectedWork: (answer) =>
          answer.steps.some((step) => step.label === YOUR_WORK && step.status === "ran"),
        close: () => {
          database.empty();
          spare.push(database);
        },
      };
      return world;
    },
  };
}
