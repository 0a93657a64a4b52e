/**
 * The keys URL rule and the address block list (src/jwt/external/url.ts) on their own: which URLs
 * parseJwksUrl refuses and with what message, and the edges of each blocked range, so a range that
 * moved or an anchor that went missing is seen here rather than as a request inside Bubble's network.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/jwt/errors.js";
import {
  isBlockedAddress,
  isLoopbackHost,
  parseJwksUrl,
  parseSecureUrl,
} from "../../src/jwt/external/url.js";

const WHAT = "the provider's https keys URL (JWKS)";

/** The code and message parseJwksUrl throws for `text`, or "ok". */
function refusal(text: string, loopbackHttp?: boolean): string[] | "ok" {
  try {
    parseJwksUrl(text, loopbackHttp);
    return "ok";
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [error.code, error.message];
  }
}

const BLOCKED_MESSAGE = `The jwks_url field names a loopback, private, link-local or cloud metadata address; use the provider's public host name (${WHAT}).`;

describe("parseJwksUrl's refusals, each with its whole message", () => {
  it("text that is not a URL is invalid_url, naming the field and what to set", () => {
    expect(refusal("not a url")).toEqual([
      "invalid_url",
      `The jwks_url field is not a valid URL; set it to ${WHAT}.`,
    ]);
  });

  it("a URL carrying a user name, a password or both is refused (credentials never travel in it)", () => {
    const message = `The jwks_url field must not hold a user name or password; set it to ${WHAT}.`;
    for (const text of [
      "https://user@keys.example.com/jwks.json",
      "https://:secret@keys.example.com/jwks.json",
      "https://user:secret@keys.example.com/jwks.json",
    ]) {
      expect(refusal(text)).toEqual(["invalid_url", message]);
    }
  });

  it("plain http is refused by default, even to loopback (only the local runtime's seam allows it)", () => {
    const message = `The jwks_url field must be an https URL; set it to ${WHAT}.`;
    expect(refusal("http://127.0.0.1/jwks.json")).toEqual(["invalid_url", message]);
    expect(() => parseSecureUrl("http://127.0.0.1/jwks.json", "f", "w")).toThrow(
      "The f field must be an https URL; set it to w.",
    );
  });

  it("the seam lets only http through to loopback, never another scheme", () => {
    expect(refusal("http://127.0.0.1:8080/jwks.json", true)).toBe("ok");
    expect(refusal("ftp://127.0.0.1/jwks.json", true)).toEqual([
      "invalid_url",
      `The jwks_url field must be an https URL; set it to ${WHAT}.`,
    ]);
  });

  it("a host name that merely starts with a loopback address is not loopback", () => {
    expect(refusal("http://127.0.0.1.example.com/jwks.json", true)).toEqual([
      "invalid_url",
      `The jwks_url field must be an https URL; set it to ${WHAT}.`,
    ]);
  });

  it("a host name that starts like a private address is a host name, not an address", () => {
    expect(refusal("https://10.0.0.1.example.com/jwks.json")).toBe("ok");
  });
});

describe("isLoopbackHost: 127.0.0.0/8 written whole, localhost, [::1]", () => {
  it.each(["127.0.0.1", "127.0.10.1", "127.0.0.10", "127.255.255.255", "localhost", "[::1]"])(
    "%s is loopback",
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );
  it.each(["x127.0.0.1", "127.0.0.1.example.com", "128.0.0.1", "[::2]"])("%s is not", (host) =>
    expect(isLoopbackHost(host)).toBe(false),
  );
});

describe("the IPv4 block list's range edges (in https URLs)", () => {
  it.each([
    ["192.0.0.8", "IETF protocol assignments, 192.0.0.0/24"],
    ["192.0.0.255", "the top of 192.0.0.0/24"],
    ["198.18.0.1", "benchmarking, 198.18.0.0/15"],
    ["198.19.255.255", "the top of 198.18.0.0/15"],
    ["0.1.2.3", "this network, 0.0.0.0/8"],
  ])("%s (%s) is refused", (address) => {
    expect(refusal(`https://${address}/jwks.json`)).toEqual(["invalid_url", BLOCKED_MESSAGE]);
  });

  it.each([
    ["192.0.1.1", "just above 192.0.0.0/24"],
    ["198.17.255.255", "just below 198.18.0.0/15"],
    ["198.20.0.1", "just above 198.18.0.0/15"],
    ["1.0.0.1", "just above 0.0.0.0/8"],
  ])("%s (%s) is a public address", (address) => {
    expect(refusal(`https://${address}/jwks.json`)).toBe("ok");
  });
});

describe("IPv6 addresses, judged by the IPv4 address they carry where they carry one", () => {
  it.each([
    ["::8.8.8.8", "IPv4-compatible, even of a public address"],
    ["::", "unspecified"],
    ["::1", "loopback"],
  ])("%s (%s) is blocked", (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each([
    ["2001:4860:4860::1", "a public address ending in :1 is not loopback"],
    ["2001:db8:1:2:3:4:5:6", "eight groups, no :: compression"],
    ["64:ff9b::8.8.8.8", "NAT64 of a public address"],
    ["64:1::a00:1", "not the NAT64 prefix (second group differs)"],
    ["2001:ff9b::a00:1", "not the NAT64 prefix (first group differs)"],
    ["::1:a00:1", "not IPv4-mapped (the group before is not ffff)"],
  ])("%s (%s) is not blocked", (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });

  it("a resolver answer that is a host name rather than an address is refused", () => {
    expect(isBlockedAddress("example.com")).toBe(true);
  });
});
