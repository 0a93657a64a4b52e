/**
 * Bubble's ids in the build: one base-52 counter, action folders named by Bubble's rule (derived here
 * independently of build/ids.ts), new entries numbered by the build, published ids never changed.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { actionFolder, idFromNumber, idNumber, idOfActionFolder } from "../build/ids.js";
import { sourceJson } from "../build/json.js";
import { assignNewIds, type Manifest, readRawManifest, resolveManifest } from "../build/manifest.js";
import { OPTION_LISTS } from "../build/options.js";
import { publishedProblems } from "../build/published.js";
import { ALGORITHMS, ASYMMETRIC_ALGORITHMS } from "../src/jwt/algorithms.js";
import { PROVIDERS } from "../src/jwt/external/presets.js";
import { thrownBy } from "./support/thrown.js";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Bubble's base-32 digits, written out again: Crockford's, but 26 is `u` (see the fixture's test below). */
const DIGITS = "0123456789abcdefghjkmnpqrsuvwxyz";

/** The five-bit values of an id's ASCII bytes, the last group padded with zero bits. */
function fiveBitValues(id: string): number[] {
  const bits = [...Buffer.from(id, "ascii")].map((byte) => byte.toString(2).padStart(8, "0")).join("");
  const values: number[] = [];
  for (let i = 0; i < bits.length; i += 5)
    values.push(Number.parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2));
  return values;
}

/** Bubble's folder rule, written out again: the id, a dash, its five-bit values as digits. */
function expectedFolder(id: string): string {
  return `${id}-${fiveBitValues(id)
    .map((value) => DIGITS[value])
    .join("")}`;
}

interface FolderFixture {
  readonly repositories: readonly { repo: string; bubbleCommit: string; folders: readonly string[] }[];
}

/** Folder names Bubble wrote in public repositories it syncs (names only). */
const REAL: FolderFixture = JSON.parse(
  readFileSync(path.join(ROOT, "test/fixtures/bubble-folders.json"), "utf8"),
);
const realFolders = REAL.repositories.flatMap(({ repo, bubbleCommit, folders }) =>
  folders.map((folder) => ({ repo, bubbleCommit, name: path.basename(folder) })),
);

/** Base 52 read again: A–Z are 0–25, a–z 26–51. */
function expectedNumber(id: string): number {
  const digit = (c: string) => (c >= "a" ? c.charCodeAt(0) - 97 + 26 : c.charCodeAt(0) - 65);
  return [...id].reduce((n, c) => n * 52 + digit(c), 0);
}

/** The id `k` places after plugin.json's next_id, counted again here. */
function afterNext(k: number): string {
  const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const n = expectedNumber(readRawManifest(ROOT).next_id) + k;
  return [Math.floor(n / 52 / 52), Math.floor(n / 52) % 52, n % 52].map((d) => digits[d]).join("");
}

