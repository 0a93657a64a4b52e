/** The two JSON styles the build writes: Bubble's, for what it syncs, and the repository's, for plugin.json. */

/**
 * JSON as Bubble writes it when it syncs to GitHub: keys sorted, four-space indent, no newline at the
 * end. Writing Bubble's bytes means Bubble's next commit of an unchanged file changes nothing.
 */
export function bubbleJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 4);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

const LINE_WIDTH = 110;
const INDENT = "  ";

/**
 * JSON in the repository's format (Biome's, as biome.json sets it): objects one member a line, arrays on
 * one line when they fit. The build rewrites plugin.json in it, so a rewrite changes only what it meant to.
 */
export function sourceJson(value: unknown): string {
  return `${format(value, "", "")}\n`;
}

function format(value: unknown, indent: string, prefix: string): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = indent + INDENT;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((item) => format(item, inner, ""));
    const oneLine = `[${items.join(", ")}]`;
    if (!oneLine.includes("\n") && indent.length + prefix.length + oneLine.length + 1 <= LINE_WIDTH)
      return oneLine;
    return `[\n${items.map((item) => inner + item).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  const members = entries.map(([key, member]) => {
    const head = `${JSON.stringify(key)}: `;
    return inner + head + format(member, inner, head);
  });
  return `{\n${members.join(",\n")}\n${indent}}`;
}
