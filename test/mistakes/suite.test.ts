/**
 * The mistakes suite on the recommended app (what `npm run workflows -- --mistakes` runs): no single builder
 * mistake is silent-insecure, every operator made mutants, and the guide carries the section the suite now
 * writes. Then holes the suite must see: apps with a hole put in on purpose are classified silent-insecure,
 * so an S of 0 means the attacks looked, not that they cannot find anything.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { APP } from "../../app/app.js";
import { isNo, result } from "../../app/expressions.js";
import type { ApiWorkflow, AppDefinition, Step } from "../../app/types.js";
import { baseline, classify } from "../../tools/mistakes/classify.js";
import { storedTable } from "../../tools/mistakes/guide.js";
import { type Mutant, OPERATORS } from "../../tools/mistakes/operators.js";
import { guideSection, summaryLine } from "../../tools/mistakes/report.js";
import { builtReturnTypes, runSuite, type SuiteResult } from "../../tools/mistakes/suite.js";
import { interpreterTargets } from "../../tools/mistakes/target.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const ACTIONS = path.join(ROOT, "actions");
const targets = interpreterTargets(ACTIONS);

let suite: SuiteResult;

beforeAll(async () => {
  suite = await runSuite(targets, APP, builtReturnTypes(ACTIONS));
  // The run time, for the record (the bench owns performance; nothing here asserts a duration).
  console.log(`mistakes suite: ${suite.results.length} mistakes in ${(suite.ms / 1000).toFixed(1)} s`);
}, 900_000);

const verdictOf = (workflow: string, mistake: string) =>
  suite.results.find((found) => found.mutant.workflow === workflow && found.mutant.mistake === mistake)
    ?.verdict;

describe("the recommended app's single mistakes", () => {
  const silentIn = (flow: "session" | "one-token") => {
    const names = new Set(APP.workflows.filter((w) => w.flow === flow).map((w) => w.name));
    if (flow === "session") for (const event of APP.customEvents) names.add(event.name);
    return suite.results
      .filter((found) => found.verdict === "silent-insecure" && names.has(found.mutant.workflow))
      .map((found) => `${found.mutant.workflow}: ${found.mutant.mistake}: ${JSON.stringify(found.evidence)}`);
  };

  it("none in the session set is silent-insecure", () => {
    expect(silentIn("session")).toEqual([]);
  });

  it("none in the one-token flow is silent-insecure", () => {
    expect(silentIn("one-token")).toEqual([]);
  });

  it("none is silent-insecure (S = 0)", () => {
    expect(summaryLine(suite.results)).toMatch(/^\d+ mistakes: \d+ loud, \d+ harmless, 0 silent-insecure$/);
  });

  it("every operator made mutants, and each was classified", () => {
    for (const operator of OPERATORS)
      expect(suite.mutants.filter((mutant) => mutant.operator === operator).length, operator).toBeGreaterThan(
        0,
      );
    expect(suite.results).toHaveLength(suite.mutants.length);
  });

  it("classifies the mistakes the design is built around as it means to", () => {
    // Two gates in protected-action: losing one is harmless.
    expect(verdictOf("protected-action", "step 4 (Terminate this workflow) deleted")).toBe("harmless");
    // The rotation's write is what the next refresh needs: losing it is seen at once.
    expect(
      verdictOf("refresh-token", "step 3 (Make changes to current_jti, rotated_at, expires_at) deleted"),
    ).toBe("loud");
    // Without "run without authentication", every call is Bubble's 401.
    expect(verdictOf("login", '"This workflow can be run without authentication" unticked')).toBe("loud");
  });

  it("the guide carries the section the suite now writes (npm run workflows -- --mistakes)", () => {
    expect(storedTable(ROOT)).toBe(guideSection(suite.results));
  });
});

/** The recommended app with `change` applied to the steps of `workflow`. */
function changed(workflow: string, change: (steps: readonly Step[]) => Step[]): AppDefinition {
  return {
    ...APP,
    workflows: APP.workflows.map(
      (candidate): ApiWorkflow =>
        candidate.name === workflow ? { ...candidate, steps: change(candidate.steps) } : candidate,
    ),
  };
}

async function verdictFor(app: AppDefinition, workflow: string) {
  const none = new Set<never>();
  const mutant: Mutant = { operator: "drop a step", workflow, mistake: "a hole put in on purpose", app };
  return classify(targets(none), await baseline(targets(none), APP), mutant);
}

describe("holes the suite must see", () => {
  it("protected-action with both gates gone: junk tokens get the work done", async () => {
    const app = changed("protected-action", (steps) =>
      steps
        .filter((step) => step.kind !== "terminate")
        .map((step) => (step.kind === "yourWork" ? { kind: "yourWork", user: step.user } : step)),
    );
    const found = await verdictFor(app, "protected-action");
    expect(found.verdict).toBe("silent-insecure");
    expect(found.evidence.map((item) => item.scenario)).toContain("junk and empty tokens");
  });

  it("logout writing revoked = yes without its Only when: junk with a victim's session_id ends that session", async () => {
    const app = changed("logout", (steps) =>
      steps.map(
        (step): Step =>
          step.kind === "makeChanges"
            ? { kind: "makeChanges", thing: step.thing, fields: { revoked: { literal: true } } }
            : step,
      ),
    );
    const found = await verdictFor(app, "logout");
    expect(found.verdict).toBe("silent-insecure");
    expect(found.evidence[0]?.detail).toMatch(/logout changed (a|the victim's) Session row/);
  });

  it("token-refresh with a 300 s grace and the Revoked token's expires_at wired to expires_at: a token refreshed twice", async () => {
    const app = changed("token-refresh", (steps) =>
      steps.map((step): Step => {
        if (step.kind === "plugin")
          return {
            ...step,
            fields: { ...step.fields, grace_period: { literal: 300, setting: "refreshGraceSeconds" } },
          };
        if (step.kind === "createThing")
          return { ...step, fields: { ...step.fields, expires_at: result(1, "expires_at") } };
        return step;
      }),
    );
    const found = await verdictFor(app, "token-refresh");
    expect(found.verdict).toBe("silent-insecure");
    expect(found.evidence[0]?.detail).toMatch(/^inside the grace period: token-refresh handed out token/);
  });

  it("refresh-token revoking on every refusal (Only when ok is no): junk with a victim's session_id ends it", async () => {
    const app = changed("refresh-token", (steps) =>
      steps.map(
        (step): Step =>
          step.kind === "makeChanges" && "revoked" in step.fields
            ? { ...step, onlyWhen: isNo(result(2, "ok")) }
            : step,
      ),
    );
    const found = await verdictFor(app, "refresh-token");
    expect(found.verdict).toBe("silent-insecure");
    expect(found.evidence[0]?.detail).toMatch(/refresh-token changed (a|the victim's) Session row/);
  });
});