describe("Bubble's id scheme", () => {
  it("the fixture holds at least 12 repositories and 200 folder names", () => {
    expect(REAL.repositories.length).toBeGreaterThanOrEqual(12);
    expect(realFolders.length).toBeGreaterThanOrEqual(200);
  });

  it("reproduces every folder name of the fixture: the id, a dash and its suffix by Bubble's rule", () => {
    const wrong: string[] = [];
    for (const { repo, bubbleCommit, name } of realFolders) {
      const id = name.slice(0, 3);
      // Bubble's layout before 2020 named the folder by the bare id (one repository of the fixture).
      if (name === id && bubbleCommit < "2020") continue;
      if (actionFolder(id) !== name || idOfActionFolder(name) !== id) wrong.push(`${repo}: ${name}`);
    }
    expect(wrong).toEqual([]);
  });

  it("reads each five-bit value's digit off the fixture: one digit per value, Crockford's but 26 is u", () => {
    const seen = new Map<number, Set<string>>();
    for (const { name } of realFolders) {
      const suffix = name.slice(4);
      if (!suffix) continue;
      fiveBitValues(name.slice(0, 3)).forEach((value, i) => {
        const digits = seen.get(value) ?? new Set<string>();
        digits.add(suffix[i] as string);
        seen.set(value, digits);
      });
    }
    const read = [...seen.entries()]
      .sort(([a], [b]) => a - b)
      .map(([value, digits]) => `${value}:${[...digits].join("")}`);
    // Every value seen, with the one digit Bubble wrote for it: Crockford's digits, but u for 26 (never t).
    expect(read.join(" ")).toBe(
      "0:0 1:1 2:2 3:3 4:4 5:5 6:6 7:7 8:8 10:a 12:c 14:e 16:g 18:j 20:m 21:n 22:p 23:q 24:r 26:u 28:w 30:y",
    );
    for (const value of seen.keys()) expect(seen.get(value)).toEqual(new Set([DIGITS[value]]));
  });

  it("31 never occurs in a three-letter id, so no real folder can show its digit", () => {
    const values = new Set<number>();
    for (let n = 0; n < 52 ** 3; n++) for (const value of fiveBitValues(idFromNumber(n))) values.add(value);
    expect(values.has(31)).toBe(false);
    expect(values.size).toBe(31);
  });

  it("derives the folders seen in Bubble's repositories, by the rule written out in this test", () => {
    for (const [id, folder] of [
      ["AAC", "AAC-850m6"],
      ["AEK", "AEK-852mp"],
      ["AAM", "AAM-850mu"],
      ["ACM", "ACM-851mu"],
    ]) {
      expect(expectedFolder(id as string)).toBe(folder);
      expect(actionFolder(id as string)).toBe(folder);
    }
  });

  it("agrees with the rule for every id of the counter", () => {
    for (let n = 0; n < 52 ** 3; n += 97) {
      const id = idFromNumber(n);
      expect(expectedNumber(id)).toBe(n);
      expect(idNumber(id)).toBe(n);
      expect(actionFolder(id)).toBe(expectedFolder(id));
      expect(idOfActionFolder(expectedFolder(id))).toBe(id);
    }
  });

  it("counts AAB, AAC, …, AAz, ABA", () => {
    expect([1, 2, 51, 52].map(idFromNumber)).toEqual(["AAB", "AAC", "AAz", "ABA"]);
    expect(() => idFromNumber(52 ** 3)).toThrow(/no three-letter/);
  });

  it("knows a folder Bubble never wrote", () => {
    expect(idOfActionFolder("JAA-1jwt1")).toBeUndefined();
    expect(idOfActionFolder("AAC-850m7")).toBeUndefined();
    // Crockford's digit for 26, which Bubble does not write.
    expect(idOfActionFolder("AAM-850mt")).toBeUndefined();
  });
});

