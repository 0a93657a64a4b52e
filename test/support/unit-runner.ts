/**
 * The part of vitest's API the unit suites use (describe, it, hooks, `.each`, expect), small enough to run
 * on Node 18, where vitest 4 does not. test/scenarios/jwt-units.ts is bundled with "vitest" resolved to
 * this file, so the unmodified test files run their assertions on Node 18 and Node 22 as child processes.
 * `expect` is vitest's own (@vitest/expect on chai), so each assertion means what it means under vitest.
 * Anything else a test file imports from "vitest" fails the bundle, and a missing modifier (`it.skip`,
 * `expect.soft`) fails the file: nothing is passed over silently.
 */
import { JestAsymmetricMatchers, JestChaiExpect, JestExtend } from "@vitest/expect";
import * as chai from "chai";

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

export const expect = chai.expect as unknown as typeof import("vitest").expect;

type Hook = () => unknown;
type TestFn = () => unknown;

interface Suite {
  readonly name: string;
  readonly tests: { readonly name: string; readonly fn: TestFn; readonly timeoutMs: number }[];
  readonly suites: Suite[];
  readonly beforeAll: Hook[];
  readonly afterAll: Hook[];
  readonly beforeEach: Hook[];
  readonly afterEach: Hook[];
}

/** What one file's run found: the full name of every passed test, and every failure with its message. */
export interface UnitResults {
  readonly passed: string[];
  readonly failed: { readonly name: string; readonly error: string }[];
}

const DEFAULT_TIMEOUT_MS = 30_000;

const newSuite = (name: string): Suite => ({
  name,
  tests: [],
  suites: [],
  beforeAll: [],
  afterAll: [],
  beforeEach: [],
  afterEach: [],
});

let current = newSuite("");

function collect(name: string, body: () => unknown): void {
  const suite = newSuite(name);
  current.suites.push(suite);
  const parent = current;
  current = suite;
  try {
    const result = body();
    if (result instanceof Promise)
      throw new Error(`describe("${name}") must collect its tests synchronously`);
  } finally {
    current = parent;
  }
}

/**
 * vitest's names for `.each` rows: `$key` of an object row (displayed as vitest displays a value: a string
 * in single quotes), printf-style `%s`/`%d`/`%i`/`%j` of an array row, `%#` its index. test/unit-suites.test.ts
 * compares the names with the ones vitest gives.
 */
function rowName(template: string, row: unknown, index: number): string {
  const args = Array.isArray(row) ? row : [row];
  let next = 0;
  return template
    .replace(/\$([\w.]+)/g, (whole, key: string) =>
      row !== null && typeof row === "object" && !Array.isArray(row) && key in row
        ? display((row as Record<string, unknown>)[key])
        : whole,
    )
    .replace(/%[sdijo#%]/g, (token) => {
      if (token === "%%") return "%";
      if (token === "%#") return String(index);
      const value = args[next++];
      return token === "%j" || token === "%o" ? JSON.stringify(value) : String(value);
    });
}

/** A value in a `$key` name, as vitest's objDisplay shows the kinds the suites use. */
function display(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  if (value === null || typeof value !== "object") return String(value);
  return JSON.stringify(value);
}

/** vitest's third argument: a timeout in milliseconds, or options holding one. */
type TestOptions = number | { readonly timeout?: number };

function defineTest(name: string, fn: TestFn, options?: TestOptions): void {
  const timeoutMs = (typeof options === "number" ? options : options?.timeout) ?? DEFAULT_TIMEOUT_MS;
  current.tests.push({ name, fn, timeoutMs });
}

/** A row's arguments, as vitest passes them: an array row spread, any other row as the one argument. */
type RowArgs<Row> = Row extends readonly unknown[] ? Row : [Row];

function each(define: (name: string, fn: () => unknown, options?: TestOptions) => void) {
  return <Row>(table: readonly Row[]) =>
    (template: string, fn: (...args: RowArgs<Row>) => unknown, options?: TestOptions) => {
      table.forEach((row, index) => {
        const args = (Array.isArray(row) ? row : [row]) as RowArgs<Row>;
        define(rowName(template, row, index), () => fn(...args), options);
      });
    };
}

