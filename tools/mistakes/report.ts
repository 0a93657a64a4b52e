/**
 * The mistakes table: every mistake with its verdict and evidence (printed by `npm run workflows --
 * --mistakes`), a shorter table per workflow step for the builder's guide, and the summary line.
 */
import type { Classified, Verdict } from "./classify.js";
import { OPERATORS } from "./operators.js";

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
      result.verdict,
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
