/**
 * The benchmark harness works (not how fast anything is: figures belong to `npm run bench`): one short
 * cold and warm measurement of the plugin and jose's floor on Node 18 and Node 22 returns a
 * finite positive figure for every cell, and the generated report (docs/performance.md) has every table
 * and target.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BACKEND_COSTS_HEADING } from "../bench/backend.js";
import { WARM_CASES } from "../bench/cases.js";
import { measureCold } from "../bench/cold.js";
import { measureProtectedAction } from "../bench/load.js";
import { PERFORMANCE_DOC, renderDocument } from "../bench/report.js";
import { refuseOneMegabyteTokenMicros } from "../bench/security.js";
import { childScript, freshKeys, PLUGIN_ACTIONS, ROOT, runtimes, variantActionDirs } from "../bench/setup.js";
import { measureSizes } from "../bench/size.js";
import { measureWarm } from "../bench/warm.js";

describe("npm run bench harness", () => {
  const nodes = runtimes();
  let cold: Awaited<ReturnType<typeof measureCold>>;
  let warm: Awaited<ReturnType<typeof measureWarm>>;
  let dirs: Awaited<ReturnType<typeof variantActionDirs>>;

  beforeAll(async () => {
    dirs = await variantActionDirs();
    const [coldScript, warmScript] = await Promise.all([
      childScript("cold-child"),
      childScript("warm-child"),
    ]);
    const keys = freshKeys();
    cold = await measureCold({
      runtimes: nodes,
      actionDirs: { plugin: dirs.plugin, jose: dirs.jose },
      keys,
      script: coldScript,
      rounds: 1,
    });
    warm = await measureWarm({
      runtimes: nodes,
      actionsDir: PLUGIN_ACTIONS,
      variants: ["plugin", "jose"],
      keys,
      script: warmScript,
      children: 1,
      samples: 1,
      sampleMs: 2,
      warmupMs: 5,
    });
  }, 60_000);

  it("measures a cold first Generate and Verify of each implementation on each Node", () => {
    for (const node of nodes) {
      for (const variant of ["plugin", "jose"] as const) {
        const figures = cold[node.name]?.[variant];
        for (const value of Object.values(figures ?? {})) expect(value).toBeGreaterThan(0);
        expect(Object.keys(figures ?? {}).sort()).toEqual(["generateMs", "startupMs", "totalMs", "verifyMs"]);
        expect(Number.isFinite(figures?.totalMs)).toBe(true);
      }
    }
  });

  it("measures every warm call of each implementation on each Node", () => {
    for (const node of nodes) {
      for (const name of ["HS256 Verify", "RS256 Generate", "ES256 Verify", "EdDSA Verify"]) {
        for (const variant of ["plugin", "jose"] as const) {
          const figure = warm[node.name]?.[name]?.[variant];
          for (const value of [figure?.perCallUs, figure?.floorUs, figure?.ratio]) {
            expect(Number.isFinite(value)).toBe(true);
            expect(value).toBeGreaterThan(0);
          }
        }
      }
    }
  });

  it("writes a report with every table and every target, shaped like the committed docs/performance.md", async () => {
    const load = await measureProtectedAction({ requests: 50, concurrency: 5, warmup: 10 });
    const refusalUs = await refuseOneMegabyteTokenMicros(5, 2);
    const nodeVersions = Object.fromEntries(
      nodes.map((node) => [node.name, execFileSync(node.bin, ["--version"]).toString().trim()]),
    );
    const document = renderDocument(
      {
        nodeVersions,
        sizes: measureSizes(PLUGIN_ACTIONS),
        baselineSizes: { jose: measureSizes(dirs.jose) },
        cold,
        warm,
        settings: "test",
      },
      { load, refusalUs, backend: "" },
      new Date(),
    );
    const shape = skeleton(document);
    for (const node of nodes) {
      expect(shape).toContain(`### Cold start on ${node.name} (${nodeVersions[node.name]})`);
      expect(shape).toContain(`### Warm calls on ${node.name} (${nodeVersions[node.name]})`);
      for (const variant of ["plugin", "jose"]) expect(shape).toContain(`| ${variant}`);
      expect(shape).toContain(`- cold on ${node.name}`);
      for (const name of WARM_CASES) {
        expect(shape).toContain(`| ${name}`);
        expect(shape).toContain(`- warm ${name} on ${node.name}`);
      }
    }
    for (const size of measureSizes(PLUGIN_ACTIONS)) expect(shape).toContain(`| ${size.display}`);
    expect(shape.filter((line) => line.startsWith("- largest server.js ("))).toHaveLength(1);
    expect(document).toMatch(/- cold on node22: \d+\.\d\d× jose \(≤ 1\.3\), jsonwebtoken and fast-jwt not/);
    expect(document).toMatch(/\d+ requests\/s, p50 \d+\.\d ms, p99 \d+\.\d ms, 0 errors/);

    // The committed report has the same headings, rows and targets (its figures are its own run's): a
    // table, an action or a target added without running `npm run bench` again fails here. The comparison
    // implementations other than jose are measured by the full run only.
    const fullRunOnly = (line: string) => /^\| \(?(jsonwebtoken|fast-jwt)\b/.test(line);
    const text = readFileSync(path.join(ROOT, PERFORMANCE_DOC), "utf8");
    expect(text).toMatch(/^# Performance\n\nGenerated by `npm run bench` on \d{4}-\d\d-\d\d: do not edit/);
    expect(text).toMatch(/^Settings: full: /m);
    // The local backend's tables (bench/backend.ts, which fills databases of 100,000 users) come last and
    // are written by the full run only: the committed report must have them, with no cost that grows.
    const backendStart = text.indexOf(BACKEND_COSTS_HEADING);
    expect(backendStart).toBeGreaterThan(0);
    expect(text.slice(backendStart)).toContain("No workflow's cost grows with the database.");
    expect(text.slice(backendStart)).toContain("### Local backend under load (autocannon)");
    const committed = skeleton(text.slice(0, backendStart));
    expect(committed.filter((line) => !fullRunOnly(line))).toEqual(shape);
  });
});

/**
 * A report's shape without its figures: each heading, the first cell of each table row, and each target
 * up to its figure.
 */
function skeleton(markdown: string): string[] {
  return markdown.split("\n").flatMap((line) => {
    if (line.startsWith("#")) return [line];
    if (line.startsWith("|") && !line.startsWith("|---")) return [line.split(" | ")[0]?.trim() ?? line];
    if (line.startsWith("- ")) return [line.slice(0, line.indexOf(":"))];
    return [];
  });
}
