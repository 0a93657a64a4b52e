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
});
