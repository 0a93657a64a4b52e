/**
 * `npm run sync`: the build brought into a repository Bubble created, in temporary git repositories
 * shaped like the ones Bubble writes (its files, its commit message, no newline at the end of its JSON).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkedManifest } from "../build/build.js";
import { actionFolder, idFromNumber, idNumber } from "../build/ids.js";
import { sourceJson } from "../build/json.js";
import { type SyncReport, summary, syncRepository } from "../build/sync.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const BUBBLE = "Automatic commit from Bubble";
const STUB = "function(properties, context) {\n\n\n  //Load any data \n\n\n\n  //Do the operation\n\n\n\n}";

/** Bubble's JSON: sorted keys, four spaces, no newline at the end. */
function bubbleText(value: unknown): string {
  const sort = (v: unknown): unknown =>
    v === null || typeof v !== "object" || Array.isArray(v)
      ? v
      : Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
        );
  return JSON.stringify(sort(value), null, 4);
}

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" });
}

/** Every file of a folder but .git, with the hash of its content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const file = path.join(rel, name.name);
      // Bubble's history is compared through git; a symbolic link is this test's own.
      if (file === ".git" || name.isSymbolicLink()) continue;
      if (name.isDirectory()) walk(file);
      else
        out[file] = createHash("sha256")
          .update(readFileSync(path.join(dir, file)))
          .digest("hex");
    }
  };
  walk("");
  return out;
}

function write(dir: string, file: string, content: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), content);
}

function commitAs(dir: string, author: string, message: string): void {
  git(dir, "add", "-A");
  git(dir, "-c", `user.name=${author}`, "-c", "user.email=p@example.com", "commit", "-q", "-m", message);
}

/** What Bubble commits when a new plugin is synchronised the first time: no actions yet. */
function bubbleCreatedRepository(dir: string): void {
  git(dir, "init", "-q", "-b", "main");
  write(dir, "LICENSE", "MIT License\n\nCopyright (c) 2026 A Publisher\n");
  write(dir, "README.md", "This is a repository based on the Bubble plugin 'JWT Auth for API Workflows'.");
  write(
    dir,
    "meta_data.json",
    bubbleText({
      data_tracked: false,
      description: "",
      license: "open_source",
      name: "JWT Auth for API Workflows",
      sa_node_version: 22,
    }),
  );
  write(
    dir,
    "shared_tech_params.json",
    bubbleText({ dependencies: { plugin_api_version: 4, use_jquery: true } }),
  );
  commitAs(dir, "Bubble", BUBBLE);
}

/** Categories Bubble's plugin editor offers (as its synced meta_data.json files show): any other is dropped. */
const BUBBLE_CATEGORIES = new Set(["analytics", "compliance", "data (things)", "productivity", "technical"]);

/**
 * Bubble's commit, as far as shapes go: it writes every file of the plugin again from what it holds, so
 * a member it has no place for disappears and values take its types (the shapes of every server-side
 * action in 26 repositories Bubble synced). Returns the files whose bytes it changed.
 */
function bubbleRewrites(dir: string): string[] {
  type Json = Record<string, unknown>;
  const changed: string[] = [];
  const rewrite = (file: string, change: (json: Json) => void) => {
    const before = readFileSync(path.join(dir, file), "utf8");
    const json = JSON.parse(before) as Json;
    change(json);
    const after = bubbleText(json);
    if (after !== before) {
      writeFileSync(path.join(dir, file), after);
      changed.push(file);
    }
  };
  for (const folder of readdirSync(path.join(dir, "actions"))) {
    rewrite(`actions/${folder}/params.json`, (params) => {
      for (const field of Object.values((params.fields ?? {}) as Record<string, Json>)) {
        if (field.editor === "Checkbox") {
          delete field.value;
          delete field.optional;
          field.default_val = field.default_val === true || field.default_val === "true";
        }
        if (field.editor === "Dropdown") delete field.optional;
        if (field.value === "number" && field.default_val !== undefined)
          field.default_val = Number(field.default_val);
      }
      for (const value of Object.values((params.return_value ?? {}) as Record<string, Json>))
        delete value.doc;
    });
  }
  rewrite("meta_data.json", (meta) => {
    const kept = Object.values((meta.categories ?? {}) as Json).filter((c) =>
      BUBBLE_CATEGORIES.has(String(c)),
    );
    meta.categories = Object.fromEntries(kept.map((c, i) => [String(i), c]));
  });
  rewrite("shared_tech_params.json", (shared) => {
    const dependencies = (shared.dependencies ?? {}) as Json;
    dependencies.use_jquery ??= true;
    shared.dependencies = dependencies;
  });
  return changed;
}

