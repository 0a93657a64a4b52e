import { ConfigError } from "../errors.js";

// 127.0.0.0/8 as the WHATWG URL parser writes it (it already turns 127.1 or 0x7f.1 into dotted decimal).
const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const DOTTED_V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * IPv4 ranges an https keys URL may not name by address: this machine, private networks, link-local
 * (where cloud metadata services answer), and the rest of what is not a public host. A keys URL built
 * from request data could otherwise reach services inside the network Bubble runs in.
 */
const BLOCKED_V4: readonly [string, number][] = [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // shared address space (carrier NAT; Alibaba Cloud's metadata at 100.100.100.200)
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local: AWS, GCP and Azure metadata at 169.254.169.254
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["168.63.129.16", 32], // Azure's platform endpoint, a public address
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and the broadcast address
];

/** Whether a URL's hostname is this machine: 127.0.0.0/8, localhost or [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || LOOPBACK_V4.test(hostname);
}

/**
 * Parses a URL whose traffic must be private and authentic: https only, naming no loopback, private,
 * link-local or metadata address (see blockedAddress). `loopbackHttp` also lets plain http to a
 * loopback host through: only the local backend and the tests set it (see LOCAL_RUNTIME), never Bubble.
 * `field` names the field in the message.
 */
export function parseSecureUrl(text: string, field: string, what: string, loopbackHttp = false): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError("invalid_url", `The ${field} field is not a valid URL; set it to ${what}.`);
  }
  const allowedHttp = loopbackHttp && url.protocol === "http:" && isLoopbackHost(url.hostname);
  if (url.protocol !== "https:" && !allowedHttp) {
    throw new ConfigError("invalid_url", `The ${field} field must be an https URL; set it to ${what}.`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new ConfigError(
      "invalid_url",
      `The ${field} field must not hold a user name or password; set it to ${what}.`,
    );
  }
  if (url.protocol === "https:" && blockedAddress(url.hostname)) {
    throw new ConfigError(
      "invalid_url",
      `The ${field} field names a loopback, private, link-local or cloud metadata address; use the provider's public host name (${what}).`,
    );
  }
  url.hash = "";
  return url;
}

/** The `jwks_url` rule: where the provider's public keys are fetched from. */
export function parseJwksUrl(text: string, loopbackHttp = false): URL {
  return parseSecureUrl(text, "jwks_url", "the provider's https keys URL (JWKS)", loopbackHttp);
}

/**
 * Whether an address a host name resolved to (as the resolver writes it: IPv4 dotted, IPv6 text, maybe
 * with an IPv4 tail such as ::ffff:127.0.0.1) lies in a range blockedAddress refuses. It goes through the
 * URL parser first, so one block list judges literals in URLs and resolved addresses alike; text the
 * parser does not read as an address (a zone id such as fe80::1%eth0) is refused.
 */
export function isBlockedAddress(address: string): boolean {
  const hostname = addressHostname(address);
  return hostname === undefined || blockedAddress(hostname);
}

/** Whether a resolved address is this machine: 127.0.0.0/8 or ::1. */
export function isLoopbackAddress(address: string): boolean {
  const hostname = addressHostname(address);
  return hostname !== undefined && hostname !== "localhost" && isLoopbackHost(hostname);
}

/** An IP address as the URL parser writes it in a hostname, or undefined when it is not one. */
function addressHostname(address: string): string | undefined {
  let hostname: string;
  try {
    hostname = new URL(`http://${address.includes(":") ? `[${address}]` : address}/`).hostname;
  } catch {
    return undefined;
  }
  return DOTTED_V4.test(hostname) || hostname.startsWith("[") ? hostname : undefined;
}

/**
 * Whether a URL's hostname (as the WHATWG parser normalises it: IPv4 in dotted decimal, IPv6 in
 * brackets, compressed, lower case) is an IP literal in a blocked range. IPv6 addresses that carry an
 * IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that address as well.
 */
function blockedAddress(hostname: string): boolean {
  if (DOTTED_V4.test(hostname)) return blockedV4(v4Number(hostname));
  if (!hostname.startsWith("[") || !hostname.endsWith("]")) return false;
  const groups = v6Groups(hostname.slice(1, -1));
  if (!groups) return true; // Not an address the parser writes: refuse rather than guess.
  const [g0, g1, g2, , , g5, g6, g7] = groups as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const embedded = (high: number, low: number) => blockedV4(high * 65536 + low);
  const zeros = (count: number) => groups.slice(0, count).every((group) => group === 0);
  if (zeros(8)) return true; // unspecified
  if (zeros(7) && g7 === 1) return true; // loopback
  if (zeros(5) && g5 === 0xffff) return embedded(g6, g7); // IPv4-mapped
  if (zeros(6)) return true; // IPv4-compatible: deprecated, never a public host
  if (g0 === 0x64 && g1 === 0xff9b) return embedded(g6, g7); // NAT64
  if (g0 === 0x2002) return embedded(g1, g2); // 6to4
  if ((g0 & 0xfe00) === 0xfc00) return true; // unique local, AWS metadata at fd00:ec2::254
  if ((g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0) return true; // link-local, site-local
  if ((g0 & 0xff00) === 0xff00) return true; // multicast
  return false;
}

function blockedV4(address: number): boolean {
  return BLOCKED_V4.some(([base, bits]) => {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return (address & mask) >>> 0 === (v4Number(base) & mask) >>> 0;
  });
}

function v4Number(dotted: string): number {
  return dotted.split(".").reduce((value, part) => value * 256 + Number(part), 0);
}

/** The eight 16-bit groups of an IPv6 address as the URL parser writes it (`::` compression, no IPv4 tail). */
function v6Groups(text: string): number[] | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const read = (part: string | undefined) =>
    part ? part.split(":").map((group) => Number.parseInt(group, 16)) : [];
  const head = read(halves[0]);
  const tail = read(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 1 ? 0 : missing).fill(0), ...tail];
  return groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff)
    ? groups
    : undefined;
}
