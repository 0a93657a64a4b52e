/**
 * Runs every mutant against the flows and the attacks and classifies it:
 * - loud: a normal flow fails, so the builder sees the mistake in a first test;
 * - harmless: every normal flow works and every attack is stopped;
 * - silent-insecure: an attack succeeds while every normal flow works.
 *
 * Each scenario runs in a fresh World (its own database and clock). A scenario that never reaches the
 * mutated workflow (directly or through a custom event it triggers) runs exactly as it did on the
 * unchanged app, so its baseline result stands and it is not run again.
 *
 * Where Bubble's behaviour is undocumented (does Return data end the workflow? what does Make changes do
 * to an empty thing?), a mutant whose requests met it is run again the other way, and the worse verdict
 * counts: a design must hold on whichever Bubble really does.
 */
import type { AppDefinition } from "../../app/types.js";
import { type Mutant, runsOf } from "./operators.js";
import { isSetupFailure, SCENARIOS, type Scenario } from "./scenarios.js";
import { type Target, type Targets, UNDOCUMENTED, type Undocumented, type World } from "./world.js";

export type Verdict = "loud" | "harmless" | "silent-insecure";

/** Worst last: a loud mistake is seen at once, a harmless one costs nothing, a silent-insecure one is a hole. */
const SEVERITY: readonly Verdict[] = ["loud", "harmless", "silent-insecure"];

export interface Classified {
  readonly mutant: Mutant;
  readonly verdict: Verdict;
  /** Loud: the first flow that failed and how. Silent-insecure: every attack that succeeded and how. */
  readonly evidence: readonly { readonly scenario: string; readonly detail: string }[];
  /** The undocumented behaviours, run the other way, under which this verdict was reached (none: defaults). */
  readonly way: readonly Undocumented[];
}

interface ScenarioRun {
  /** undefined: the flow works / the attack was stopped; otherwise what went wrong / what it achieved. */
  readonly finding: string | undefined;
  /** An attack's own set-up (a login, the user's refresh) failed: a normal request failed, which is loud. */
  readonly setupFailed?: string;
  /** The workflows and custom events the scenario's requests ran. */
  readonly reached: ReadonlySet<string>;
  /** The undocumented behaviours its requests depended on. */
  readonly undocumented: ReadonlySet<Undocumented>;
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
    call: (workflow, parameters) => {
      for (const name of runsOf(app, workflow)) reached.add(name);
      return world.call(workflow, parameters);
    },
    rows: () => world.rows(),
    advance: (seconds) => world.advance(seconds),
    addUser: (email, password) => world.addUser(email, password),
    didProtectedWork: (answer) => world.didProtectedWork(answer),
    undocumented: () => world.undocumented(),
  };
  try {
    const finding = await scenario.run(recording);
    return { finding, reached, undocumented: new Set(world.undocumented()) };
  } catch (error) {
    if (scenario.kind === "attack" && isSetupFailure(error))
      return {
        finding: undefined,
        setupFailed: error.message,
        reached,
        undocumented: new Set(world.undocumented()),
      };
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

/** One mutant on one Target: its verdict, and the undocumented behaviours the scenarios it ran met. */
export async function classify(
  target: Target<AppDefinition>,
  base: Baseline,
  mutant: Mutant,
  way: readonly Undocumented[] = [],
): Promise<Classified & { readonly met: ReadonlySet<Undocumented> }> {
  const met = new Set<Undocumented>();
  const run = async (scenario: Scenario) => {
    const result = await runScenario(target, mutant.app, scenario);
    for (const behaviour of result.undocumented) met.add(behaviour);
    return result;
  };
  const affected = (scenario: Scenario) => base.runs.get(scenario.name)?.reached.has(mutant.workflow) ?? true;
  for (const scenario of SCENARIOS.filter((candidate) => candidate.kind === "flow" && affected(candidate))) {
    const result = await run(scenario);
    if (result.finding)
      return {
        mutant,
        verdict: "loud",
        evidence: [{ scenario: scenario.name, detail: result.finding }],
        way,
        met,
      };
  }
  const evidence: { scenario: string; detail: string }[] = [];
  for (const scenario of SCENARIOS.filter(
    (candidate) => candidate.kind === "attack" && affected(candidate),
  )) {
    const result = await run(scenario);
    // A login or refresh the attack needed failed: a normal request failed, so the builder sees it.
    if (result.setupFailed)
      return {
        mutant,
        verdict: "loud",
        evidence: [{ scenario: scenario.name, detail: result.setupFailed }],
        way,
        met,
      };
    if (result.finding) evidence.push({ scenario: scenario.name, detail: result.finding });
  }
  return { mutant, verdict: evidence.length > 0 ? "silent-insecure" : "harmless", evidence, way, met };
}

/**
 * One mutant every way that matters: the defaults first, then each undocumented behaviour its requests met
 * run the other way (and combinations, as they are met), keeping the worst verdict.
 */
async function classifyEveryWay(
  targets: Targets<AppDefinition>,
  baselineOf: (choices: ReadonlySet<Undocumented>) => Promise<Baseline>,
  mutant: Mutant,
): Promise<Classified> {
  const key = (choices: ReadonlySet<Undocumented>) => UNDOCUMENTED.filter((choice) => choices.has(choice));
  const pending: ReadonlySet<Undocumented>[] = [new Set()];
  const done = new Set<string>();
  let worst: Classified | undefined;
  while (pending.length > 0) {
    const choices = pending.shift() as ReadonlySet<Undocumented>;
    const name = key(choices).join("+");
    if (done.has(name)) continue;
    done.add(name);
    const result = await classify(targets(choices), await baselineOf(choices), mutant, key(choices));
    if (!worst || SEVERITY.indexOf(result.verdict) > SEVERITY.indexOf(worst.verdict))
      worst = { mutant, verdict: result.verdict, evidence: result.evidence, way: result.way };
    if (worst.verdict === "silent-insecure") break;
    for (const behaviour of result.met)
      if (!choices.has(behaviour)) pending.push(new Set([...choices, behaviour]));
  }
  return worst as Classified;
}

/**
 * Classifies every mutant; the results are in the mutants' order. `parallel` mutants are run side by side:
 * each World has its own database and clock, and a request mostly waits for the plugin's crypto on libuv's
 * threads, so interleaving several keeps both cores busy.
 */
export async function classifyAll(
  targets: Targets<AppDefinition>,
  app: AppDefinition,
  all: readonly Mutant[],
  parallel = 4,
): Promise<Classified[]> {
  const baselines = new Map<string, Promise<Baseline>>();
  const baselineOf = (choices: ReadonlySet<Undocumented>) => {
    const name = UNDOCUMENTED.filter((choice) => choices.has(choice)).join("+");
    let found = baselines.get(name);
    if (!found) {
      found = baseline(targets(choices), app);
      baselines.set(name, found);
    }
    return found;
  };
  await baselineOf(new Set());
  const results: Classified[] = new Array(all.length);
  let next = 0;
  const worker = async () => {
    while (next < all.length) {
      const index = next++;
      results[index] = await classifyEveryWay(targets, baselineOf, all[index] as Mutant);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return results;
}
