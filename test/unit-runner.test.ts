/**
 * The small runner that runs the in-process suites on Node 18 and Node 22 (test/support/unit-runner.ts)
 * reports what vitest would: a failed assertion fails its test, hooks run in vitest's order (afterEach
 * and teardowns after a failure too), `.each` names its rows, and a failed beforeAll fails its tests.
 */
import { describe, expect, it } from "vitest";
import * as runner from "./support/unit-runner.js";

describe("the in-process suites' runner", () => {
  it("passes and fails tests as their assertions say, running every hook in order", async () => {
    const order: string[] = [];
    const results = await runner.runTestFile(async () => {
      runner.beforeAll(() => {
        order.push("beforeAll");
        return () => order.push("teardown");
      });
      runner.afterAll(() => order.push("afterAll"));
      runner.describe("group", () => {
        runner.beforeEach(() => order.push("beforeEach"));
        runner.afterEach(() => order.push("afterEach"));
        runner.it("passes", () => runner.expect({ a: [1] }).toEqual({ a: [1] }));
        runner.it("fails", async () => {
          await runner.expect(Promise.reject(new Error("no"))).rejects.toThrow("yes");
        });
        runner.it.each([
          { alg: "HS256", n: 1 },
          { alg: "ES256", n: 2 },
        ])("$alg row", ({ n }) => runner.expect(n).toBe(1));
      });
    });
    // As vitest names them: a string shown by `$key` is quoted.
    expect(results.passed).toEqual(["group > passes", "group > 'HS256' row"]);
    expect(results.failed.map((f) => f.name)).toEqual(["group > fails", "group > 'ES256' row"]);
    expect(results.failed[1]?.error).toMatch(/expected 2 to be 1/);
    expect(order).toEqual([
      "beforeAll",
      ...Array(4).fill(["beforeEach", "afterEach"]).flat(),
      "teardown",
      "afterAll",
    ]);
  });

  it("fails every test of a suite whose beforeAll throws, and still runs its afterAll", async () => {
    let cleaned = false;
    const results = await runner.runTestFile(async () => {
      runner.describe("broken", () => {
        runner.beforeAll(() => {
          throw new Error("server did not start");
        });
        runner.afterAll(() => {
          cleaned = true;
        });
        runner.it("one", () => undefined);
        runner.describe("inner", () => runner.it("two", () => undefined));
      });
    });
    expect(results.passed).toEqual([]);
    expect(results.failed).toEqual([
      { name: "broken > one", error: "beforeAll: server did not start" },
      { name: "broken > inner > two", error: "beforeAll: server did not start" },
    ]);
    expect(cleaned).toBe(true);
  });

  it("times a test out at its own timeout", async () => {
    const results = await runner.runTestFile(async () => {
      runner.it("hangs", () => new Promise(() => undefined), { timeout: 20 });
    });
    expect(results.failed).toEqual([{ name: "hangs", error: "test timed out after 20 ms" }]);
  });
});