describe("plugin.json's ids", () => {
  const raw = readRawManifest(ROOT);

  it("gives the first six actions AEC..AEH, after the keys, fields and return values they had", () => {
    expect(Object.keys(raw.actions).slice(0, 6)).toEqual(["AEC", "AED", "AEE", "AEF", "AEG", "AEH"]);
  });

  it("keeps every id before next_id, and each once", () => {
    const ids = [
      ...Object.keys(raw.keys),
      ...Object.entries(raw.actions).flatMap(([id, a]) => [
        id,
        ...Object.keys(a.fields),
        ...Object.keys(a.return_value),
      ]),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(expectedNumber(id), id).toBeLessThan(expectedNumber(raw.next_id));
  });

  it("names each committed action folder by Bubble's rule, with Bubble's client.js stub", () => {
    const folders = readdirSync(path.join(ROOT, "actions")).sort();
    expect(folders).toEqual(Object.keys(raw.actions).map(expectedFolder).sort());
    for (const folder of folders) {
      expect(readdirSync(path.join(ROOT, "actions", folder)).sort()).toEqual([
        "client.js",
        "params.json",
        "server.js",
      ]);
      expect(readFileSync(path.join(ROOT, "actions", folder, "client.js"), "utf8")).toBe(
        "function(properties, context) {\n\n\n  //Load any data \n\n\n\n  //Do the operation\n\n\n\n}",
      );
    }
  });

  it("is kept in the repository's format, so a rewrite by the build changes only ids", () => {
    expect(sourceJson(raw)).toBe(readFileSync(path.join(ROOT, "plugin.json"), "utf8"));
  });

  it("refuses an id at or past next_id, saying what to do", () => {
    const merged = structuredClone(raw) as { -readonly [K in keyof Manifest]: Manifest[K] };
    const verify = merged.actions.AED as { fields: Record<string, unknown> };
    verify.fields = {
      ...verify.fields,
      [afterNext(0)]: { ...(verify.fields.AAW as object), name: "merged" },
    };
    expect(() => resolveManifest(merged)).toThrow(
      `plugin.json is not valid:\n  JWT - Verify token fields: id ${afterNext(0)} is at or past next_id ${raw.next_id}\n  Ids at or past next_id come from an id picked by hand or from a merge. When each is used once and Bubble has not given it to anything else, set next_id to ${afterNext(1)}; otherwise key those entries "new" and run npm run build, which gives them the next ids.`,
    );
  });

  it("refuses a number default that is not a number, and a Checkbox default that is not true or false", () => {
    const generate = raw.actions.AEC as Manifest["actions"][string];
    const withDefaults = (expiresIn: string, refresh: string) => ({
      ...raw,
      actions: {
        ...raw.actions,
        AEC: {
          ...generate,
          fields: Object.fromEntries(
            Object.entries(generate.fields).map(([id, field]) => [
              id,
              field.name === "expires_in"
                ? { ...field, default_val: expiresIn }
                : field.name === "issue_refresh_token"
                  ? { ...field, default_val: refresh }
                  : field,
            ]),
          ),
        },
      },
    });
    expect(() => resolveManifest(withDefaults("1h", "yes"))).toThrow(
      /expires_in: default_val "1h" is not a number\n.*issue_refresh_token: a Checkbox's default_val is "true" or "false", not "yes"/,
    );
    expect(() => resolveManifest(withDefaults("60", "true"))).not.toThrow();
  });

  it("refuses a category Bubble's editor does not offer", () => {
    const filed = { ...raw, meta: { ...raw.meta, categories: ["technical", "security"] } };
    expect(() => resolveManifest(filed)).toThrow('meta.categories: "security" is not one of Bubble\'s');
    expect(() =>
      resolveManifest({ ...raw, meta: { ...raw.meta, categories: ["compliance"] } }),
    ).not.toThrow();
  });

  it("refuses an id Bubble would not write, and one used twice", () => {
    const bad = structuredClone(raw) as { -readonly [K in keyof Manifest]: Manifest[K] };
    bad.keys = {
      ...bad.keys,
      "JAA-1jwt1": { caption: "X", type: "secure" },
      AAH: { caption: "Y", type: "secure" },
    };
    const message = thrownBy(() => resolveManifest(bad), Error)?.message ?? "";
    expect(message).toContain('keys: "JAA-1jwt1" is not a Bubble id (three letters); key the entry "new"');
    expect(message).toContain("id AAH is also used by keys");
  });
});

describe("new entries", () => {
  it("get the next ids in plugin.json's order, and next_id moves past them", () => {
    const raw = readRawManifest(ROOT);
    const verify = raw.actions.AED as Manifest["actions"][string];
    const field = {
      caption: "Session id",
      name: "session_id",
      editor: "DynamicValue",
      doc: "d",
      value: "text",
    };
    const withNew = {
      ...raw,
      keys: { ...raw.keys, new: { caption: "Session Secret", type: "secure" as const } },
      actions: {
        ...raw.actions,
        AED: {
          ...verify,
          fields: { ...verify.fields, new: field, "new-2": { ...field, name: "session_kind" } },
        },
      },
    };
    const { manifest, assigned } = assignNewIds(withNew);
    expect(assigned).toEqual([
      `${afterNext(0)}: key Session Secret`,
      `${afterNext(1)}: JWT - Verify token field session_id`,
      `${afterNext(2)}: JWT - Verify token field session_kind`,
    ]);
    expect(manifest.next_id).toBe(afterNext(3));
    expect(Object.keys(manifest.keys)).toEqual([...Object.keys(raw.keys), afterNext(0)]);
    expect(Object.keys(manifest.actions.AED?.fields ?? {})).toEqual([
      ...Object.keys(verify.fields),
      afterNext(1),
      afterNext(2),
    ]);
    expect(() => resolveManifest(manifest)).not.toThrow();
    expect(() => resolveManifest(withNew)).toThrow(/"new" has no id yet; run npm run build/);
  });

  describe("npm run build, in a copy of the repository", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bubble-ids-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    for (const name of ["src", "node_modules", "tools"])
      symlinkSync(path.join(ROOT, name), path.join(dir, name));
    for (const name of [
      "actions",
      "docs",
      "meta_data.json",
      "shared_tech_params.json",
      "published-ids.json",
    ]) {
      cpSync(path.join(ROOT, name), path.join(dir, name), { recursive: true });
    }
    const text = readFileSync(path.join(ROOT, "plugin.json"), "utf8").replace(
      '"fields": {\n        "AAW": {',
      '"fields": {\n        "new": {\n          "caption": "Session id",\n          "name": "session_id",\n          "editor": "DynamicValue",\n          "doc": "The session, e.g. s1.",\n          "value": "text",\n          "optional": true\n        },\n        "AAW": {',
    );
    writeFileSync(path.join(dir, "plugin.json"), text);
    const build = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [path.join(ROOT, "tools/run-ts.mjs"), path.join(ROOT, "build/build.ts"), ...args],
        {
          cwd: dir,
          encoding: "utf8",
        },
      );

    it("--check writes nothing and fails on an entry without an id", () => {
      const result = build("--check");
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        'JWT - Verify token fields: "new" has no id yet; run npm run build to assign one',
      );
      expect(readFileSync(path.join(dir, "plugin.json"), "utf8")).toBe(text);
    });

    it("assigns the next id, says so, rewrites only that in plugin.json and builds the field", () => {
      const result = build();
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain(
        `plugin.json: assigned 1 new ids (next_id is now ${afterNext(1)}):\n  ${afterNext(0)}: JWT - Verify token field session_id`,
      );
      expect(readFileSync(path.join(dir, "plugin.json"), "utf8")).toBe(
        text
          .replace('"new": {', `"${afterNext(0)}": {`)
          .replace(`"next_id": "${afterNext(0)}"`, `"next_id": "${afterNext(1)}"`),
      );
      const params = JSON.parse(readFileSync(path.join(dir, "actions/AED-852m8/params.json"), "utf8"));
      expect(params.fields[afterNext(0)]).toMatchObject({ name: "session_id", rank: 0 });
      expect(build("--check").status).toBe(0);
    });
  });
});

