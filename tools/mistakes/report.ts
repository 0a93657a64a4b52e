/**
 * The mistakes table: every mistake with its verdict and evidence (printed by `npm run workflows --
 * --mistakes`), a shorter table per workflow step for the builder's guide, and the summary line.
 */
import type { Classified, Verdict } from "./classify.js";
import { OPERATORS } from "./operators.js";
import { ATTACKS, EFFECT_FLOWS, FLOWS } from "./scenarios.js";

const VERDICTS: readonly Verdict[] = ["loud", "harmless", "silent-insecure"];

function counts(results: readonly Classified[]): Record<Verdict, number> {
  const found = { loud: 0, harmless: 0, "silent-insecure": 0 };
  for (const result of results) found[result.verdict]++;
  return found;
}

/** The last line: `N mistakes: L loud, H harmless, S silent-insecure`. */
export function summaryLine(results: readonly Classified[]): string {
  const found = counts(results);
  return `${results.length} mistakes: ${found.loud} loud, ${found.harmless} harmless, ${found["silent-insecure"]} silent-insecure`;
}

function cell(value: string): string {
  return value.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [header, header.map(() => "---"), ...rows].map((row) => `| ${row.map(cell).join(" | ")} |`);
  return lines.join("\n");
}

/** Every mistake, one row each: where, what, the verdict, and what showed it. */
export function fullTable(results: readonly Classified[]): string {
  return table(
    ["workflow", "mistake", "verdict", "seen in"],
    results.map((result) => [
      result.mutant.workflow,
      result.mutant.mistake,
      result.way.length > 0 ? `${result.verdict} (if ${result.way.join(" and ")})` : result.verdict,
      result.evidence.map((item) => `${item.scenario}: ${item.detail}`).join("; "),
    ]),
  );
}

/**
 * For the guide: per workflow and step (or the workflow's boxes), how many single mistakes were tried and
 * how each kind came out, so a builder knows which clicks a first test catches.
 */
export function guideTable(results: readonly Classified[]): string {
  const groups = new Map<string, Classified[]>();
  for (const result of results) {
    const where = result.mutant.step === undefined ? "settings" : `step ${result.mutant.step}`;
    const key = `${result.mutant.workflow}\u0000${where}`;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  const rows = [...groups].map(([key, group]) => {
    const [workflow = "", where = ""] = key.split("\u0000");
    const found = counts(group);
    const operators = OPERATORS.filter((operator) =>
      group.some((result) => result.mutant.operator === operator),
    );
    return [
      workflow,
      where,
      operators.join("; "),
      String(group.length),
      ...VERDICTS.map((verdict) => String(found[verdict])),
    ];
  });
  return table(["workflow", "where", "mistakes tried", "count", ...VERDICTS], rows);
}

/** Each operator's share: how many mutants it made and how they came out. */
export function operatorTable(results: readonly Classified[]): string {
  return table(
    ["mistake", "count", ...VERDICTS],
    OPERATORS.map((operator) => {
      const group = results.filter((result) => result.mutant.operator === operator);
      const found = counts(group);
      return [operator, String(group.length), ...VERDICTS.map((verdict) => String(found[verdict]))];
    }),
  );
}

/**
 * The guide's section: what was tried, the first tests that catch every loud mistake, the attacks, and the
 * per-step table. Counts only, so it changes when a verdict does, never from one run to the next.
 */
export function guideSection(results: readonly Classified[]): string {
  const effects = new Set(EFFECT_FLOWS.map((scenario) => scenario.name));
  const onlyByEffects = results.filter(
    (result) => result.verdict === "loud" && effects.has(result.evidence[0]?.scenario ?? ""),
  ).length;
  const bothWays = results.filter((result) => result.way.length > 0).length;
  return [
    "`npm run workflows -- --mistakes` makes every single mistake a builder plausibly makes in the definitions above,",
    "one at a time, runs each changed app in the local backend's interpreter, and tries the first tests below and",
    `the attacks against it. The mistakes: ${OPERATORS.join("; ")}. A mistake is **loud** when a first test fails (you`,
    "see it at once), **harmless** when every first test passes and every attack is stopped, **silent-insecure**",
    "when an attack succeeds while every first test passes. Where Bubble's behaviour is not documented (does",
    "Return data end the workflow? what does Make changes do with an empty thing?), a mistake that meets it is",
    "tried both ways and the worse verdict counts.",
    "",
    `**${summaryLine(results)}.**${bothWays > 0 ? ` ${bothWays} of them took their verdict from the other way of an undocumented behaviour.` : ""}`,
    "",
    "Run these first tests once after building the workflows, against your development version (each is a",
    `request or two). The last ${EFFECT_FLOWS.length} check what the session workflows are for; ${onlyByEffects} of the loud mistakes fail only those,`,
    "so skip none of them:",
    "",
    ...[...FLOWS, ...EFFECT_FLOWS].map((scenario, index) => `${index + 1}. ${scenario.summary}.`),
    "",
    "The attacks tried on every mistake:",
    "",
    ...ATTACKS.map((scenario) => `- ${scenario.summary}.`),
    "",
    ...silentSection(results),
    "Per workflow and step, how the single mistakes there came out:",
    "",
    guideTable(results),
  ].join("\n");
}

/** The silent-insecure mistakes by name, for the builder to get right: no first test shows them. */
function silentSection(results: readonly Classified[]): string[] {
  const silent = results.filter((result) => result.verdict === "silent-insecure");
  if (silent.length === 0) return [];
  return [
    "Silent-insecure, so get these right by reading (no first test shows them):",
    "",
    ...silent.map(
      (result) =>
        `- \`${result.mutant.workflow}\` ${result.mutant.mistake}: ${result.evidence.map((item) => item.detail).join("; ")}.`,
    ),
    "",
  ];
}
