/**
 * The recommended workflows' definitions (app/app.ts) against the targets a builder can meet: the session
 * set in at most 25 actions, no condition of more than one clause, at most one Terminate per workflow, and
 * every workflow at most one plugin action and one search; `npm run workflows` prints those figures, and
 * docs/workflows.md is generated from the same definitions (README links it).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { APP } from "../app/app.js";
import type { AppDefinition } from "../app/types.js";
import {
  countsOf,
  MISTAKES_BEGIN,
  MISTAKES_END,
  sessionSetTotals,
  workflowsGuide,
} from "../build/workflows-guide.js";
import { tableIn } from "../tools/mistakes/guide.js";

const ROOT = path.resolve(import.meta.dirname, "..");

describe("the session set's targets", () => {
  const totals = sessionSetTotals(APP);

  it("is at most 25 actions, no condition of more than one clause, at most one Terminate per workflow", () => {
    expect(totals.actions).toBeLessThanOrEqual(25);
    expect(totals.multiClause).toBe(0);
    expect(totals.maxTerminatesPerWorkflow).toBeLessThanOrEqual(1);
  });

  it("runs at most one plugin action and one search in every session workflow", () => {
    for (const workflow of APP.workflows.filter((candidate) => candidate.flow === "session")) {
      const counts = countsOf(workflow, APP);
      expect(counts.pluginActions, workflow.name).toBeLessThanOrEqual(1);
      expect(counts.searches, workflow.name).toBeLessThanOrEqual(1);
    }
  });

  it("counts what the definitions hold: a condition made of two clauses and a second Terminate show up", () => {
    // The definitions are plain data: a copy can be changed as the mistakes suite does.
    const changed = structuredClone(APP) as unknown as {
      workflows: { name: string; steps: { onlyWhen?: { rest?: unknown[] } }[] }[];
    };
    const refresh = changed.workflows.find((workflow) => workflow.name === "refresh-token");
    const step = refresh?.steps[2] as { onlyWhen: { rest?: unknown[] } };
    step.onlyWhen.rest = [{ join: "or", clause: { isEmpty: { result: 2, field: "error_code" } } }];
    refresh?.steps.push({ kind: "terminate" } as never, { kind: "terminate" } as never);
    const after = sessionSetTotals(changed as unknown as AppDefinition);
    expect(after.multiClause).toBe(1);
    expect(after.maxTerminatesPerWorkflow).toBe(2);
    expect(after.actions).toBe(totals.actions + 2);
  });

  it("npm run workflows prints each workflow's counts and, last, the session set's line", () => {
    const output = execFileSync(process.execPath, ["tools/run-ts.mjs", "build/workflows.ts"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    const lines = output.trim().split("\n");
    for (const event of [...APP.customEvents, ...APP.workflows])
      expect(lines.some((line) => line.startsWith(`${event.name} `))).toBe(true);
    expect(lines.at(-1)).toBe(
      `session set: ${totals.actions} actions, ${totals.conditions} conditions (0 with more than one clause), ${totals.terminates} terminates`,
    );
  });
});

describe("the builder's guide", () => {
  const guide = readFileSync(path.join(ROOT, "docs/workflows.md"), "utf8");

  it("is the one generated from the definitions (npm run build writes it)", () => {
    // The mistakes table between its markers is the mistakes suite's (test/mistakes/suite.test.ts checks it).
    expect(guide).toBe(workflowsGuide(APP, tableIn(guide)));
  });

  it("shows every workflow's steps with their fields and Only-whens, and keeps a place for the mistakes table", () => {
    expect(guide).toContain("### `refresh-token`");
    expect(guide).toContain("   - `current_jti` = _Result of step 2's new_current_jti_\n   - `rotated_at`");
    expect(guide).toContain("   - _Only when_ Result of step 2's revoke is yes");
    expect(guide.indexOf(MISTAKES_BEGIN)).toBeGreaterThan(0);
    expect(guide.indexOf(MISTAKES_END)).toBeGreaterThan(guide.indexOf(MISTAKES_BEGIN));
  });

  it("is linked from README section 2", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## 2."), readme.indexOf("## 3."));
    expect(section).toContain("(docs/workflows.md)");
  });
});