describe("published ids", () => {
  const raw = readRawManifest(ROOT);
  const published = {
    keys: { "JWT Secret": "AAB" },
    actions: {
      "JWT - Verify token": { id: "AED", fields: { token: "AAW" }, return_value: { valid: "ABE" } },
    },
  };

  it("are what plugin.json holds", () => {
    expect(publishedProblems(resolveManifest(raw), published)).toEqual([]);
  });

  it("may not change, nor be dropped", () => {
    const { AED: verify, ...others } = raw.actions;
    const { AAW: token, ...fields } = (verify as Manifest["actions"][string]).fields;
    const changed = {
      ...raw,
      actions: { ...others, [afterNext(0)]: { ...verify, fields: { ...fields } } },
      next_id: afterNext(1),
    };
    expect(token).toBeDefined();
    expect(publishedProblems(resolveManifest(changed as Manifest), published)).toEqual([
      `action JWT - Verify token has id ${afterNext(0)} in plugin.json but was published as AED: put AED back (published ids never change)`,
      "JWT - Verify token fields token was published with id AAW and is missing from plugin.json: put it back (published entities are never dropped)",
    ]);
  });
});

describe("Dropdown options", () => {
  it("are the source's own lists", () => {
    const manifest = resolveManifest(readRawManifest(ROOT));
    const options = (display: string, name: string) =>
      Object.values(Object.values(manifest.actions).find((a) => a.display === display)?.fields ?? {}).find(
        (f) => f.name === name,
      )?.options;
    for (const display of ["JWT - Generate token", "JWT - Verify token", "JWT - Refresh token"]) {
      expect(options(display, "algorithm")).toBe(ALGORITHMS.join(","));
    }
    expect(options("JWT - Public keys (JWKS)", "algorithm")).toBe(ASYMMETRIC_ALGORITHMS.join(","));
    expect(options("JWT - Verify external token", "provider")).toBe(PROVIDERS.join(","));
  });

  it("are written in plugin.json only as the name of a list, never copied", () => {
    const lists = new Set(Object.values(OPTION_LISTS).map((list) => list.join(",")));
    const raw = readRawManifest(ROOT);
    const fields = Object.values(raw.actions).flatMap((action) =>
      Object.values(action.fields).map((field) => ({ display: action.display, ...field })),
    );
    for (const field of fields.filter((f) => f.editor === "Dropdown")) {
      expect(lists.has(field.options ?? ""), `${field.display} ${field.name}`).toBe(false);
    }
    const from = (display: string, name: string) =>
      fields.find((f) => f.display === display && f.name === name)?.options_from;
    expect(from("JWT - Generate token", "algorithm")).toBe("ALGORITHMS");
    expect(from("JWT - Public keys (JWKS)", "algorithm")).toBe("ASYMMETRIC_ALGORITHMS");
    expect(from("JWT - Verify external token", "provider")).toBe("PROVIDERS");
  });
});
