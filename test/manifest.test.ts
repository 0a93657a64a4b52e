/**
 * The plugin contract (the public names, as docs/actions.md lists them) against what Bubble syncs: every action, field and
 * return value name with its type. Names may be added, never renamed or dropped: this table is binding.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_ERROR_CODES, TOKEN_ERROR_CODES } from "../src/jwt/errors.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const ALGORITHMS = "HS256,HS384,HS512,RS256,RS384,RS512,PS256,PS384,PS512,ES256,ES384,ES512,EdDSA";

type Spec = Record<string, string>;
interface ActionSpec {
  readonly fields: Spec;
  readonly returns: Spec;
}

// "list" marks an is_list value; "dropdown" a Dropdown field.
const VERIFY_RETURNS: Spec = {
  valid: "boolean",
  error_code: "text",
  error_message: "text",
  subject: "text",
  email: "text",
  issuer: "text",
  audience: "text",
  jti: "text",
  key_id: "text",
  issued_at: "date",
  expires_at: "date",
  expires_in: "number",
  claims_json: "text",
  claim_names: "text list",
  claim_values: "text list",
  // Sessions (0.2).
  session_id: "text",
  auth_time: "date",
};

// Generate's and Refresh's session return values (0.2).
const SESSION_RETURNS: Spec = {
  session_id: "text",
  refresh_token: "text",
  refresh_expires_at: "date",
  refresh_jti: "text",
};

const CONTRACT: Record<string, ActionSpec> = {
  "JWT - Generate token": {
    fields: {
      subject: "text",
      email: "text",
      expires_in: "number",
      issuer: "text",
      audience: "text",
      claims: "key_value_list",
      claims_json: "text",
      key_id: "text",
      token_type: "text",
      algorithm: "dropdown",
      issue_refresh_token: "boolean",
      refresh_expires_in: "number",
      session_id: "text",
    },
    returns: {
      token: "text",
      issued_at: "date",
      expires_at: "date",
      expires_in: "number",
      jti: "text",
      ...SESSION_RETURNS,
    },
  },
  "JWT - Verify token": {
    fields: {
      token: "text",
      issuer: "text",
      audience: "text",
      clock_tolerance: "number",
      max_age: "number",
      required_claims: "text",
      revoked_ids: "text list",
      algorithm: "dropdown",
    },
    returns: VERIFY_RETURNS,
  },
  "JWT - Refresh token": {
    fields: {
      token: "text",
      expires_in: "number",
      grace_period: "number",
      max_session: "number",
      issuer: "text",
      audience: "text",
      revoked_ids: "text list",
      algorithm: "dropdown",
      refresh_expires_in: "number",
    },
    returns: {
      ok: "boolean",
      error_code: "text",
      error_message: "text",
      token: "text",
      issued_at: "date",
      expires_at: "date",
      expires_in: "number",
      jti: "text",
      previous_jti: "text",
      subject: "text",
      ...SESSION_RETURNS,
      auth_time: "date",
      // 0.3: how long the one-token flow's revoked row must live.
      revoke_until: "date",
    },
  },
  "JWT - Decode token (unverified)": {
    fields: { token: "text" },
    returns: {
      header_json: "text",
      claims_json: "text",
      algorithm: "text",
      key_id: "text",
      subject: "text",
      issuer: "text",
      issued_at: "date",
      expires_at: "date",
      is_expired: "boolean",
      error_code: "text",
      error_message: "text",
      session_id: "text",
      token_use: "text",
    },
  },
  "JWT - Public keys (JWKS)": {
    fields: { algorithm: "dropdown" },
    returns: { jwks_json: "text", public_key_pem: "text", key_id: "text" },
  },
  // 0.3: the session decision.
  "JWT - Session": {
    fields: {
      token: "text",
      purpose: "dropdown",
      session_id: "text",
      session_user_id: "text",
      current_jti: "text",
      rotated_at: "date",
      revoked: "boolean",
      created_at: "date",
      expires_at: "date",
      sessions_revoked_at: "date",
      expires_in: "number",
      refresh_expires_in: "number",
      max_session: "number",
      retry_window: "number",
      issuer: "text",
      audience: "text",
      algorithm: "dropdown",
      clock_tolerance: "number",
    },
    returns: {
      ok: "boolean",
      error_code: "text",
      error_message: "text",
      user_id: "text",
      session_id: "text",
      subject: "text",
      email: "text",
      claims_json: "text",
      auth_time: "date",
      token: "text",
      expires_at: "date",
      refresh_token: "text",
      refresh_expires_at: "date",
      rotate: "boolean",
      new_current_jti: "text",
      new_rotated_at: "date",
      new_expires_at: "date",
      revoke: "boolean",
      new_revoked: "boolean",
      end_all_sessions: "boolean",
      new_sessions_revoked_at: "date",
    },
  },
  "JWT - Verify external token": {
    fields: {
      token: "text",
      provider: "dropdown",
      project: "text",
      jwks_url: "text",
      issuer: "text",
      audience: "text",
      algorithms: "text",
      clock_tolerance: "number",
      max_age: "number",
      required_claims: "text",
    },
    // The contract: "Returns everything Verify returns, plus provider".
    returns: { ...VERIFY_RETURNS, provider: "text" },
  },
};

interface Entry {
  name: string;
  editor?: string;
  value?: string;
  is_list?: boolean;
  options?: string;
  default_val?: string | number | boolean;
  doc?: string;
  caption?: string;
  optional?: boolean;
}

function loadSynced(): Map<string, { fields: Entry[]; returns: Entry[] }> {
  const out = new Map<string, { fields: Entry[]; returns: Entry[] }>();
  for (const id of readdirSync(path.join(ROOT, "actions"))) {
    const params = JSON.parse(readFileSync(path.join(ROOT, "actions", id, "params.json"), "utf8"));
    expect(params.type).toBe("server_side");
    out.set(params.display, {
      fields: Object.values(params.fields) as Entry[],
      returns: Object.values(params.return_value) as Entry[],
    });
  }
  return out;
}

function typeOf(entry: Entry): string {
  if (entry.editor === "Dropdown") return "dropdown";
  // As Bubble writes a Checkbox: no value type, a yes/no default.
  if (entry.editor === "Checkbox")
    return entry.value === undefined && typeof entry.default_val === "boolean"
      ? "boolean"
      : "Checkbox not as Bubble writes it";
  if (entry.editor === "key_value_list") return "key_value_list";
  return `${entry.value}${entry.is_list ? " list" : ""}`;
}

describe("the contract's names and types, in the synced params.json", () => {
  const synced = loadSynced();
  for (const [display, spec] of Object.entries(CONTRACT)) {
    describe(display, () => {
      const action = synced.get(display);
      it("exists", () => expect(action).toBeDefined());
      for (const [name, type] of Object.entries(spec.fields)) {
        it(`has field ${name} (${type})`, () => {
          const entry = action?.fields.find((f) => f.name === name);
          expect(entry && typeOf(entry)).toBe(type);
        });
      }
      for (const [name, type] of Object.entries(spec.returns)) {
        it(`returns ${name} (${type})`, () => {
          const entry = action?.returns.find((f) => f.name === name);
          expect(entry && typeOf(entry)).toBe(type);
        });
      }
      it("has a caption and a one-sentence doc with an example value on every field, and on every return value in the plugin instructions (Bubble keeps no doc on one)", () => {
        const instructions = JSON.parse(readFileSync(path.join(ROOT, "meta_data.json"), "utf8"))
          .plugin_instructions as string;
        const section = instructions.split(`\n${display} returns:\n`)[1]?.split("\n\n")[0] ?? "";
        for (const entry of action?.fields ?? []) {
          expect(entry.caption, entry.name).toBeTruthy();
          expect(entry.doc ?? "", entry.name).toMatch(/^[A-Z].{10,}e\.g\. .+[.)}]$/s);
        }
        for (const entry of action?.returns ?? []) {
          expect(entry.caption, entry.name).toBeTruthy();
          expect(entry.doc, entry.name).toBeUndefined();
          const doc = section
            .split("\n")
            .find((line) => line.startsWith(`- ${entry.caption} (${entry.name}): `));
          expect(doc?.split("): ").slice(1).join("): ") ?? "", entry.name).toMatch(
            /^[A-Z].{10,}e\.g\. .+[.)}]$/s,
          );
        }
      });
    });
  }

  it("names every action in the plugin instructions, with the plugin keys and the error codes", () => {
    const meta = JSON.parse(readFileSync(path.join(ROOT, "meta_data.json"), "utf8"));
    for (const display of synced.keys()) expect(meta.plugin_instructions).toContain(display);
    for (const key of [
      "JWT Secret",
      "Previous JWT Secret",
      "Private Key",
      "Public Key",
      "Issuer",
      "Audience",
    ]) {
      expect(meta.plugin_instructions).toContain(key);
    }
    expect(meta.plugin_instructions).toMatch(/development and a live value/);
    expect(meta.plugin_instructions).toMatch(/Session/);
  });

  it("lists exactly the error codes of TOKEN_ERROR_CODES in the plugin instructions, in order", () => {
    const meta = JSON.parse(readFileSync(path.join(ROOT, "meta_data.json"), "utf8"));
    const list =
      (meta.plugin_instructions as string).match(/^Error codes \(error_code[^:]*\): (.+)$/m)?.[1] ?? "";
    const listed = list.match(/\b[a-z]+(?:_[a-z]+)+\b|\b(?:malformed|expired|revoked)\b/g) ?? [];
    expect(listed.filter((code) => code !== "error_code")).toEqual([...TOKEN_ERROR_CODES]);
  });

  it("lists exactly the configuration codes of CONFIG_ERROR_CODES in the plugin instructions and the README, in order", () => {
    const meta = JSON.parse(readFileSync(path.join(ROOT, "meta_data.json"), "utf8"));
    const line = (meta.plugin_instructions as string).match(
      /^Configuration codes .*: ([a-z_]+(?:, [a-z_]+)*)\.$/m,
    )?.[1];
    expect(line?.split(", ")).toEqual([...CONFIG_ERROR_CODES]);
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const table = readme.split("\n| Configuration code ")[1]?.split("\n\n")[0] ?? "";
    const rows = table
      .split("\n")
      .slice(2)
      .map((row) => row.match(/^\| `([a-z_]+)` /)?.[1]);
    expect(rows).toEqual([...CONFIG_ERROR_CODES]);
  });

  it("the README's client table explains every error code, and the session workflows' own", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const table = readme.split("### How a client reacts to each `error_code`")[1]?.split("\n\n")[1] ?? "";
    const explained = table
      .split("\n")
      .slice(2)
      .flatMap((row) => [...(row.split("|")[1] ?? "").matchAll(/`([a-z_]+)`/g)].map((m) => m[1]));
    // Codes the recommended workflows answer themselves (docs/sessions.md), besides the plugin's.
    const workflowCodes = ["user_not_found", "invalid_credentials"];
    expect(explained.sort()).toEqual([...TOKEN_ERROR_CODES, ...workflowCodes].sort());
  });

  it("offers every algorithm, HS256 by default, on the token actions", () => {
    for (const display of [
      "JWT - Generate token",
      "JWT - Verify token",
      "JWT - Refresh token",
      "JWT - Session",
    ]) {
      const algorithm = synced.get(display)?.fields.find((f) => f.name === "algorithm");
      expect(algorithm?.options).toBe(ALGORITHMS);
      expect(algorithm?.default_val).toBe("HS256");
    }
  });

  it("marks the token and subject fields required and the rest optional", () => {
    const required = (display: string) =>
      synced
        .get(display)
        ?.fields.filter((f) => !f.optional && f.editor !== "Dropdown" && f.editor !== "Checkbox")
        .map((f) => f.name);
    expect(required("JWT - Generate token")).toEqual(["subject"]);
    expect(required("JWT - Verify token")).toEqual(["token"]);
    expect(required("JWT - Refresh token")).toEqual(["token"]);
    expect(required("JWT - Decode token (unverified)")).toEqual(["token"]);
    expect(required("JWT - Verify external token")).toEqual(["token"]);
    expect(required("JWT - Session")).toEqual(["token"]);
  });

  it("offers the four purposes, access by default, on JWT - Session", () => {
    const purpose = synced.get("JWT - Session")?.fields.find((f) => f.name === "purpose");
    expect(purpose?.options).toBe("access,refresh,logout,logout_everywhere");
    expect(purpose?.default_val).toBe("access");
  });

  it("offers the contract's providers, Custom by default, on Verify external token", () => {
    const provider = synced.get("JWT - Verify external token")?.fields.find((f) => f.name === "provider");
    expect(provider?.options).toBe("Custom,Firebase,Supabase,Auth0,Clerk,Google,Apple");
    expect(provider?.default_val).toBe("Custom");
  });
});

/**
 * The shapes Bubble itself writes (every server-side action of 26 repositories Bubble synced): a file in
 * another shape is rewritten by Bubble's next commit, and a sync that writes it back never settles.
 */
