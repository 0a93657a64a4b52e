/** The error classes and the log reason of a refusal caused by another error. */
import { describe, expect, it } from "vitest";
import { ConfigError, reasonFrom, TokenError } from "../../src/jwt/errors.js";

describe("TokenError and ConfigError", () => {
  it("carry their code, message, log reason and cause, under their own names", () => {
    const cause = new SyntaxError("Unexpected token");
    const refused = new TokenError("malformed", "The token is bad.", "why", { cause });
    expect([refused.name, refused.code, refused.message, refused.logReason, refused.cause]).toEqual([
      "TokenError",
      "malformed",
      "The token is bad.",
      "why",
      cause,
    ]);
    const config = new ConfigError("weak_key", "The key is weak.", { cause });
    expect([config.name, config.code, config.message, config.cause]).toEqual([
      "ConfigError",
      "weak_key",
      "The key is weak.",
      cause,
    ]);
    expect(new ConfigError("weak_key", "x").cause).toBeUndefined();
  });
});

describe("reasonFrom", () => {
  it("names the error's class, and jose's code when it is one, never the message", () => {
    const jose = Object.assign(new TypeError("quotes the input eyJ"), { code: "ERR_JWS_INVALID" });
    expect(reasonFrom("signature unreadable", jose)).toBe(
      "signature unreadable (TypeError, ERR_JWS_INVALID)",
    );
    expect(reasonFrom("header not valid JSON", new SyntaxError("eyJ..."))).toBe(
      "header not valid JSON (SyntaxError)",
    );
  });
  it("leaves out a code that is not a plain constant name, which could carry input", () => {
    for (const code of [
      "eyJhbGciOi",
      "A".repeat(65),
      "ERR X",
      "x ERR_JWS_INVALID",
      "ERR_JWS_INVALID x",
      42,
      "",
    ]) {
      expect(reasonFrom("what", Object.assign(new Error("m"), { code })), String(code)).toBe("what (Error)");
    }
    expect(reasonFrom("what", Object.assign(new Error("m"), { code: "A".repeat(64) }))).toBe(
      `what (Error, ${"A".repeat(64)})`,
    );
  });
  it("names the kind of a thrown value that is not an Error", () => {
    expect(reasonFrom("what", "a string")).toBe("what (string)");
    expect(reasonFrom("what", undefined)).toBe("what (undefined)");
  });
});
