/**
 * The runtime stand-in as strict as Bubble's plugin API v4 (its typings and manual): a test that passes on
 * it must not fail on Bubble for something the stand-in allowed. Probe actions run on Node 18 and Node 22.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { RUNTIMES, runScenario } from "./support/runtimes.js";

describe.each(RUNTIMES)("the runtime stand-in on $name", (runtime) => {
  let report: Record<string, unknown>;
  beforeAll(async () => {
    report = await runScenario<Record<string, unknown>>("runtime-stand-in.ts", runtime);
  }, 120_000);

  it("runs on the intended Node version", () => {
    expect(report.node).toBe(`v${runtime.version}`);
  });

  it("gives require Node's built-in modules and nothing else: not the project's node_modules", () => {
    expect(report["require node:crypto"]).toBe("loaded");
    expect(report["require crypto"]).toBe("loaded");
    expect(report["require jose"]).toBe("MODULE_NOT_FOUND: Cannot find module 'jose'");
    expect(report["require node-fetch"]).toBe("MODULE_NOT_FOUND: Cannot find module 'node-fetch'");
    expect(report["require ./server.js"]).toBe("MODULE_NOT_FOUND: Cannot find module './server.js'");
  });

  it("has v4's context: things by id, v3 deprecated but there, no context.async", () => {
    expect(report["context with a user"]).toMatchObject({
      contextKeys: [
        "currentUser",
        "getThingById",
        "getThingsById",
        "isBubbleList",
        "isBubbleThing",
        "keys",
        "userTimezone",
        "v3",
      ],
      v3: ["async", "request"],
      v3Async: "done",
      async: "undefined",
      found: { id: "t1", name: "Thing one", all: ["name", "tags"] },
      many: ["t1", null],
      tags: { isList: true, length: 2, first: ["x"], iterated: ["x", "y"] },
      plainArrayIsList: false,
      lookalikeIsThing: false,
    });
  });

  it("makes currentUser a Thing: id, listProperties(), get(field)", () => {
    expect((report["context with a user"] as Record<string, unknown>).user).toEqual({
      id: "u1",
      properties: ["email", "name"],
      email: "a@example.com",
      missing: null,
      isThing: true,
    });
  });

  it("in a backend workflow without a user, currentUser is an empty Thing, or null when asked", () => {
    expect((report["context without a user"] as Record<string, unknown>).user).toEqual({
      id: "",
      properties: [],
      email: null,
      missing: null,
      isThing: true,
    });
    expect((report["context with a null user"] as Record<string, unknown>).user).toBeNull();
  });

  it("passes a list that is async-iterable as well as length()/get()", () => {
    expect(report.list).toEqual({ seen: ["a", "b", "c"], length: 3, got: ["b", "c"] });
  });

  it("passes a Checkbox as its default_val until it is clicked: never empty", () => {
    expect(report["checkbox left alone"]).toEqual([true, false]);
    expect(report["checkbox clicked"]).toEqual([false, true]);
  });

  it("runs an action whose params.json has no fields (as Bubble writes one)", () => {
    expect(report["no fields"]).toEqual({});
  });

  it("offers node-fetch v2 as fetch by default (a Node stream body, no getReader), Node's own when asked", () => {
    expect(report["fetch by default"]).toEqual({
      nodeFetch: true,
      reader: false,
      stream: true,
      text: '{"keys":[]}',
    });
    expect(report["fetch: Node's own"]).toEqual({
      nodeFetch: false,
      reader: true,
      stream: false,
      text: '{"keys":[]}',
    });
  });
});
