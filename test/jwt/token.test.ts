import { describe, expect, it } from "vitest";
import { TokenError } from "../../src/jwt/errors.js";
import { cleanTokenInput, parseToken } from "../../src/jwt/token.js";

function codeOf(run: () => unknown): string {
  try {
    run();
    return "ok";
  } catch (error) {
    if (error instanceof TokenError) return error.code;
    throw error;
  }
}

const header = Buffer.from('{"alg":"HS256"}').toString("base64url");
const claims = Buffer.from('{"sub":"u"}').toString("base64url");

describe("cleanTokenInput", () => {
  it("strips Bearer in any case and white space", () => {
    expect(cleanTokenInput("  BEARER\ta.b.c \n")).toBe("a.b.c");
    expect(cleanTokenInput("bearer a.b.c")).toBe("a.b.c");
  });
  it("reports empty input as missing_token", () => {
    for (const input of [null, undefined, "", "   ", "Bearer", "bearer   "])
      expect(codeOf(() => cleanTokenInput(input))).toBe("missing_token");
  });
  it("refuses over 16,384 characters, and huge input before trimming", () => {
    expect(codeOf(() => cleanTokenInput("a".repeat(16_384)))).toBe("ok");
    expect(codeOf(() => cleanTokenInput("a".repeat(16_385)))).toBe("token_too_large");
    expect(codeOf(() => cleanTokenInput(" ".repeat(2_000_000)))).toBe("token_too_large");
  });
  it("refuses a value that is not text", () => expect(codeOf(() => cleanTokenInput(42))).toBe("malformed"));
});

describe("parseToken", () => {
  it("decodes the header of three base64url parts", () => {
    expect(parseToken(`${header}.${claims}.sig`).header).toEqual({ alg: "HS256" });
  });
  it("refuses what is not a compact JWS", () => {
    for (const token of [
      `${header}.${claims}`,
      `${header}.${claims}.a.b`,
      `${header}.${claims}.a.b.c`,
      `{"payload":"x"}`,
      `${header}=.${claims}.sig`,
      `.${claims}.sig`,
      `${Buffer.from("[1]").toString("base64url")}.${claims}.sig`,
      `${Buffer.from([0xff, 0xfe]).toString("base64url")}.${claims}.sig`,
    ]) {
      expect(
        codeOf(() => parseToken(token)),
        token,
      ).toBe("malformed");
    }
  });
  it("decodes a header text once and shares the result, frozen, with later tokens carrying it", () => {
    const first = parseToken(`${header}.${claims}.sig`).header;
    const again = parseToken(`${header}.${Buffer.from('{"sub":"v"}').toString("base64url")}.sig2`).header;
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const other = parseToken(`${Buffer.from('{"alg":"HS384"}').toString("base64url")}.${claims}.sig`).header;
    expect(other).toEqual({ alg: "HS384" });
  });
  it("keeps a bounded number of short headers; malformed ones take no place in it", () => {
    const headerOf = (value: Record<string, unknown>) =>
      Buffer.from(JSON.stringify(value)).toString("base64url");
    const kept = headerOf({ alg: "HS256", kid: "kept" });
    const first = parseToken(`${kept}.${claims}.sig`).header;
    for (let i = 0; i < 16; i++) parseToken(`${headerOf({ alg: "HS256", kid: `k${i}` })}.${claims}.sig`);
    expect(parseToken(`${kept}.${claims}.sig`).header).not.toBe(first);
    const long = headerOf({ alg: "HS256", kid: "x".repeat(600) });
    expect(parseToken(`${long}.${claims}.sig`).header).not.toBe(parseToken(`${long}.${claims}.sig`).header);
    // Sixteen malformed headers after a kept one: it is still the same object, so none took its place.
    const survivor = headerOf({ alg: "HS256", kid: "survivor" });
    const kept16 = parseToken(`${survivor}.${claims}.sig`).header;
    for (let i = 0; i < 16; i++) {
      const notJson = Buffer.from(`{alg${i}`).toString("base64url");
      expect(codeOf(() => parseToken(`${notJson}.${claims}.sig`))).toBe("malformed");
    }
    expect(parseToken(`${survivor}.${claims}.sig`).header).toBe(kept16);
  });
});
