/**
 * The mutation operators on small hand-made definitions: each makes the mistake it names, in every place it
 * can be made, with references following their steps as Bubble's do, and never touches the app it was given.
 */
import { describe, expect, it } from "vitest";
import { isNo, isYes, of, parameter, result, text, yes } from "../../app/expressions.js";
import type { ApiWorkflow, AppDefinition, Step, ValueType } from "../../app/types.js";
import {
  type Mutant,
  mutants,
  negate,
  OPERATORS,
  type Operator,
  runsOf,
} from "../../tools/mistakes/operators.js";

const SETTINGS = {
  exposeAsPublicApiWorkflow: true,
  runWithoutAuthentication: true,
  ignorePrivacyRules: true,
};

const findThing: Step = {
  kind: "returnData",
  values: {
    thing: {
      search: {
        type: "Thing",
        constraints: [{ field: "key", op: "is", value: parameter("key") }],
        take: "first item",
      },
    },
  },
};

/** find → decide → write Only when rotate → Terminate Only when ok is no → Return data. */
const workflow: ApiWorkflow = {
  name: "work",
  flow: "session",
  summary: "",
  parameters: [{ key: "key", type: "text" }],
  settings: SETTINGS,
  steps: [
    { kind: "triggerCustomEvent", event: "find", parameters: { key: parameter("key") } },
    {
      kind: "plugin",
      action: "Decide",
      fields: { token: parameter("key"), stored: of(result(1, "thing"), "a") },
    },
    {
      kind: "makeChanges",
      thing: of(result(1, "thing")),
      fields: { a: result(2, "new_a") },
      onlyWhen: isYes(result(2, "rotate")),
    },
    { kind: "terminate", onlyWhen: isNo(result(2, "ok")) },
    { kind: "returnData", values: { out: result(2, "new_a"), code: text("fixed") } },
  ],
};

const app: AppDefinition = {
  dataTypes: [
    {
      name: "Thing",
      origin: "new",
      fields: [
        { name: "key", type: "text", holds: "" },
        { name: "a", type: "text", holds: "" },
        { name: "when", type: "date", holds: "" },
      ],
      privacy: { everyoneElse: { viewAllFields: false, findInSearches: false } },
    },
  ],
  customEvents: [
    {
      name: "find",
      summary: "",
      parameters: [{ key: "key", type: "text" }],
      returns: [{ key: "thing", type: "Thing" }],
      steps: [findThing],
    },
  ],
  workflows: [workflow],
};

const RETURNS = new Map<string, ValueType>([
  ["ok", "yes/no"],
  ["rotate", "yes/no"],
  ["new_a", "text"],
  ["token", "text"],
  ["when", "date"],
]);
const returnTypes = (action: string) => (action === "Decide" ? RETURNS : undefined);

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const all = mutants(deepFreeze(structuredClone(app)), returnTypes);
const of_ = (operator: Operator) => all.filter((mutant) => mutant.operator === operator);
const steps = (mutant: Mutant, name = "work") =>
  [...mutant.app.workflows, ...mutant.app.customEvents].find((c) => c.name === name)?.steps ?? [];

