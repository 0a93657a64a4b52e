/**
 * Runs every mutant against the flows and the attacks and classifies it:
 * - loud: a normal flow fails, so the builder sees the mistake in a first test;
 * - harmless: every normal flow works and every attack is stopped;
 * - silent-insecure: an attack succeeds while every normal flow works.
 *
 * Each scenario runs in a fresh World (its own database and clock). A scenario that never reaches the
 * mutated workflow (directly or through a custom event it triggers) runs exactly as it did on the
 * unchanged app, so its baseline result stands and it is not run again.
 */
import type { AppDefinition } from "../../app/types.js";
import { type Mutant, runsOf } from "./operators.js";
import { isSetupFailure, SCENARIOS, type Scenario } from "./scenarios.js";
import type { Target, World } from "./world.js";

export type Verdict = "loud" | "harmless" | "silent-insecure";

export interface Classified {
  readonly mutant: Mutant;
  readonly verdict: Verdict;
  /** Loud: the first flow that failed and how. Silent-insecure: every attack that succeeded and how. */
  readonly evidence: readonly { readonly scenario: string; readonly detail: string }[];
}

interface ScenarioRun {
  /** undefined: the flow works / the attack was stopped; otherwise what went wrong / what it achieved. */
  readonly finding: string | undefined;
  /** An attack's own set-up (a login, the user's refresh) failed: a normal request failed, which is loud. */
  readonly setupFailed?: string;
  /** The workflows and custom events the scenario's requests ran. */
  readonly reached: ReadonlySet<string>;
}

/** Runs one scenario on a fresh World, recording which workflows it called. */
async function runScenario(
  target: Target<AppDefinition>,
  app: AppDefinition,
  scenario: Scenario,
): Promise<ScenarioRun> {
  const world = await target.open(app);
  const reached = new Set<string>();
  const recording: World = {
    ...world,
    call: (workflow, parameters) => {
      for (const name of runsOf(app, workflow)) reached.add(name);
      return world.call(workflow, parameters);
    },
    rows: () => world.rows(),
    advance: (seconds) => world.advance(seconds),
    addUser: (email, password) => world.addUser(email, password),
    didProtectedWork: (answer) => world.didProtectedWork(answer),
  };
  try {
    return { finding: await scenario.run(recording), reached };
  } catch (error) {
    if (scenario.kind === "attack" && isSetupFailure(error))
      return { finding: undefined, setupFailed: error.message, reached };
    throw error;
  } finally {
    world.close();
  }
}

/** The unchanged app's results: every flow must work and every attack must be stopped. */
export interface Baseline {
  readonly app: AppDefinition;
  readonly runs: ReadonlyMap<string, ScenarioRun>;
}

export async function baseline(target: Target<AppDefinition>, app: AppDefinition): Promise<Baseline> {
  const runs = new Map<string, ScenarioRun>();
  const problems: string[] = [];
  for (const scenario of SCENARIOS) {
    const run = await runScenario(target, app, scenario);
    runs.set(scenario.name, run);
    const problem = run.finding ?? run.setupFailed;
    if (problem) problems.push(`${scenario.kind} "${scenario.name}": ${problem}`);
  }
  if (problems.length > 0)
    throw new Error(
      `The recommended app itself fails, so no mistake can be classified:\n${problems.join("\n")}`,
    );
  return { app, runs };
}

export async function classify(
  target: Target<AppDefinition>,
  base: Baseline,
  mutant: Mutant,
): Promise<Classified> {
  const affected = (scenario: Scenario) => base.runs.get(scenario.name)?.reached.has(mutant.workflow) ?? true;
  const flows = SCENARIOS.filter((scenario) => scenario.kind === "flow" && affected(scenario));
  for (const scenario of flows) {
    const run = await runScenario(target, mutant.app, scenario);
    if (run.finding)
      return { mutant, verdict: "loud", evidence: [{ scenario: scenario.name, detail: run.finding }] };
  }
  const evidence: { scenario: string; detail: string }[] = [];
  for (const scenario of SCENARIOS.filter(
    (candidate) => candidate.kind === "attack" && affected(candidate),
  )) {
    const run = await runScenario(target, mutant.app, scenario);
    // A login or refresh the attack needed failed: a normal request failed, so the builder sees it.
    if (run.setupFailed)
      return { mutant, verdict: "loud", evidence: [{ scenario: scenario.name, detail: run.setupFailed }] };
    if (run.finding) evidence.push({ scenario: scenario.name, detail: run.finding });
  }
  return { mutant, verdict: evidence.length > 0 ? "silent-insecure" : "harmless", evidence };
}

/**
 * Classifies every mutant; the results are in the mutants' order. `parallel` mutants are run side by side:
 * each World has its own database and clock, and a request mostly waits for the plugin's crypto on libuv's
 * threads, so interleaving several keeps both cores busy.
 */
export async function classifyAll(
  target: Target<AppDefinition>,
  app: AppDefinition,
  all: readonly Mutant[],
  parallel = 4,
): Promise<Classified[]> {
  const base = await baseline(target, app);
  const results: Classified[] = new Array(all.length);
  let next = 0;
  const worker = async () => {
    while (next < all.length) {
      const index = next++;
      results[index] = await classify(target, base, all[index] as Mutant);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return results;
}