/** A copy of this repository's sources to sync from: plugin.json and published-ids.json of its own. */
function sourceCopy(dir: string): void {
  for (const name of ["src", "node_modules"]) symlinkSync(path.join(ROOT, name), path.join(dir, name));
  for (const name of [
    "plugin.json",
    "published-ids.json",
    "actions",
    "docs",
    "meta_data.json",
    "shared_tech_params.json",
  ]) {
    cpSync(path.join(ROOT, name), path.join(dir, name), { recursive: true });
  }
}

const PLUGIN_TEXT = readFileSync(path.join(ROOT, "plugin.json"), "utf8");
const PLUGIN = JSON.parse(PLUGIN_TEXT);
const ACTION_FOLDERS = Object.keys(PLUGIN.actions).map(actionFolder);

/** An id Bubble could give next: `k` places after plugin.json's next_id. */
function fresh(k: number): string {
  return idFromNumber(idNumber(PLUGIN.next_id) + k);
}

describe("npm run sync", () => {
  const work = mkdtempSync(path.join(tmpdir(), "bubble-sync-"));
  const source = path.join(work, "source");
  const bubble = path.join(work, "bubble");
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  mkdirSync(source);
  mkdirSync(bubble);
  sourceCopy(source);
  bubbleCreatedRepository(bubble);
  const pluginJson = PLUGIN_TEXT;
  const plugin = PLUGIN;

  describe("first sync of the repository Bubble created for a new plugin", () => {
    let before: Record<string, string>;
    let report: SyncReport;
    beforeAll(async () => {
      before = snapshot(bubble);
      report = await syncRepository({ root: source, target: bubble });
    });

    it("adds every action and merges the plugin's meta data and keys into Bubble's files, and nothing else", () => {
      const status = git(bubble, "status", "--porcelain", "--untracked-files=all")
        .replace(/\n$/, "")
        .split("\n")
        .sort();
      expect(status).toEqual(
        [
          " M meta_data.json",
          " M shared_tech_params.json",
          ...ACTION_FOLDERS.flatMap((f) =>
            ["client.js", "params.json", "server.js"].map((x) => `?? actions/${f}/${x}`),
          ),
        ].sort(),
      );
      const after = snapshot(bubble);
      expect(after.LICENSE).toBe(before.LICENSE);
      expect(after["README.md"]).toBe(before["README.md"]);
      expect(git(bubble, "log", "--format=%s")).toBe(`${BUBBLE}\n`);
    });

    it("writes each action as this repository's build has it, and Bubble's client.js stub", () => {
      for (const folder of ACTION_FOLDERS) {
        for (const file of ["params.json", "server.js"]) {
          expect(readFileSync(path.join(bubble, "actions", folder, file), "utf8"), `${folder}/${file}`).toBe(
            readFileSync(path.join(ROOT, "actions", folder, file), "utf8"),
          );
        }
        expect(readFileSync(path.join(bubble, "actions", folder, "client.js"), "utf8")).toBe(STUB);
      }
    });

    it("keeps Bubble's members of meta_data.json and shared_tech_params.json, in Bubble's format", () => {
      const { categories, ...meta } = plugin.meta;
      // The instructions as the build writes them: plugin.json's, then what each action returns.
      const { plugin_instructions } = JSON.parse(readFileSync(path.join(ROOT, "meta_data.json"), "utf8"));
      expect(plugin_instructions.startsWith(`${meta.plugin_instructions}\n\n`)).toBe(true);
      expect(readFileSync(path.join(bubble, "meta_data.json"), "utf8")).toBe(
        bubbleText({
          data_tracked: false,
          ...meta,
          plugin_instructions,
          categories: { 0: categories[0], 1: categories[1] },
        }),
      );
      expect(readFileSync(path.join(bubble, "shared_tech_params.json"), "utf8")).toBe(
        bubbleText({ dependencies: { plugin_api_version: 4, use_jquery: true }, shared_keys: plugin.keys }),
      );
    });

    it("prints what it wrote and what the publisher does next", () => {
      const text = summary(report, bubble);
      expect(text).toContain(`${bubble}: wrote:\n  actions/${ACTION_FOLDERS[0]}/params.json\n`);
      expect(text).toContain(
        `Next:\n  cd ${bubble} && git add -A && git commit -m "Plugin build" && git push\n  In Bubble's plugin editor, press Synchronize with GitHub.\n  Then cd ${bubble} && git pull, and run npm run sync -- ${bubble} again: it takes Bubble's answer (its ids) back.`,
      );
      expect(text).not.toContain("this repository: wrote");
    });

    it("changes no id: Bubble holds none of them yet", () => {
      expect(report.adopted).toEqual([]);
      expect(report.ownFiles).toEqual([]);
      expect(report.pending).toBe("commit");
      expect(readFileSync(path.join(source, "plugin.json"), "utf8")).toBe(pluginJson);
      expect(JSON.parse(readFileSync(path.join(source, "published-ids.json"), "utf8"))).toEqual({
        keys: {},
        actions: {},
      });
    });

    it("changes nothing when run again", async () => {
      const now = snapshot(bubble);
      const again = await syncRepository({ root: source, target: bubble });
      expect(again.bubbleFiles).toEqual([]);
      expect(again.ownFiles).toEqual([]);
      expect(again.pending).toBe("commit");
      expect(snapshot(bubble)).toEqual(now);
    });
  });

  describe("round trip: Bubble renumbers an action and a field, drops a doc, keeps its own client.js", () => {
    let report: SyncReport;
    let bubbleCommit: string;
    const decodeId = fresh(0);
    const maxAgeId = fresh(2);
    beforeAll(async () => {
      commitAs(bubble, "A Publisher", "Plugin build");
      // Bubble's answer: the Decode action and Verify's max_age field come back with new ids of Bubble's
      // counter, Generate's subject field without its doc and expires_in without optional and default_val;
      // Generate's client.js holds code of Bubble's own, and meta_data.json the icon Bubble keeps.
      renameSync(
        path.join(bubble, "actions/AEF-852mc"),
        path.join(bubble, "actions", actionFolder(decodeId)),
      );
      type Fields = Record<string, Record<string, unknown>>;
      const edit = <T>(file: string, change: (json: T) => void) => {
        const json = JSON.parse(readFileSync(path.join(bubble, file), "utf8")) as T;
        change(json);
        write(bubble, file, bubbleText(json));
      };
      edit<{ fields: Fields }>("actions/AED-852m8/params.json", ({ fields }) => {
        fields[maxAgeId] = fields.ABA as Fields[string];
        delete fields.ABA;
      });
      edit<{ fields: Fields }>("actions/AEC-852m6/params.json", ({ fields }) => {
        delete fields.AAH?.doc;
        delete fields.AAJ?.optional;
        delete fields.AAJ?.default_val;
      });
      write(bubble, "actions/AEC-852m6/client.js", "function(properties, context) {\n  // Bubble's own\n}");
      edit<Record<string, unknown>>("meta_data.json", (meta) => {
        meta.image = "//cdn.example/icon.png";
      });
      commitAs(bubble, "A Publisher", BUBBLE);
      bubbleCommit = git(bubble, "rev-parse", "HEAD").trim();
      report = await syncRepository({ root: source, target: bubble });
    });

    it("takes Bubble's ids into plugin.json, and moves next_id past them", () => {
      expect(report.adopted).toEqual([
        `JWT - Verify token field max_age: ABA → ${maxAgeId}`,
        `action JWT - Decode token (unverified): AEF → ${decodeId}`,
      ]);
      const expected = JSON.parse(pluginJson);
      expected.next_id = fresh(3);
      expected.actions = Object.fromEntries(
        Object.entries(expected.actions).map(([id, action]) => [id === "AEF" ? decodeId : id, action]),
      );
      const verify = expected.actions.AED;
      verify.fields = Object.fromEntries(
        Object.entries(verify.fields).map(([id, field]) => [id === "ABA" ? maxAgeId : id, field]),
      );
      expect(readFileSync(path.join(source, "plugin.json"), "utf8")).toBe(sourceJson(expected));
    });

    it("records every id Bubble holds as published", () => {
      const published = JSON.parse(readFileSync(path.join(source, "published-ids.json"), "utf8"));
      expect(Object.keys(published.keys)).toEqual(
        Object.values(plugin.keys).map((k) => (k as { caption: string }).caption),
      );
      expect(published.actions["JWT - Decode token (unverified)"].id).toBe(decodeId);
      expect(published.actions["JWT - Verify token"].fields.max_age).toBe(maxAgeId);
      expect(published.actions["JWT - Verify token"].fields.token).toBe("AAW");
      expect(Object.keys(published.actions)).toHaveLength(ACTION_FOLDERS.length);
    });

    it("restores what Bubble dropped and touches nothing else in Bubble's repository", () => {
      const status = git(bubble, "status", "--porcelain", "--untracked-files=all");
      expect(status).toBe(" M actions/AEC-852m6/params.json\n");
      const generate = JSON.parse(readFileSync(path.join(bubble, "actions/AEC-852m6/params.json"), "utf8"));
      expect(generate.fields.AAH.doc).toBe(plugin.actions.AEC.fields.AAH.doc);
      expect(generate.fields.AAJ).toMatchObject({ optional: true, default_val: 3600 });
      expect(readFileSync(path.join(bubble, "actions/AEC-852m6/client.js"), "utf8")).toContain(
        "Bubble's own",
      );
      expect(git(bubble, "rev-parse", "HEAD").trim()).toBe(bubbleCommit);
    });

    it("rebuilds this repository's actions under Bubble's ids", () => {
      expect(existsSync(path.join(source, "actions", actionFolder(decodeId), "server.js"))).toBe(true);
      expect(existsSync(path.join(source, "actions/AEF-852mc"))).toBe(false);
      expect(readFileSync(path.join(source, "actions/AED-852m8/params.json"), "utf8")).toBe(
        readFileSync(path.join(bubble, "actions/AED-852m8/params.json"), "utf8"),
      );
    });

    it("changes nothing when run again", async () => {
      const bubbleBefore = snapshot(bubble);
      const sourceBefore = readFileSync(path.join(source, "plugin.json"), "utf8");
      const again = await syncRepository({ root: source, target: bubble });
      expect(again).toMatchObject({
        adopted: [],
        reassigned: [],
        ownFiles: [],
        bubbleFiles: [],
        pending: "commit",
      });
      expect(snapshot(bubble)).toEqual(bubbleBefore);
      expect(readFileSync(path.join(source, "plugin.json"), "utf8")).toBe(sourceBefore);
    });

    it("says when Bubble has not answered a push yet, and when it has", async () => {
      commitAs(bubble, "A Publisher", "Plugin build: restore the docs Bubble dropped");
      expect((await syncRepository({ root: source, target: bubble })).pending).toBe("synchronize");
      git(
        bubble,
        "-c",
        "user.name=Bubble",
        "-c",
        "user.email=b@example.com",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        BUBBLE,
      );
      expect((await syncRepository({ root: source, target: bubble })).pending).toBe("none");
    });

    it("then the build refuses to give a published id back", () => {
      const file = path.join(source, "plugin.json");
      const text = readFileSync(file, "utf8");
      writeFileSync(file, text.replace(`"${decodeId}": {`, '"AEF": {'));
      expect(() => checkedManifest(source)).toThrow(
        `action JWT - Decode token (unverified) has id AEF in plugin.json but was published as ${decodeId}: put ${decodeId} back`,
      );
      writeFileSync(file, text);
    });

    it("refuses a Bubble commit that gives a published field another id, and changes nothing", async () => {
      const file = "actions/AED-852m8/params.json";
      const params = JSON.parse(readFileSync(path.join(bubble, file), "utf8"));
      params.fields[fresh(10)] = params.fields.AAW;
      delete params.fields.AAW;
      write(bubble, file, bubbleText(params));
      commitAs(bubble, "Bubble", BUBBLE);
      const pluginBefore = readFileSync(path.join(source, "plugin.json"), "utf8");
      const bubbleBefore = snapshot(bubble);
      await expect(syncRepository({ root: source, target: bubble })).rejects.toThrow(
        `disagrees with the ids it published before:\n  JWT - Verify token fields token has id ${fresh(10)} in Bubble's commit but was published as AAW`,
      );
      expect(readFileSync(path.join(source, "plugin.json"), "utf8")).toBe(pluginBefore);
      expect(snapshot(bubble)).toEqual(bubbleBefore);
    });
  });

  describe("ids Bubble uses for something plugin.json does not have", () => {
    const other = path.join(work, "other-bubble");
    const otherSource = path.join(work, "other-source");
    const [jwksId, jwks] = Object.entries(PLUGIN.actions).find(
      ([, action]) => (action as { display: string }).display === "JWT - Public keys (JWKS)",
    ) as [string, { return_value: Record<string, { name: string }> }];
    const returnIds = Object.keys(jwks.return_value);
    const jwksJsonId = returnIds.find((id) => jwks.return_value[id]?.name === "jwks_json") as string;
    const apiCallId = fresh(5);
    let report: SyncReport;
    beforeAll(async () => {
      mkdirSync(other);
      mkdirSync(otherSource);
      sourceCopy(otherSource);
      bubbleCreatedRepository(other);
      // An icon asset and an API call of Bubble's own, numbered from the same counter.
      write(
        other,
        "shared_tech_params.json",
        bubbleText({
          assets: { [jwksJsonId]: { name: "icon.png", url: "//cdn.example/icon.png" } },
          dependencies: {},
        }),
      );
      write(other, "api/raw_calls.json", bubbleText({ calls: { [apiCallId]: { name: "ping", rank: 0 } } }));
      commitAs(other, "Bubble", BUBBLE);
      report = await syncRepository({ root: otherSource, target: other });
    });

    it("move out of their way, and next_id moves past them", () => {
      expect(report.reassigned).toEqual([
        `JWT - Public keys (JWKS) return value jwks_json: ${jwksJsonId} → ${fresh(6)} (Bubble uses ${jwksJsonId} already)`,
      ]);
      const manifest = JSON.parse(readFileSync(path.join(otherSource, "plugin.json"), "utf8"));
      expect(manifest.next_id).toBe(fresh(7));
      expect(Object.keys(manifest.actions[jwksId].return_value)).toEqual(
        returnIds.map((id) => (id === jwksJsonId ? fresh(6) : id)),
      );
      const shared = JSON.parse(readFileSync(path.join(other, "shared_tech_params.json"), "utf8"));
      expect(shared.assets).toEqual({ [jwksJsonId]: { name: "icon.png", url: "//cdn.example/icon.png" } });
      // Bubble's file had no jQuery setting: the build's goes in (Bubble writes one in every such file).
      expect(shared.dependencies).toEqual({ plugin_api_version: "4", use_jquery: false });
    });

    it("removes a folder it wrote for an action whose id changed before Bubble saw it", async () => {
      const file = path.join(otherSource, "plugin.json");
      const manifest = JSON.parse(readFileSync(file, "utf8"));
      const moved = manifest.next_id as string;
      manifest.actions = Object.fromEntries(
        Object.entries(manifest.actions).map(([id, action]) => [id === "AEF" ? moved : id, action]),
      );
      manifest.next_id = idFromNumber(idNumber(moved) + 1);
      writeFileSync(file, sourceJson(manifest));
      const again = await syncRepository({ root: otherSource, target: other });
      expect(again.bubbleFiles).toContain(
        `actions/AEF-852mc/ (removed: the action is now in actions/${actionFolder(moved)}/)`,
      );
      expect(existsSync(path.join(other, "actions/AEF-852mc"))).toBe(false);
      expect(readdirSync(path.join(other, "actions", actionFolder(moved))).sort()).toEqual([
        "client.js",
        "params.json",
        "server.js",
      ]);
    });
  });

  describe("a Bubble that rewrites every file in its own shapes on each commit", () => {
    const normalising = path.join(work, "normalising-bubble");
    const normalisingSource = path.join(work, "normalising-source");
    const rounds: SyncReport[] = [];
    const rewrites: string[][] = [];
    beforeAll(async () => {
      mkdirSync(normalising);
      mkdirSync(normalisingSource);
      sourceCopy(normalisingSource);
      bubbleCreatedRepository(normalising);
      // Each round: sync; when it wrote something, the publisher pushes and Bubble answers with its commit.
      for (let round = 0; round < 3; round++) {
        const report = await syncRepository({ root: normalisingSource, target: normalising });
        rounds.push(report);
        if (report.pending === "none") break;
        commitAs(normalising, "A Publisher", "Plugin build");
        rewrites.push(bubbleRewrites(normalising));
        // Bubble commits on every synchronisation, whether or not it changed a file.
        git(normalising, "add", "-A");
        git(
          normalising,
          "-c",
          "user.name=Bubble",
          "-c",
          "user.email=b@example.com",
          "commit",
          "-q",
          "--allow-empty",
          "-m",
          BUBBLE,
        );
      }
    });

    it("settles: the second run finds nothing to write and nothing to push", () => {
      expect(rounds.map((r) => r.pending)).toEqual(["commit", "none"]);
      expect(rounds[1]?.bubbleFiles).toEqual([]);
      // Here, only the record of the ids Bubble now holds.
      expect(rounds[1]?.ownFiles).toEqual(["published-ids.json"]);
      expect(summary(rounds[1] as SyncReport, normalising)).toContain("nothing to push");
    });

    it("and a third run changes nothing on either side", async () => {
      const bubbleBefore = snapshot(normalising);
      const third = await syncRepository({ root: normalisingSource, target: normalising });
      expect(third).toMatchObject({ ownFiles: [], bubbleFiles: [], pending: "none" });
      expect(snapshot(normalising)).toEqual(bubbleBefore);
    });

    it("because Bubble found nothing of the build's to rewrite into its own shapes", () => {
      expect(rewrites).toEqual([[]]);
    });
  });

  describe("refuses a target with a symbolic link where it reads or writes, and changes nothing outside it", () => {
    const outside = path.join(work, "outside");
    const linkSource = path.join(work, "link-source");
    mkdirSync(linkSource);
    sourceCopy(linkSource);
    let n = 0;

    /** Everything under a folder, links included (as `link -> target`), with each file's content hash. */
    const tree = (dir: string): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
        const file = path.join(entry.parentPath, entry.name);
        const key = path.relative(dir, file);
        if (key === ".git" || key.startsWith(`.git${path.sep}`)) continue;
        if (entry.isSymbolicLink()) out[key] = `link -> ${readlinkSync(file)}`;
        else if (entry.isFile()) out[key] = createHash("sha256").update(readFileSync(file)).digest("hex");
        else out[key] = "folder";
      }
      return out;
    };

    /** A fresh repository Bubble created, with `plant` run on it and committed by someone else. */
    const planted = (plant: (repo: string) => void): string => {
      const repo = path.join(work, `planted-${n++}`);
      mkdirSync(repo);
      bubbleCreatedRepository(repo);
      plant(repo);
      commitAs(repo, "Someone", "Plugin build");
      return repo;
    };

    const folder = ACTION_FOLDERS[0] as string;
    mkdirSync(path.join(outside, "folder"), { recursive: true });
    write(outside, "settings.json", '{"keep": "me"}');
    write(outside, ".profile", "export PATH=$HOME/bin:$PATH\n");
    write(
      outside,
      "real-actions/AEF-852mc-old/params.json",
      JSON.stringify({ display: "JWT - Verify token" }),
    );

    it.each([
      [
        "meta_data.json a link to an outside file",
        "meta_data.json",
        (repo: string) => {
          rmSync(path.join(repo, "meta_data.json"));
          symlinkSync(path.join(outside, "settings.json"), path.join(repo, "meta_data.json"));
        },
      ],
      [
        "a dangling link at a path it writes",
        `actions/${folder}/server.js`,
        (repo: string) => {
          mkdirSync(path.join(repo, "actions", folder), { recursive: true });
          symlinkSync(
            path.join(outside, "created-by-sync.js"),
            path.join(repo, "actions", folder, "server.js"),
          );
        },
      ],
      [
        "actions/<folder> a link to an outside folder",
        `actions/${folder}`,
        (repo: string) => {
          mkdirSync(path.join(repo, "actions"));
          symlinkSync(path.join(outside, "folder"), path.join(repo, "actions", folder));
        },
      ],
      [
        "server.js a link to a shell profile",
        `actions/${folder}/server.js`,
        (repo: string) => {
          mkdirSync(path.join(repo, "actions", folder), { recursive: true });
          symlinkSync(path.join(outside, ".profile"), path.join(repo, "actions", folder, "server.js"));
        },
      ],
      [
        "actions/ itself a link to an outside folder with a stale-looking action",
        "actions",
        (repo: string) => {
          symlinkSync(path.join(outside, "real-actions"), path.join(repo, "actions"));
        },
      ],
    ])("refuses a target with %s, changing nothing outside it", async (_what, where, plant) => {
      const repo = planted(plant);
      const before = { outside: tree(outside), repo: tree(repo), source: tree(linkSource) };
      await expect(syncRepository({ root: linkSource, target: repo })).rejects.toThrow(
        `${repo}: ${where} is a symbolic link; npm run sync reads and writes only real files inside the repository: replace it with the file or folder itself (git checkout -- ${where}) and run it again.`,
      );
      expect(tree(outside)).toEqual(before.outside);
      expect(tree(repo)).toEqual(before.repo);
      expect(tree(linkSource)).toEqual(before.source);
    });

    it("syncs a target reached through a symbolic link to it (the link is the publisher's path, not the repository's)", async () => {
      const repo = planted((dir) => write(dir, "NOTES.md", "The publisher's notes.\n"));
      const link = path.join(work, "link-to-repo");
      symlinkSync(repo, link);
      const report = await syncRepository({ root: linkSource, target: link });
      expect(report.bubbleFiles).toContain("meta_data.json");
      expect(existsSync(path.join(repo, "actions", folder, "server.js"))).toBe(true);
    });
  });

  describe("refuses, with one line and exit code 2,", () => {
    const sync = (target: string) =>
      spawnSync(process.execPath, ["tools/run-ts.mjs", "build/sync.ts", target], {
        cwd: ROOT,
        encoding: "utf8",
      });
    const notBubble = path.join(work, "not-bubble");
    mkdirSync(notBubble);
    git(notBubble, "init", "-q");
    write(notBubble, "meta_data.json", "{}");
    write(notBubble, "shared_tech_params.json", "{}");
    commitAs(notBubble, "Someone", "Initial commit");

    it.each([
      ["a folder that does not exist", path.join(work, "missing"), "no such folder"],
      ["a folder that is no git repository", path.join(work, "source"), "it is not a git repository"],
      ["a repository Bubble never committed to", notBubble, `no commit says "${BUBBLE}"`],
    ])("%s", (_what, target, why) => {
      const before = snapshot(path.dirname(target));
      const result = sync(target);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(`${target} is not a repository Bubble created: ${why}\n`);
      expect(result.stdout).toBe("");
      expect(snapshot(path.dirname(target))).toEqual(before);
    });
  });
});
