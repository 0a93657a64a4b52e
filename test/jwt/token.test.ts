import { describe, expect, it } from "vitest";
import { TokenError } from "../../src/jwt/errors.js";
import {
  cleanTokenInput,
  decodeJsonObjectPart,
  isCanonicalBase64url,
  MAX_JSON_DEPTH,
  parseJsonObjectBytes,
  parseToken,
} from "../../src/jwt/token.js";
import { OK, outcomeOf, thrownBy } from "../support/thrown.js";

const b64 = (value: string | Uint8Array) => Buffer.from(value).toString("base64url");
const header = b64('{"alg":"HS256"}');
const claims = b64('{"sub":"u"}');
/** A JSON object whose one string holds the byte 0xff: valid JSON only when 0xff is read leniently as U+FFFD. */
const jsonWithBadByte = Buffer.concat([
  Buffer.from('{"alg":"HS256","x":"'),
  Buffer.from([0xff]),
  Buffer.from('"}'),
]);

describe("cleanTokenInput", () => {
  it("strips Bearer in any case and white space", () => {
    expect(cleanTokenInput("  BEARER\ta.b.c \n")).toBe("a.b.c");
    expect(cleanTokenInput("bearer a.b.c")).toBe("a.b.c");
    expect(cleanTokenInput("Bearera.b.c")).toBe("Bearera.b.c");
  });
  it("takes Bearer only as a prefix, with all the white space after it", () => {
    expect(cleanTokenInput("x bearer a.b.c")).toBe("x bearer a.b.c");
    expect(cleanTokenInput("Bearer \t  a.b.c")).toBe("a.b.c");
  });
  it("says why it refused", () => {
    expect(thrownBy(() => cleanTokenInput(""), TokenError)?.message).toBe("No token was given.");
    expect(thrownBy(() => cleanTokenInput("a".repeat(16_385)), TokenError)?.message).toBe(
      "The token is longer than 16384 characters.",
    );
  });
  it("reports empty input as missing_token", () => {
    for (const input of [null, undefined, "", "   ", "Bearer", "bearer   "])
      expect(outcomeOf(() => cleanTokenInput(input))).toBe("missing_token");
  });
  it("refuses over 16,384 characters, and huge input before trimming", () => {
    expect(outcomeOf(() => cleanTokenInput("a".repeat(16_384)))).toBe(OK);
    expect(outcomeOf(() => cleanTokenInput("a".repeat(16_385)))).toBe("token_too_large");
    expect(outcomeOf(() => cleanTokenInput(`Bearer ${"a".repeat(16_384)}   `))).toBe(OK);
    expect(outcomeOf(() => cleanTokenInput(" ".repeat(2_000_000)))).toBe("token_too_large");
    // Just over the raw limit (the token's limit plus 1,024 for a prefix and white space) is refused unread.
    expect(outcomeOf(() => cleanTokenInput(" ".repeat(16_384 + 1025)))).toBe("token_too_large");
    expect(outcomeOf(() => cleanTokenInput(" ".repeat(16_384 + 1024)))).toBe("missing_token");
  });
  it("refuses a value that is not text", () => {
    const thrown = thrownBy(() => cleanTokenInput(42), TokenError);
    expect([thrown?.code, thrown?.message]).toEqual(["malformed", "The token is not text."]);
  });
});