describe("the synced files, in the shapes Bubble writes", () => {
  const all = [...loadSynced().entries()];
  const fields = all.flatMap(([display, { fields }]) => fields.map((f) => ({ display, ...f })));

  it("a Checkbox has no value type and no optional, and a yes/no default", () => {
    const checkboxes = fields.filter((f) => f.editor === "Checkbox");
    expect(checkboxes.length).toBeGreaterThan(0);
    for (const f of checkboxes) {
      expect(
        Object.keys(f).filter((k) => k === "value" || k === "optional"),
        f.name,
      ).toEqual([]);
      expect(typeof f.default_val, f.name).toBe("boolean");
    }
  });

  it("a Dropdown is never optional", () => {
    for (const f of fields.filter((f) => f.editor === "Dropdown"))
      expect("optional" in f, f.name).toBe(false);
  });

  it("a number's default is a JSON number, and every other default text", () => {
    const defaults = fields.filter((f) => f.default_val !== undefined && f.editor !== "Checkbox");
    expect(defaults.filter((f) => f.value === "number").length).toBeGreaterThan(0);
    for (const f of defaults)
      expect(typeof f.default_val, `${f.display} ${f.name}`).toBe(f.value === "number" ? "number" : "string");
  });

  it("no return value has a doc; docs/actions.md keeps every one", () => {
    const reference = readFileSync(path.join(ROOT, "docs/actions.md"), "utf8");
    const plugin = JSON.parse(readFileSync(path.join(ROOT, "plugin.json"), "utf8"));
    for (const [display, { returns }] of all) {
      const source = Object.values(
        (Object.values(plugin.actions) as { display: string; return_value: Record<string, Entry> }[]).find(
          (a) => a.display === display,
        )?.return_value ?? {},
      );
      for (const r of returns) {
        expect(r.doc, `${display} ${r.name}`).toBeUndefined();
        const doc = source.find((s) => s.name === r.name)?.doc ?? "";
        expect(doc, `${display} ${r.name}`).not.toBe("");
        expect(reference).toContain(`| \`${r.name}\` | ${r.caption} |`);
        expect(reference).toContain(doc.replace(/\|/g, "\\|"));
      }
    }
  });

  it("meta_data.json files the plugin under Bubble's categories (compliance, not security)", () => {
    const meta = JSON.parse(readFileSync(path.join(ROOT, "meta_data.json"), "utf8"));
    expect(meta.categories).toEqual({ 0: "technical", 1: "compliance" });
  });

  it("shared_tech_params.json says whether pages load jQuery, inside dependencies as Bubble writes it", () => {
    const shared = JSON.parse(readFileSync(path.join(ROOT, "shared_tech_params.json"), "utf8"));
    expect(shared.dependencies).toEqual({ plugin_api_version: "4", use_jquery: false });
  });
});
