/**
 * Runs a scenario (a TypeScript file under test/scenarios that prints one JSON report) as a child process
 * on Node 18.20.4 and Node 22 (the runtimes Bubble runs the plugin on), so vitest, whatever Node runs it,
 * can assert on what the shipped bundles did on both.
 */
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { build, type Plugin } from "esbuild";
import { type NodeRuntime, nodeRuntimes } from "../../tools/node-runtimes.js";
import { REPORT_PREFIX } from "./report-prefix.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

export type { NodeRuntime };

export const RUNTIMES: readonly NodeRuntime[] = nodeRuntimes();

const compiled = new Map<string, Promise<string>>();

/**
 * A test file's `import.meta.dirname` is its own folder under vitest; in a bundle it would be the bundle's
 * (and Node 18 has none): each test module gets its source folder written in.
 */
const sourceDirname: Plugin = {
  name: "source-dirname",
  setup(build) {
    build.onLoad({ filter: /[\\/]test[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      return {
        contents: source.replaceAll("import.meta.dirname", JSON.stringify(path.dirname(args.path))),
        loader: "ts",
      };
    });
  },
};

/** Bundles a scenario for Node 18 once per test process; jose and the emulator are bundled in. */
function compileScenario(scenario: string): Promise<string> {
  let output = compiled.get(scenario);
  if (!output) {
    const outDir = path.join(ROOT, "node_modules/.cache/scenarios");
    mkdirSync(outDir, { recursive: true });
    const outfile = path.join(outDir, `${path.basename(scenario, ".ts")}-${process.pid}.mjs`);
    output = build({
      entryPoints: [path.join(ROOT, "test/scenarios", scenario)],
      outfile,
      bundle: true,
      platform: "node",
      target: "node18",
      format: "esm",
      logLevel: "error",
      plugins: [sourceDirname],
      // vitest 4 needs Node 20: a scenario that runs unit test files gets the small runner in its place.
      alias: { vitest: path.join(ROOT, "test/support/unit-runner.ts") },
      // ESM bundles have no require; the emulator gives server.js a real one through createRequire.
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    }).then(() => outfile);
    compiled.set(scenario, output);
  }
  return output;
}

/**
 * Runs `scenario` on `runtime` and returns its parsed report. Fails with the child's output when it crashes.
 * `nodeArgs` go to Node before the script (e.g. `--expose-gc` for a memory measurement).
 */
export async function runScenario<T = unknown>(
  scenario: string,
  runtime: NodeRuntime,
  env: Record<string, string> = {},
  timeoutMs = 120_000,
  nodeArgs: readonly string[] = [],
): Promise<T> {
  const file = await compileScenario(scenario);
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      runtime.bin,
      [...nodeArgs, file],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, out, err) =>
        error
          ? reject(new Error(`${scenario} on ${runtime.name} failed: ${error.message}\n${err}`))
          : resolve({ stdout: out, stderr: err }),
    );
  });
  const line = stdout.split("\n").find((l) => l.startsWith(REPORT_PREFIX));
  if (!line)
    throw new Error(
      `${scenario} on ${runtime.name} printed no report.\nstdout: ${stdout.slice(0, 2000)}\nstderr: ${stderr.slice(0, 2000)}`,
    );
  return JSON.parse(line.slice(REPORT_PREFIX.length)) as T;
}

/**
 * Starts `scenario` on every runtime at once and returns each run's report by runtime name, for a test
 * file's `describe.each(RUNTIMES)` hooks to await: the runs overlap instead of waiting for one another.
 * A failed run rejects where it is awaited, never as an unhandled rejection.
 */
export function onEveryRuntime<T>(
  scenario: string,
  env: Record<string, string> = {},
  timeoutMs = 120_000,
  nodeArgs: readonly string[] = [],
): ReadonlyMap<NodeRuntime["name"], Promise<T>> {
  const runs = new Map<NodeRuntime["name"], Promise<T>>();
  for (const runtime of RUNTIMES) {
    const run = runScenario<T>(scenario, runtime, env, timeoutMs, nodeArgs);
    run.catch(() => undefined);
    runs.set(runtime.name, run);
  }
  return runs;
}
