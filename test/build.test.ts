/**
 * The build: what Bubble syncs is exactly what plugin.json and src/ make, deterministically, and each
 * server.js has the shape Bubble evaluates. (That the committed files match a fresh build is `npm test`'s
 * first step, `npm run build -- --check`.)
 */
import { spawnSync } from "node:child_process";
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
    first = await buildArtifacts(ROOT, {});
  });

  it("is deterministic: two builds make identical files", async () => {
    const second = await buildArtifacts(ROOT, {});
    expect([...second.entries()]).toEqual([...first.entries()]);
  });

  it("writes meta_data.json for Node 22 and shared_tech_params.json for plugin API v4", () => {
    const meta = JSON.parse(first.get("meta_data.json") as string);
    expect(meta.sa_node_version).toBe(22);
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

  describe("for a publisher who stays on Node 18 (SA_NODE_VERSION=18)", () => {
    it("declares Node 18 in meta_data.json and changes nothing else", async () => {
      const node18 = await buildArtifacts(ROOT, { SA_NODE_VERSION: "18" });
      const meta = JSON.parse(node18.get("meta_data.json") as string);
      expect(meta).toEqual({ ...JSON.parse(first.get("meta_data.json") as string), sa_node_version: 18 });
      for (const [file, content] of first) {
        if (file !== "meta_data.json") expect(node18.get(file), file).toBe(content);
      }
    });

    it("is what `npm run build -- --check` compares with: for the other version, meta_data.json is stale", () => {
      const committed = JSON.parse(readFileSync(path.join(ROOT, "meta_data.json"), "utf8")).sa_node_version;
      const check = spawnSync(process.execPath, ["tools/run-ts.mjs", "build/build.ts", "--check"], {
        cwd: ROOT,
        env: { ...process.env, SA_NODE_VERSION: committed === 18 ? "22" : "18" },
        encoding: "utf8",
      });
      expect(check.status).toBe(1);
      expect(check.stderr.split("\n").filter((line) => line.startsWith("  "))).toEqual(["  meta_data.json"]);
    });

    it("refuses any other version, naming the variable", async () => {
      for (const value of ["20", "18.20", "node18"]) {
        await expect(buildArtifacts(ROOT, { SA_NODE_VERSION: value })).rejects.toThrow(
          `SA_NODE_VERSION or plugin.json's sa_node_version must be 18 or 22, not "${value}"`,
        );
      }
    });
  });

  describe("each server.js", () => {
    const servers = () => [...first.entries()].filter(([file]) => file.endsWith("server.js"));

    it("is written once for every action of plugin.json, in a folder named by its id", () => {
      const manifest = JSON.parse(readFileSync(path.join(ROOT, "plugin.json"), "utf8")) as {
        actions: Record<string, unknown>;
      };
      const ids = Object.keys(manifest.actions);
      // Every loop below runs over these: with none, or one missing, the checks would pass vacuously.
      expect(ids.length).toBeGreaterThan(0);
      expect(servers()).toHaveLength(ids.length);
      expect(
        servers()
          .map(([file]) => file.split("/")[1]?.split("-")[0])
          .sort(),
      ).toEqual([...ids].sort());
    });

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