describe("parseToken", () => {
  it("decodes the header of three base64url parts", () => {
    const parsed = parseToken(` Bearer ${header}.${claims}.sig `);
    expect(parsed).toEqual({
      compact: `${header}.${claims}.sig`,
      header: { alg: "HS256" },
      payloadPart: claims,
    });
  });

  // Each case names the check that must refuse it: removing any one check fails its case.
  it.each([
    ["two parts", `${header}.${claims}`, "The token should be three parts separated by dots; it has 2."],
    ["four parts", `${header}.${claims}.a.b`, "The token should be three parts separated by dots; it has 4."],
    [
      "five parts (JWE)",
      `${header}.${claims}.a.b.c`,
      "The token is encrypted (JWE); only signed tokens (JWS) are supported.",
    ],
    [
      "the JSON serialization",
      `{"payload":"x"}`,
      "The token uses the JSON serialization; send the compact form (three parts).",
    ],
    ["padding", `${header}=.${claims}.sig`, "The token contains characters that are not base64url."],
    [
      "a character outside base64url in the claims",
      `${header}.${claims}+.sig`,
      "The token contains characters that are not base64url.",
    ],
    [
      "a character outside base64url in the signature",
      `${header}.${claims}.si/g`,
      "The token contains characters that are not base64url.",
    ],
    [
      "unused bits set in the header",
      `e31.${claims}.sig`,
      "The token is not canonical base64url (RFC 7515 section 2).",
    ],
    [
      "unused bits set in the claims",
      `${header}.e31.sig`,
      "The token is not canonical base64url (RFC 7515 section 2).",
    ],
    [
      "unused bits set in the signature",
      `${header}.${claims}.AB`,
      "The token is not canonical base64url (RFC 7515 section 2).",
    ],
    ["an empty header", `.${claims}.sig`, "The token's header is empty."],
    ["a header that is an array", `${b64("[1]")}.${claims}.sig`, "The token's header is not a JSON object."],
    ["a header that is null", `${b64("null")}.${claims}.sig`, "The token's header is not a JSON object."],
    ["a header that is not JSON", `${b64("{alg")}.${claims}.sig`, "The token's header is not valid JSON."],
    [
      "a header nested too deeply",
      `${b64(`{"a":${"[".repeat(MAX_JSON_DEPTH)}${"]".repeat(MAX_JSON_DEPTH)}}`)}.${claims}.sig`,
      "The token's header is nested too deeply.",
    ],
    [
      "a header that is not UTF-8 (yet JSON if read leniently)",
      `${b64(jsonWithBadByte)}.${claims}.sig`,
      "The token's header is not valid base64url-encoded UTF-8.",
    ],
  ])("refuses %s with the message of the check that caught it", (_, token, message) => {
    const thrown = thrownBy(() => parseToken(token), TokenError);
    expect([thrown?.code, thrown?.message]).toEqual(["malformed", message]);
  });

  it("takes a header nested exactly as deep as allowed", () => {
    const deep = `{"a":${"[".repeat(MAX_JSON_DEPTH - 1)}${"]".repeat(MAX_JSON_DEPTH - 1)}}`;
    expect(outcomeOf(() => parseToken(`${b64(deep)}.${claims}.sig`))).toBe(OK);
  });

  it("keeps the decoder's and the parser's errors as causes, named in the log reason, never quoted", () => {
    const utf8 = thrownBy(() => parseToken(`${b64(jsonWithBadByte)}.${claims}.sig`), TokenError);
    expect(utf8?.cause).toBeInstanceOf(TypeError);
    expect(utf8?.logReason).toMatch(/^header not valid base64url-encoded UTF-8 \(TypeError(, [A-Z_]+)?\)$/);
    const json = thrownBy(() => parseToken(`${b64("{secret-ish")}.${claims}.sig`), TokenError);
    expect(json?.cause).toBeInstanceOf(SyntaxError);
    expect(json?.logReason).toBe("header not valid JSON (SyntaxError)");
    expect(`${json?.message} ${json?.logReason}`).not.toContain("secret-ish");
    // A refusal with no underlying error has neither.
    const empty = thrownBy(() => parseToken(`.${claims}.sig`), TokenError);
    expect([empty?.cause, empty?.logReason]).toEqual([undefined, undefined]);
  });

  it("decodes a header text once and shares the result, frozen, with later tokens carrying it", () => {
    const first = parseToken(`${header}.${claims}.sig`).header;
    const again = parseToken(`${header}.${b64('{"sub":"v"}')}.sig2`).header;
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const other = parseToken(`${b64('{"alg":"HS384"}')}.${claims}.sig`).header;
    expect(other).toEqual({ alg: "HS384" });
  });

  it("keeps a bounded number of short headers; malformed ones take no place in it", () => {
    const headerOf = (value: Record<string, unknown>) => b64(JSON.stringify(value));
    // Sixteen fresh headers first, so what earlier tests left takes no place.
    for (let i = 0; i < 16; i++) parseToken(`${headerOf({ alg: "HS256", kid: `flush${i}` })}.${claims}.sig`);
    const kept = headerOf({ alg: "HS256", kid: "kept" });
    const first = parseToken(`${kept}.${claims}.sig`).header;
    for (let i = 0; i < 15; i++) parseToken(`${headerOf({ alg: "HS256", kid: `k${i}` })}.${claims}.sig`);
    // Sixteen kept: the first is still there after fifteen others...
    expect(parseToken(`${kept}.${claims}.sig`).header).toBe(first);
    // ...and gone after the sixteenth, the oldest being dropped first.
    parseToken(`${headerOf({ alg: "HS256", kid: "k15" })}.${claims}.sig`);
    expect(parseToken(`${kept}.${claims}.sig`).header).not.toBe(first);
    const long = headerOf({ alg: "HS256", kid: "x".repeat(600) });
    expect(parseToken(`${long}.${claims}.sig`).header).not.toBe(parseToken(`${long}.${claims}.sig`).header);
    const atLimit = headerOf({ alg: "HS256", kid: "y".repeat(360) });
    expect(atLimit.length).toBe(512);
    expect(parseToken(`${atLimit}.${claims}.sig`).header).toBe(parseToken(`${atLimit}.${claims}.sig`).header);
    // Sixteen malformed headers after a kept one: it is still the same object, so none took its place.
    const survivor = headerOf({ alg: "HS256", kid: "survivor" });
    const kept16 = parseToken(`${survivor}.${claims}.sig`).header;
    for (let i = 0; i < 16; i++) {
      expect(outcomeOf(() => parseToken(`${b64(`{alg${i}`)}.${claims}.sig`))).toBe("malformed");
    }
    expect(parseToken(`${survivor}.${claims}.sig`).header).toBe(kept16);
  });
});

describe("the claims set's bytes", () => {
  it("must be UTF-8, even where lenient decoding would make valid JSON", () => {
    const thrown = thrownBy(() => parseJsonObjectBytes(jsonWithBadByte, "claims set"), TokenError);
    expect([thrown?.code, thrown?.message]).toEqual([
      "malformed",
      "The token's claims set is not valid UTF-8.",
    ]);
    expect(thrown?.logReason).toMatch(/^claims set not valid UTF-8 \(TypeError/);
    expect(parseJsonObjectBytes(Buffer.from('{"sub":"é"}'), "claims set")).toEqual({ sub: "é" });
  });
  it("decodes a base64url part holding one JSON object, and names the part it refuses", () => {
    expect(decodeJsonObjectPart(claims, "claims set")).toEqual({ sub: "u" });
    expect(thrownBy(() => decodeJsonObjectPart("", "claims set"), TokenError)?.message).toBe(
      "The token's claims set is empty.",
    );
    expect(thrownBy(() => decodeJsonObjectPart(b64('"text"'), "claims set"), TokenError)?.message).toBe(
      "The token's claims set is not a JSON object.",
    );
  });
});

describe("isCanonicalBase64url", () => {
  it("takes only the characters an encoder writes last, and no lone character", () => {
    expect(["", "e30", "eyJ9", "AA", "Ag", "AQ", "Aw"].map(isCanonicalBase64url)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(["A", "e3x", "AB", "Af", "abcde"].map(isCanonicalBase64url)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    // Of three characters, the last carries two unused bits: 16 of the 64 characters leave them zero.
    const lastOf3 = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"].filter((c) =>
      isCanonicalBase64url(`AA${c}`),
    );
    expect(lastOf3.join("")).toBe("AEIMQUYcgkosw048");
    const lastOf2 = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"].filter((c) =>
      isCanonicalBase64url(`A${c}`),
    );
    expect(lastOf2.join("")).toBe("AQgw");
  });
});