export const describe = Object.assign((name: string, body: () => unknown) => collect(name, body), {
  each: each((name, body) => collect(name, body)),
});
export const it = Object.assign(defineTest, { each: each(defineTest) });
export const test = it;
export const beforeAll = (hook: Hook) => void current.beforeAll.push(hook);
export const afterAll = (hook: Hook) => void current.afterAll.push(hook);
export const beforeEach = (hook: Hook) => void current.beforeEach.push(hook);
export const afterEach = (hook: Hook) => void current.afterEach.push(hook);

async function withTimeout(fn: () => unknown, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(fn), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const message = (error: unknown) => (error instanceof Error ? `${error.message}` : String(error));

async function runSuite(
  suite: Suite,
  path: readonly string[],
  outer: { beforeEach: readonly Hook[]; afterEach: readonly Hook[] },
  results: UnitResults,
): Promise<void> {
  const names = suite.name ? [...path, suite.name] : [...path];
  const beforeEach = [...outer.beforeEach, ...suite.beforeEach];
  const afterEach = [...suite.afterEach, ...outer.afterEach];
  const everyTest = (s: Suite): string[] => [
    ...s.tests.map((t) => t.name),
    ...s.suites.flatMap((inner) => everyTest(inner).map((n) => `${inner.name} > ${n}`)),
  ];
  // As under vitest, a beforeAll hook may return its own teardown, which runs after the suite.
  const teardowns: Hook[] = [];
  try {
    for (const hook of suite.beforeAll) {
      await withTimeout(
        async () => {
          const teardown = await hook();
          if (typeof teardown === "function") teardowns.unshift(teardown as Hook);
        },
        DEFAULT_TIMEOUT_MS,
        "beforeAll",
      );
    }
  } catch (error) {
    for (const name of everyTest(suite))
      results.failed.push({ name: [...names, name].join(" > "), error: `beforeAll: ${message(error)}` });
    await runAfterAll(suite, teardowns, names, results);
    return;
  }
  for (const t of suite.tests) {
    const name = [...names, t.name].join(" > ");
    const errors: unknown[] = [];
    try {
      for (const hook of beforeEach) await withTimeout(hook, DEFAULT_TIMEOUT_MS, "beforeEach");
      await withTimeout(t.fn, t.timeoutMs, "test");
    } catch (error) {
      errors.push(error);
    }
    // The afterEach hooks run after a failure too, as under vitest.
    for (const hook of afterEach) {
      await withTimeout(hook, DEFAULT_TIMEOUT_MS, "afterEach").catch((error: unknown) => errors.push(error));
    }
    if (errors.length === 0) results.passed.push(name);
    else results.failed.push({ name, error: errors.map(message).join("; ") });
  }
  for (const inner of suite.suites) await runSuite(inner, names, { beforeEach, afterEach }, results);
  await runAfterAll(suite, teardowns, names, results);
}

/** A suite's teardowns and afterAll hooks, each run even when one before it failed, as under vitest. */
async function runAfterAll(
  suite: Suite,
  teardowns: readonly Hook[],
  names: readonly string[],
  results: UnitResults,
): Promise<void> {
  for (const hook of [...teardowns, ...suite.afterAll]) {
    await withTimeout(hook, DEFAULT_TIMEOUT_MS, "afterAll").catch((error: unknown) => {
      results.failed.push({ name: [...names, "afterAll"].join(" > "), error: message(error) });
    });
  }
}

/** Imports one test file (which registers its tests here) and runs what it registered. */
export async function runTestFile(load: () => Promise<unknown>): Promise<UnitResults> {
  current = newSuite("");
  const root = current;
  const results: UnitResults = { passed: [], failed: [] };
  await load();
  await runSuite(root, [], { beforeEach: [], afterEach: [] }, results);
  return results;
}
