/**
 * The benchmark harness works (not how fast anything is: figures belong to `npm run bench`): one short
 * cold and warm measurement of the plugin and jose's floor on Node 18 and Node 22 returns a
 * finite positive figure for every cell, and the report names each target.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { measureCold } from "../bench/cold.js";
import { renderReport } from "../bench/report.js";
import { childScript, freshKeys, PLUGIN_ACTIONS, runtimes, variantActionDirs } from "../bench/setup.js";
import { measureSizes } from "../bench/size.js";
import { measureWarm } from "../bench/warm.js";

describe("npm run bench harness", () => {
  const nodes = runtimes();
  let cold: Awaited<ReturnType<typeof measureCold>>;
  let warm: Awaited<ReturnType<typeof measureWarm>>;

  beforeAll(async () => {
    const dirs = await variantActionDirs();
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

  it("reports sizes, ratios and every target", () => {
    const report = renderReport({
      nodeVersions: Object.fromEntries(nodes.map((node) => [node.name, node.name])),
      sizes: measureSizes(PLUGIN_ACTIONS),
      baselineSizes: {},
      cold,
      warm,
      settings: "test",
    });
    expect(report).toContain("| JWT - Verify token |");
    expect(report).toMatch(/- cold on node18: \d+\.\d\d× jose/);
    expect(report).toMatch(/- warm RS256 Generate on node18: \d+\.\d\d× jose/);
    expect(report).toMatch(/- largest server\.js: \d+\.\d KB/);
  });
});
