/**
 * The Bubble adapter (src/bubble) in process: how fields are read from `properties` and `context.keys`,
 * how results become return values, and how an action reports a refusal, a configuration error or a
 * crash. The built actions are tested through Bubble's runtimes by the contract suites.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { defineAction, refusedValues } from "../../src/bubble/action.js";
import { PLUGIN_KEYS, readKeyMaterial, withKeyDefault } from "../../src/bubble/keys.js";
import { logOutcome } from "../../src/bubble/log.js";
import {
  isEmpty,
  readAlgorithm,
  readCheckbox,
  readKeyValueList,
  readNameList,
  readOptionalWholeNumber,
  readText,
  readTextList,
  readWholeNumber,
  requireText,
} from "../../src/bubble/properties.js";
import { audienceText, claimLists, claimText, sessionValues, toDate } from "../../src/bubble/results.js";
import { CLOCK_TOLERANCE_RULE, LIFETIME_RULE } from "../../src/bubble/rules.js";
import { verifiedValues } from "../../src/bubble/verified.js";
import { ensureWebCrypto } from "../../src/bubble/webcrypto.js";
import { ConfigError, TokenError } from "../../src/jwt/errors.js";
import { rejectionOf, thrownBy } from "../support/thrown.js";

// What the build writes into each bundle from plugin.json's default_val (src/bubble/defaults.ts).
beforeAll(() => {
  (globalThis as Record<string, unknown>).PLUGIN_FIELD_DEFAULTS = {
    algorithm: "HS256",
    clock_tolerance: "0",
  };
  return () => delete (globalThis as Record<string, unknown>).PLUGIN_FIELD_DEFAULTS;
});

const configCode = (run: () => unknown) => thrownBy(run, ConfigError)?.code;
const configMessage = (run: () => unknown) => thrownBy(run, ConfigError)?.message;

describe("reading fields", () => {
  it("takes null, undefined and empty text as empty, and nothing else", () => {
    expect([null, undefined, ""].map(isEmpty)).toEqual([true, true, true]);
    expect([0, false, " ", []].map(isEmpty)).toEqual([false, false, false, false]);
  });

  it("reads text trimmed, anything else as its text, and blank as absent", () => {
    expect(readText({ a: "  x  " }, "a")).toBe("x");
    expect(readText({ a: 42 }, "a")).toBe("42");
    expect([readText({ a: "   " }, "a"), readText({}, "a"), readText({ a: null }, "a")]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("requires a text field, naming it and what to set", () => {
    expect(requireText({ subject: " u " }, "subject", "the user id")).toBe("u");
    expect(configMessage(() => requireText({ subject: " " }, "subject", "the user id"))).toBe(
      "The subject field is empty; set it to the user id.",
    );
    expect(configCode(() => requireText({}, "subject", "x"))).toBe("missing_field");
  });

  it("reads a checkbox as a boolean or yes/no text, its fallback when empty", () => {
    expect([true, false, "true", "YES", " no ", "False"].map((v) => readCheckbox({ c: v }, "c"))).toEqual([
      true,
      false,
      true,
      true,
      false,
      false,
    ]);
    expect([readCheckbox({}, "c"), readCheckbox({}, "c", true), readCheckbox({ c: "" }, "c", true)]).toEqual([
      false,
      true,
      true,
    ]);
    expect(readCheckbox({ c: " " }, "c", true)).toBe(false);
    expect(configMessage(() => readCheckbox({ c: "maybe" }, "c"))).toBe("The c field must be yes or no.");
  });

  it("reads a whole number as a number or plain decimal text, within its rule", () => {
    const read = (value: unknown) => readOptionalWholeNumber({ n: value }, "n", CLOCK_TOLERANCE_RULE);
    expect([read(0), read(300), read(" 12 "), read("+7"), read(""), read("  "), read(null)]).toEqual([
      0,
      300,
      12,
      7,
      undefined,
      undefined,
      undefined,
    ]);
    for (const value of [-1, 301, 1.5, "0x10", "1e2", "12a", Number.NaN, true]) {
      expect(
        configMessage(() => read(value)),
        String(value),
      ).toBe("The n field must be a whole number of seconds from 0 to 300.");
    }
    expect(configMessage(() => readOptionalWholeNumber({ n: 0 }, "n", LIFETIME_RULE))).toBe(
      "The n field must be a whole number of seconds from 1 to 15,777,000.",
    );
  });

  it("takes plugin.json's default for an empty whole number", () => {
    expect(readWholeNumber({}, "clock_tolerance", CLOCK_TOLERANCE_RULE)).toBe(0);
    expect(readWholeNumber({ clock_tolerance: 30 }, "clock_tolerance", CLOCK_TOLERANCE_RULE)).toBe(30);
  });

  it("reads the algorithm, its default when empty, among the ones the action offers", () => {
    expect(readAlgorithm({ algorithm: " ES256 " })).toBe("ES256");
    expect(readAlgorithm({})).toBe("HS256");
    expect(configMessage(() => readAlgorithm({ algorithm: "hs256" }))).toMatch(
      /^The algorithm field must be one of HS256, HS384, .*EdDSA\.$/,
    );
    expect(configMessage(() => readAlgorithm({ algorithm: "HS256" }, ["RS256", "ES256"]))).toBe(
      "The algorithm field must be one of RS256, ES256.",
    );
  });

  it("splits a comma-separated list, dropping blanks", () => {
    expect(readNameList({ l: " a, ,b ,, c " }, "l")).toEqual(["a", "b", "c"]);
    expect(readNameList({}, "l")).toEqual([]);
  });

  it("reads a list of texts from an array or a Bubble list, refusing other items", async () => {
    expect(await readTextList({ l: [" a ", "", null, 7, "  "] }, "l")).toEqual(["a", "7"]);
    const bubbleList = {
      length: async () => 2,
      get: async (start: number, count: number) => ["x", "y"].slice(start, start + count),
    };
    expect(await readTextList({ l: bubbleList }, "l")).toEqual(["x", "y"]);
    const empty = { length: () => 0, get: () => ["never read"] };
    expect(await readTextList({ l: empty }, "l")).toEqual([]);
    expect(await readTextList({}, "l")).toEqual([]);
    for (const value of ["text", { length: 2 }, [{ a: 1 }], [["a"]]]) {
      const error = await rejectionOf(readTextList({ l: value }, "l"), ConfigError);
      expect([error?.code, error?.message]).toEqual([
        "invalid_field",
        "The l field must be a list of texts.",
      ]);
    }
  });

  it("reads a key-value list, keys trimmed, empties as empty text", () => {
    expect(
      readKeyValueList(
        { kv: [{ key: " role ", value: " admin " }, { key: null, value: null }, "junk", { key: 1 }] },
        "kv",
      ),
    ).toEqual([
      { key: "role", value: " admin " },
      { key: "", value: "" },
      { key: "1", value: "" },
    ]);
    expect(readKeyValueList({}, "kv")).toEqual([]);
    expect(configMessage(() => readKeyValueList({ kv: "a=b" }, "kv"))).toBe(
      "The kv field must be a list of keys and values.",
    );
  });

  it("reads the plugin keys, blank as absent, and a field's default from a plugin key", () => {
    const context = {
      keys: {
        "JWT Secret": " s ",
        "Previous JWT Secret": "  ",
        "Private Key": 7,
        Issuer: " iss ",
        Audience: "",
      },
    };
    expect(readKeyMaterial(context)).toEqual({
      secret: " s ",
      previousSecret: undefined,
      privateKey: undefined,
      publicKey: undefined,
    });
    expect(readKeyMaterial({})).toEqual({
      secret: undefined,
      previousSecret: undefined,
      privateKey: undefined,
      publicKey: undefined,
    });
    expect(withKeyDefault(undefined, context, PLUGIN_KEYS.issuer)).toBe("iss");
    expect(withKeyDefault("field", context, PLUGIN_KEYS.issuer)).toBe("field");
    expect(withKeyDefault(undefined, context, PLUGIN_KEYS.audience)).toBeUndefined();
  });
});

describe("return values", () => {
  it("turns times into Dates, and what no Date can hold into null", () => {
    expect(toDate(1_700_000_000)).toEqual(new Date(1_700_000_000_000));
    expect(toDate(-8.64e12)).toEqual(new Date(-8.64e15));
    expect([toDate(8.64e12 + 1), toDate("1"), toDate(undefined)]).toEqual([null, null, null]);
  });

  it("gives claims as text: text as is, the rest as JSON, absent as null", () => {
    expect([
      claimText("a"),
      claimText(1),
      claimText({ b: [1] }),
      claimText(null),
      claimText(undefined),
    ]).toEqual(["a", "1", '{"b":[1]}', null, null]);
    expect(claimLists({ a: "x", n: null, o: { k: 1 } })).toEqual({
      claim_names: ["a", "n", "o"],
      claim_values: ["x", "null", '{"k":1}'],
    });
    expect([audienceText(["a", 1, "b"]), audienceText("a"), audienceText(5)]).toEqual(["a,b", "a", null]);
  });

  it("returns a session's values, empty without a refresh token", () => {
    const access = { token: "t", claims: { sid: "s" }, issuedAt: 1, expiresAt: 2, expiresIn: 1, jti: "a" };
    expect(sessionValues({ access })).toEqual({
      session_id: "s",
      refresh_token: "",
      refresh_expires_at: null,
      refresh_jti: null,
    });
    const refresh = { ...access, token: "r", expiresAt: 10, jti: "r-1" };
    expect(sessionValues({ access, refresh })).toEqual({
      session_id: "s",
      refresh_token: "r",
      refresh_expires_at: new Date(10_000),
      refresh_jti: "r-1",
    });
  });

  it("returns a verified token's claims, its seconds left never below zero", () => {
    const now = Date.now() / 1000;
    const claims = {
      sub: "u",
      aud: ["a", "b"],
      iat: 100,
      exp: Math.floor(now) + 600,
      sid: "s",
      auth_time: 100,
      x: 1,
    };
    const values = verifiedValues({ kid: "k" }, claims);
    expect(values).toMatchObject({
      valid: true,
      error_code: "",
      error_message: "",
      subject: "u",
      email: null,
      audience: "a,b",
      key_id: "k",
      issued_at: new Date(100_000),
      session_id: "s",
      auth_time: new Date(100_000),
      claims_json: JSON.stringify(claims),
      claim_names: Object.keys(claims),
    });
    expect(values.expires_in).toBeGreaterThanOrEqual(598);
    expect(values.expires_in).toBeLessThanOrEqual(600);
    expect(verifiedValues({}, { exp: 1 }).expires_in).toBe(0);
  });
});

describe("defineAction", () => {
  const lines: string[] = [];
  afterEach(() => {
    lines.length = 0;
    vi.restoreAllMocks();
  });
  const capture = () => vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));

  it("returns the values and logs one ok line with sub, jti and kid", async () => {
    capture();
    const run = defineAction({
      name: "t",
      compute: async () => ({ values: { a: 1 }, log: { sub: "u", jti: "j", kid: 3 } }),
    });
    expect(await run({}, {})).toEqual({ a: 1 });
    expect(lines).toEqual(['JWT t: {"outcome":"ok","sub":"u","jti":"j"}']);
  });

  it("returns a refused token as values, and logs its code and reason", async () => {
    capture();
    const refused = new TokenError("expired", "The token has expired.", "why");
    const run = defineAction({
      name: "t",
      compute: async () => {
        throw refused;
      },
      whenRefused: (error) => refusedValues("valid", error),
    });
    expect(await run({}, {})).toEqual({
      valid: false,
      error_code: "expired",
      error_message: "The token has expired.",
    });
    expect(lines).toEqual(['JWT t: {"outcome":"expired","reason":"why"}']);
  });

  it("stops the workflow on a configuration error, with its code and message and no cause", async () => {
    capture();
    const run = defineAction({
      name: "t",
      compute: async () => {
        throw new ConfigError("weak_key", "The key is weak.", { cause: new Error("secret text") });
      },
    });
    const error = await rejectionOf(run({}, {}), Error);
    expect([error?.message, error?.cause]).toEqual(["JWT plugin (weak_key): The key is weak.", undefined]);
    expect(lines).toEqual(['JWT t: {"outcome":"configuration_error:weak_key"}']);
  });

  it("hides anything unexpected behind its kind, a refusal included when the action returns none", async () => {
    capture();
    const crash = defineAction({
      name: "t",
      compute: async () => {
        throw new RangeError("quotes a secret");
      },
    });
    const error = await rejectionOf(crash(undefined as never, undefined as never), Error);
    expect(error?.message).toBe(
      "JWT plugin: an unexpected RangeError stopped the t action; please report it.",
    );
    const refusedWithoutValues = defineAction({
      name: "t",
      compute: async () => {
        throw new TokenError("expired", "x");
      },
    });
    expect((await rejectionOf(refusedWithoutValues({}, {}), Error))?.message).toContain(
      "unexpected TokenError",
    );
    expect(lines).toEqual(['JWT t: {"outcome":"internal_error"}', 'JWT t: {"outcome":"internal_error"}']);
    const notAnError = defineAction({
      name: "t",
      compute: async () => {
        throw "text";
      },
    });
    expect((await rejectionOf(notAnError({}, {}), Error))?.message).toContain("unexpected string");
  });
});

describe("logOutcome", () => {
  afterEach(() => vi.restoreAllMocks());
  it("writes text fields only, cut to 128 characters, with line separators escaped", () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    logOutcome("v", "ok", { sub: "x".repeat(200), jti: "", kid: "a\u2028b\u0085c\u2029", reason: undefined });
    expect(lines).toEqual([
      `JWT v: {"outcome":"ok","sub":"${"x".repeat(128)}","kid":"a\\u2028b\\u0085c\\u2029"}`,
    ]);
    logOutcome("v", "ok");
    expect(lines[1]).toBe('JWT v: {"outcome":"ok"}');
  });
});

describe("ensureWebCrypto", () => {
  it("installs node's WebCrypto only where there is none", () => {
    const original = globalThis.crypto;
    ensureWebCrypto();
    expect(globalThis.crypto).toBe(original);
    Object.defineProperty(globalThis, "crypto", { value: undefined, configurable: true, writable: true });
    try {
      ensureWebCrypto();
      expect(typeof globalThis.crypto.subtle.importKey).toBe("function");
      expect(Object.getOwnPropertyDescriptor(globalThis, "crypto")?.enumerable).toBe(false);
    } finally {
      Object.defineProperty(globalThis, "crypto", { value: original, configurable: true, writable: true });
    }
  });
});
