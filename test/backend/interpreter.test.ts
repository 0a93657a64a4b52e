/**
 * The interpreter's Bubble semantics on small definitions, with a stand-in plugin (the HTTP tests run the
 * real app with the built actions): conditions strictly left to right, Ignore empty constraints, privacy
 * rules, Return data and Make changes to an empty thing both ways, custom events and Terminate, and what
 * a plugin step is handed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chain, number, of, parameter, result, text } from "../../app/expressions.js";
import type { ApiWorkflow, AppDefinition, CustomEvent, Expression, Step } from "../../app/types.js";
import { AppDatabase } from "../../src/emulator/database.js";
import { type InterpreterOptions, runWorkflow } from "../../src/emulator/interpreter.js";

const SETTINGS = {
  accessTokenTtlSeconds: 900,
  refreshTokenTtlSeconds: 2_592_000,
  refreshRetryWindowSeconds: 30,
  tokenTtlSeconds: 3600,
  refreshGraceSeconds: 300,
};
const PRIVATE = { everyoneElse: { viewAllFields: false, findInSearches: false } };

function workflow(steps: Step[], extra: Partial<ApiWorkflow> = {}): ApiWorkflow {
  return {
    name: "w",
    flow: "session",
    summary: "a test",
    parameters: [],
    settings: { exposeAsPublicApiWorkflow: true, runWithoutAuthentication: true, ignorePrivacyRules: true },
    steps,
    ...extra,
  };
}

function app(w: ApiWorkflow, customEvents: CustomEvent[] = []): AppDefinition {
  return {
    dataTypes: [
      { name: "Session", origin: "new", fields: [], privacy: PRIVATE },
      { name: "Revoked token", origin: "new", fields: [], privacy: PRIVATE },
    ],
    customEvents,
    workflows: [w],
  };
}

const yesNo = (key: string) => ({ key, type: "yes/no" as const });
const isYes = (key: string) => ({ left: parameter(key), op: "is" as const, right: { literal: true } });
const sessionSearch = (value: Expression, ignoreEmptyConstraints?: boolean): Expression => ({
  search: {
    type: "Session",
    constraints: [{ field: "session_id", op: "is", value }],
    take: "first item",
    ...(ignoreEmptyConstraints === undefined ? {} : { ignoreEmptyConstraints }),
  },
});

describe("the interpreter", () => {
  let dir: string;
  let database: AppDatabase;
  const calls: Record<string, unknown>[] = [];
  const run = (
    definition: AppDefinition,
    parameters: Record<string, unknown>,
    options?: InterpreterOptions,
  ) =>
    runWorkflow(
      {
        app: definition,
        database,
        now: () => 1_800_000_000_000,
        settings: SETTINGS,
        ...(options ? { options } : {}),
        plugin: async (_action, inputs) => {
          calls.push(inputs);
          return { values: { ok: true, echo: String(inputs.token ?? "") }, logs: [] };
        },
      },
      "w",
      parameters,
    );

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "jwt-interpreter-"));
    database = new AppDatabase(path.join(dir, "db.sqlite"));
    database.create("Session", { session_id: "first", revoked: 0 }, 1);
    database.create("Session", { session_id: "second", revoked: 0 }, 2);
  });
  afterAll(() => {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads a condition strictly left to right: A or B and C is (A or B) and C", async () => {
    const when = chain(isYes("a"), "or", isYes("b"), "and", isYes("c"));
    const definition = app(
      workflow([{ kind: "returnData", values: { ran: text("yes") }, onlyWhen: when }], {
        parameters: [yesNo("a"), yesNo("b"), yesNo("c")],
      }),
    );
    // With precedence (A or (B and C)) this would run; Bubble's reading does not.
    const skipped = await run(definition, { a: "yes", b: "no", c: "no" });
    expect(skipped.response).toEqual({});
    expect(skipped.steps[0]).toEqual({
      index: "1",
      label: "Return data from API",
      status: "skipped",
      note: "Only when a is yes or b is yes and c is yes: no",
    });
    expect((await run(definition, { a: "no", b: "yes", c: "yes" })).response).toEqual({ ran: "yes" });
  });

  it("ignores an empty constraint when Ignore empty constraints is ticked (the default): any row matches", async () => {
    const optional = { parameters: [{ key: "s", type: "text", optional: true }] };
    const ticked = app(
      workflow(
        [{ kind: "returnData", values: { found: of(sessionSearch(parameter("s")), "session_id") } }],
        optional,
      ),
    );
    expect((await run(ticked, {})).response).toEqual({ found: "first" });
    expect((await run(ticked, { s: "second" })).response).toEqual({ found: "second" });
    const unticked = app(
      workflow(
        [{ kind: "returnData", values: { found: of(sessionSearch(parameter("s"), false), "session_id") } }],
        optional,
      ),
    );
    expect((await run(unticked, {})).response).toEqual({});
    expect((await run(unticked, {})).cost.searches).toBe(1);
  });

  it("applies privacy rules unless the workflow ignores them: a private type is never found", async () => {
    const steps: Step[] = [
      { kind: "returnData", values: { found: of(sessionSearch(text("second")), "session_id") } },
    ];
    const ignoring = app(workflow(steps));
    const respecting = app(
      workflow(steps, {
        settings: {
          exposeAsPublicApiWorkflow: true,
          runWithoutAuthentication: true,
          ignorePrivacyRules: false,
        },
      }),
    );
    expect((await run(ignoring, {})).response).toEqual({ found: "second" });
    expect((await run(respecting, {})).response).toEqual({});
  });

  it("answers with the first Return data; later steps still run, unless Return data is taken to end the workflow", async () => {
    const definition = app(
      workflow([
        { kind: "returnData", values: { answer: number(1) } },
        { kind: "createThing", type: "Revoked token", fields: { jti: text("after-return") } },
        { kind: "returnData", values: { answer: number(2) } },
      ]),
    );
    const continues = await run(definition, {});
    expect(continues.response).toEqual({ answer: 1 });
    expect(continues.cost.writes).toBe(1);
    expect(continues.steps[2]?.note).toBe("an earlier Return data already answered");
    const ends = await run(definition, {}, { returnData: "ends" });
    expect(ends.response).toEqual({ answer: 1 });
    expect(ends.cost.writes).toBe(0);
    expect(ends.steps).toHaveLength(1);
  });

  it("fails on Make changes to an empty thing (the workflow stops), or skips it when told Bubble does", async () => {
    const definition = app(
      workflow([
        {
          kind: "makeChanges",
          thing: sessionSearch(text("no-such-session"), false),
          fields: { revoked: { literal: true } },
        },
        { kind: "returnData", values: { after: text("yes") } },
      ]),
    );
    const fails = await run(definition, {});
    expect(fails.response).toBeUndefined();
    expect(fails.outcome).toBe("server_error");
    expect(fails.steps.map((step) => step.status)).toEqual(["failed"]);
    const skipped = await run(definition, {}, { emptyThingChange: "skipped" });
    expect(skipped.response).toEqual({ after: "yes" });
    expect(skipped.cost.writes).toBe(0);
  });

  it("fails the step whose condition cannot be evaluated, and keeps its record", async () => {
    const definition = app(
      workflow(
        [
          {
            kind: "returnData",
            values: { ran: text("yes") },
            onlyWhen: { first: { isEmpty: of(parameter("s"), "user") } },
          },
        ],
        { parameters: [{ key: "s", type: "text" }] },
      ),
    );
    const outcome = await run(definition, { s: "not a thing" });
    expect(outcome.outcome).toBe("server_error");
    expect(outcome.steps).toEqual([
      {
        index: "1",
        label: "Return data from API",
        status: "failed",
        note: '"user" was read from something that is not a thing',
      },
    ]);
  });

  it("runs a custom event: its Terminate ends only the event, its Return data gives the trigger's result", async () => {
    const event: CustomEvent = {
      name: "e",
      summary: "an event",
      parameters: [{ key: "x", type: "text" }],
      returns: [{ key: "echoed", type: "text" }],
      steps: [
        { kind: "returnData", values: { echoed: parameter("x") } },
        { kind: "terminate" },
        { kind: "returnData", values: { echoed: text("never") } },
      ],
    };
    const definition = app(
      workflow([
        { kind: "triggerCustomEvent", event: "e", parameters: { x: text("hello") } },
        { kind: "returnData", values: { got: result(1, "echoed") } },
      ]),
      [event],
    );
    const outcome = await run(definition, {});
    expect(outcome.response).toEqual({ got: "hello" });
    expect(outcome.steps.map((step) => `${step.index} ${step.status}`)).toEqual([
      "1 ran",
      "1.1 ran",
      "1.2 terminated",
      "2 ran",
    ]);
  });

  it("hands a plugin step its fields' values, leaving empty ones out, and counts it", async () => {
    calls.length = 0;
    const definition = app(
      workflow(
        [
          {
            kind: "plugin",
            action: "JWT - Session",
            fields: {
              token: { join: [parameter("a"), parameter("b")] },
              purpose: text("refresh"),
              empty: parameter("b"),
            },
          },
          { kind: "returnData", values: { echo: result(1, "echo") } },
        ],
        {
          parameters: [
            { key: "a", type: "text", optional: true },
            { key: "b", type: "text", optional: true },
          ],
        },
      ),
    );
    const outcome = await run(definition, { a: "only-a" });
    expect(calls).toEqual([{ token: "only-a", purpose: "refresh" }]);
    expect(outcome.response).toEqual({ echo: "only-a" });
    expect(outcome.cost).toMatchObject({ actions: 1, searches: 0, writes: 0 });
  });
});
