/**
 * The mistakes suite end to end: the recommended app's mutants, classified against the interpreter, and
 * the report. `npm run workflows -- --mistakes` prints it; the guide carries its per-step table.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { AppDefinition, ValueType } from "../../app/types.js";
import { type Classified, classifyAll } from "./classify.js";
import { type Mutant, mutants, type ReturnTypes } from "./operators.js";
import type { Targets } from "./world.js";

/** The return values' types of the built actions (params.json), as the workflow editor offers them. */
export function builtReturnTypes(actionsDir: string): ReturnTypes {
  const byAction = new Map<string, Map<string, ValueType>>();
  for (const folder of readdirSync(actionsDir)) {
    const params = JSON.parse(readFileSync(path.join(actionsDir, folder, "params.json"), "utf8")) as {
      display: string;
      return_value?: Record<string, { name: string; value: string }>;
    };
    const types = new Map<string, ValueType>();
    for (const value of Object.values(params.return_value ?? {}))
      types.set(value.name, value.value === "boolean" ? "yes/no" : value.value);
    byAction.set(params.display, types);
  }
  return (action) => byAction.get(action);
}

export interface SuiteResult {
  readonly mutants: readonly Mutant[];
  readonly results: readonly Classified[];
  readonly ms: number;
}

export async function runSuite(
  targets: Targets<AppDefinition>,
  app: AppDefinition,
  returnTypes: ReturnTypes,
): Promise<SuiteResult> {
  const started = performance.now();
  const all = mutants(app, returnTypes);
  const results = await classifyAll(targets, app, all);
  return { mutants: all, results, ms: Math.round(performance.now() - started) };
}
