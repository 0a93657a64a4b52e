/**
 * The local backend runs only what ships: nothing under src/emulator imports src/jwt, directly or through
 * the modules it uses (src/common, app/, ...), so every JWT decision it makes is the built actions/'s.
 * Type-only imports are erased and do not count; build/ (npm start rebuilds stale actions) is not followed.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

/** The relative modules a file imports at run time (not `import type`), as repository paths. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+"(\.[^"]+)"/gm)) {
    if (match[2]) continue;
    const target = path.normalize(path.join(path.dirname(file), match[3] as string)).replace(/\.js$/, ".ts");
    found.push(target);
  }
  return found;
}

/** Every file reachable from `start` through run-time imports, with the chain that reached it. */
function reachable(start: readonly string[]): Map<string, string[]> {
  const chains = new Map<string, string[]>(start.map((file) => [file, [file]]));
  const queue = [...start];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (file.startsWith("build/") || file.startsWith("src/jwt/")) continue;
    for (const target of runtimeImports(file)) {
      if (chains.has(target)) continue;
      chains.set(target, [...(chains.get(file) ?? []), target]);
      queue.push(target);
    }
  }
  return chains;
}

describe("the local backend runs only what ships", () => {
  const emulator = readdirSync(path.join(ROOT, "src/emulator"))
    .filter((name) => name.endsWith(".ts"))
    .map((name) => `src/emulator/${name}`);

  it("no module of src/emulator reaches src/jwt through run-time imports", () => {
    const intoJwt = [...reachable(emulator)]
      .filter(([file]) => file.startsWith("src/jwt/"))
      .map(([, chain]) => chain.join(" → "));
    expect(intoJwt).toEqual([]);
  });

  it("the walk sees imports: it finds src/common and app/ from src/emulator, and src/jwt from src/bubble", () => {
    const seen = reachable(emulator);
    expect(seen.has("src/common/json.ts")).toBe(true);
    expect(seen.has("app/app.ts")).toBe(true);
    expect([...reachable(["src/bubble/properties.ts"]).keys()]).toContain("src/jwt/values.ts");
  });
});
