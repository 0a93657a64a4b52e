/**
 * A clean first install: `npm ci` asks for a decision on every dependency's install script (npm 11 warns
 * about each one `allowScripts` does not cover), and the version is written once, in plugin.json.
 * `npm ci` itself takes minutes (it installs Node 18 and 22 too): this checks what decides its output.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { versionedPackageFiles } from "../build/version.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const json = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), "utf8"));

describe("npm ci", () => {
  const lock = json("package-lock.json") as {
    packages: Record<string, { hasInstallScript?: boolean; version?: string }>;
  };
  const withScripts = Object.entries(lock.packages)
    .filter(([where, entry]) => where !== "" && entry.hasInstallScript)
    .map(([where]) => where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length));

  it("meets a decision in allowScripts for every dependency with an install script, and no other", () => {
    const allowScripts = json("package.json").allowScripts as Record<string, boolean>;
    expect(withScripts.length).toBeGreaterThan(0);
    expect(Object.keys(allowScripts).sort()).toEqual([...new Set(withScripts)].sort());
    for (const decision of Object.values(allowScripts)) expect(typeof decision).toBe("boolean");
  });

  it("runs better-sqlite3's (its native binding) and not esbuild's (npm installs its binary itself)", () => {
    expect(json("package.json").allowScripts).toEqual({ "better-sqlite3": true, esbuild: false });
    // esbuild's binary comes as the optional dependency for this platform, which its postinstall only checks.
    const optional = Object.keys(lock.packages).filter((where) => where.startsWith("node_modules/@esbuild/"));
    expect(optional.length).toBeGreaterThan(0);
  });

  it("the Node runtimes' own installs have no install scripts to decide", () => {
    for (const runtime of ["node18", "node22"]) {
      const nested = json(`tools/${runtime}/package-lock.json`) as typeof lock;
      expect(Object.values(nested.packages).filter((entry) => entry.hasInstallScript)).toEqual([]);
    }
  });
});

describe("the version", () => {
  const version = json("plugin.json").version as string;

  it("is plugin.json's, and package.json and package-lock.json say the same", () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(json("package.json").version).toBe(version);
    expect(json("package-lock.json").version).toBe(version);
    expect(json("package-lock.json").packages[""].version).toBe(version);
  });

  it("is written into package.json and package-lock.json by the build, which changes nothing else", () => {
    const files = versionedPackageFiles(ROOT, "9.8.7");
    for (const file of ["package.json", "package-lock.json"]) {
      const now = readFileSync(path.join(ROOT, file), "utf8");
      const written = files.get(file) as string;
      const lines = (text: string) => text.split("\n");
      const changed = lines(written).filter((line, i) => line !== lines(now)[i]);
      expect(changed, file).toEqual(
        file === "package.json"
          ? ['  "version": "9.8.7",']
          : ['  "version": "9.8.7",', '      "version": "9.8.7",'],
      );
      expect(versionedPackageFiles(ROOT, version).get(file), file).toBe(now);
    }
  });
});
