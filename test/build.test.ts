/**
 * The build: what Bubble syncs is exactly what plugin.json and src/ make, deterministically, and each
 * server.js has the shape Bubble evaluates.
 */
import { readFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";
import { beforeAll, describe, expect, it } from "vitest";
import { buildArtifacts } from "../build/build.js";

const ROOT = path.resolve(import.meta.dirname, "..");

describe("build", () => {
  let first: Map<string, string>;
  beforeAll(async () => {
    first = await buildArtifacts(ROOT);
  });

  it("is deterministic: two builds make identical files", async () => {
    const second = await buildArtifacts(ROOT);
    expect([...second.entries()]).toEqual([...first.entries()]);
  });

  it("matches the committed files (run npm run build and commit when this fails)", () => {
    for (const [file, content] of first) {
      expect(readFileSync(path.join(ROOT, file), "utf8"), file).toBe(content);
    }
  });

  it("writes meta_data.json for Node 18 and shared_tech_params.json for plugin API v4", () => {
    const meta = JSON.parse(first.get("meta_data.json") as string);
    expect(meta.sa_node_version).toBe(18);
    expect(meta.name).toBeTruthy();
    expect(meta.plugin_instructions.length).toBeGreaterThan(200);
    const shared = JSON.parse(first.get("shared_tech_params.json") as string);
    expect(shared.dependencies.plugin_api_version).toBe("4");
    const captions = Object.values(shared.shared_keys as Record<string, { caption: string; type: string }>);
    expect(captions).toEqual([
      { caption: "JWT Secret", type: "secure" },
      { caption: "Previous JWT Secret", type: "secure" },
      { caption: "Private Key", type: "secure" },
      { caption: "Public Key", type: "secure" },
      { caption: "Issuer", type: "client_safe" },
      { caption: "Audience", type: "client_safe" },
    ]);
  });

  describe("each server.js", () => {
    const servers = () => [...first.entries()].filter(([file]) => file.endsWith("server.js"));

    it("is one async function expression of (properties, context), and not a valid script alone", () => {
      for (const [file, code] of servers()) {
        expect(code.startsWith("async function(properties, context) {"), file).toBe(true);
        expect(code.trimEnd().endsWith("}"), file).toBe(true);
        expect(() => new vm.Script(code), file).toThrow(SyntaxError);
        expect(typeof vm.runInNewContext(`(${code}\n)`), file).toBe("function");
      }
    });

    it("requires nothing but Node built-ins when it runs", async () => {
      const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
      const realRequire = createRequire(import.meta.url);
      for (const [file, code] of servers()) {
        const required: string[] = [];
        const spy = (name: string) => {
          required.push(name);
          return realRequire(name);
        };
        const action = new Function("require", `return (${code}\n);`)(spy);
        // Empty properties and keys: the action refuses or throws a configuration error; both load the bundle.
        await action({}, { keys: {} }).catch(() => undefined);
        expect(required.length, file).toBeGreaterThan(0);
        for (const name of required) expect(builtins.has(name), `${file} requires ${name}`).toBe(true);
      }
    });

    it("memoises its bundle on globalThis under a name that changes with the code", () => {
      for (const [file, code] of servers()) {
        expect(code, file).toMatch(/const memo = "__bubbleJwtPlugin:[\w-]+:\d+\.\d+\.\d+:[0-9a-f]{12}";/);
      }
    });
  });
});