describe("mutation operators", () => {
  it("each operator makes mutants of a small app, and none changes the app it was given", () => {
    for (const operator of OPERATORS) expect(of_(operator).length, operator).toBeGreaterThan(0);
    expect(all.length).toBe(new Set(all.map((mutant) => `${mutant.workflow}|${mutant.mistake}`)).size);
  });

  it("drop a step: later references are renumbered and references to the deleted step become empty", () => {
    const dropped = of_("drop a step");
    expect(dropped.map((mutant) => `${mutant.workflow} ${mutant.step}`)).toEqual([
      "find 1",
      "work 1",
      "work 2",
      "work 3",
      "work 5",
    ]);
    const withoutFind = steps(dropped[1] as Mutant);
    expect(withoutFind).toHaveLength(4);
    // Step 2 (Decide) is now step 1; its field read Result of step 1 (the deleted trigger): empty now.
    expect(withoutFind[0]).toMatchObject({ fields: { stored: { thing: { literal: null }, path: ["a"] } } });
    expect(withoutFind[1]).toMatchObject({
      fields: { a: result(1, "new_a") },
      onlyWhen: isYes(result(1, "rotate")),
    });
    const withoutDecide = steps(dropped[2] as Mutant);
    expect(withoutDecide[1]).toMatchObject({
      fields: { a: { literal: null } },
      thing: of(result(1, "thing")),
    });
  });

  it("drop a Terminate is its own operator", () => {
    const dropped = of_("drop a Terminate");
    expect(dropped).toHaveLength(1);
    expect(dropped[0]?.mistake).toBe("step 4 (Terminate this workflow) deleted");
    expect(steps(dropped[0] as Mutant).map((step) => step.kind)).toEqual([
      "triggerCustomEvent",
      "plugin",
      "makeChanges",
      "returnData",
    ]);
  });

  it("drop and negate an Only when", () => {
    const dropped = of_("drop an Only when");
    expect(dropped.map((mutant) => mutant.step)).toEqual([3, 4]);
    expect(steps(dropped[0] as Mutant)[2]?.onlyWhen).toBeUndefined();
    const negated = of_("negate an Only when");
    expect(steps(negated[0] as Mutant)[2]?.onlyWhen).toEqual(isNo(result(2, "rotate")));
    expect(steps(negated[1] as Mutant)[3]?.onlyWhen).toEqual(isYes(result(2, "ok")));
    expect(negated[1]?.mistake).toBe(
      `step 4 (Terminate this workflow): Only when "Result of step 2's ok is no" written "Result of step 2's ok is yes"`,
    );
  });

  it("negate takes the editor's other choice", () => {
    const value = parameter("x");
    expect(negate({ isEmpty: value })).toEqual({ isNotEmpty: value });
    expect(negate({ isNotEmpty: value })).toEqual({ isEmpty: value });
    expect(negate({ left: value, op: "is", right: yes })).toEqual({
      left: value,
      op: "is",
      right: { literal: false },
    });
    expect(negate({ left: value, op: "is", right: text("a") })).toMatchObject({ op: "is not" });
    expect(negate({ left: value, op: "<", right: value })).toMatchObject({ op: ">=" });
  });

  it("swap two adjacent steps: references follow their steps; one to a step now later is empty", () => {
    const swapped = of_("swap two adjacent steps");
    expect(swapped.map((mutant) => `${mutant.workflow} ${mutant.step}`)).toEqual([
      "work 1",
      "work 2",
      "work 3",
      "work 4",
    ]);
    // Decide first, then the trigger: Decide's read of the trigger's result is empty.
    const first = steps(swapped[0] as Mutant);
    expect(first[0]).toMatchObject({ kind: "plugin", fields: { stored: { thing: { literal: null } } } });
    expect(first[2]).toMatchObject({ thing: of(result(2, "thing")), fields: { a: result(1, "new_a") } });
    // The write and the Terminate exchanged: both still read step 2.
    const late = steps(swapped[2] as Mutant);
    expect(late.map((step) => step.kind)).toEqual([
      "triggerCustomEvent",
      "plugin",
      "terminate",
      "makeChanges",
      "returnData",
    ]);
    expect(late[3]).toMatchObject({ onlyWhen: isYes(result(2, "rotate")) });
  });

  it("wire a neighbouring value: each other return value, or thing field, of the same type", () => {
    const wired = of_("wire a neighbouring value of the same type").map((mutant) => mutant.mistake);
    expect(wired).toEqual([
      "step 2 (Decide): Result of step 1's thing's a wired as Result of step 1's thing's key (text)",
      "step 2 (Decide): Result of step 1's thing's a wired as Result of step 1's thing's unique id (text)",
      "step 3 (Make changes to a): Result of step 2's rotate wired as Result of step 2's ok (yes/no)",
      "step 3 (Make changes to a): Result of step 2's new_a wired as Result of step 2's token (text)",
      "step 4 (Terminate this workflow): Result of step 2's ok wired as Result of step 2's rotate (yes/no)",
      "step 5 (Return data out, code): Result of step 2's new_a wired as Result of step 2's token (text)",
    ]);
    const condition = of_("wire a neighbouring value of the same type")[2] as Mutant;
    expect(steps(condition)[2]).toMatchObject({ fields: { a: result(2, "new_a") } });
    expect(steps(condition)[2]?.onlyWhen).toEqual(isYes(result(2, "ok")));
  });

  it("settings: each workflow's boxes unticked, each search's Ignore empty constraints flipped", () => {
    const privacy = of_("leave Ignore privacy rules unticked");
    expect(privacy.map((mutant) => mutant.app.workflows[0]?.settings)).toEqual([
      { ...SETTINGS, ignorePrivacyRules: false },
    ]);
    const auth = of_("untick run without authentication");
    expect(auth.map((mutant) => mutant.app.workflows[0]?.settings)).toEqual([
      { ...SETTINGS, runWithoutAuthentication: false },
    ]);
    const flipped = of_("flip Ignore empty constraints");
    expect(flipped).toHaveLength(1);
    expect(steps(flipped[0] as Mutant, "find")[0]).toMatchObject({
      values: { thing: { search: { ignoreEmptyConstraints: false } } },
    });
    expect(flipped[0]?.mistake).toBe('step 1 (Return data thing): "Ignore empty constraints" unticked');
  });

  it("runsOf names a workflow and the custom events it triggers", () => {
    expect([...runsOf(app, "work")]).toEqual(["work", "find"]);
    expect([...runsOf(app, "find")]).toEqual(["find"]);
  });
});
