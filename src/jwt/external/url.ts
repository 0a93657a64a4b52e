import { ConfigError } from "../errors.js";

// 127.0.0.0/8 as the WHATWG URL parser writes it (it already turns 127.1 or 0x7f.1 into dotted decimal).
const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** Whether a URL's hostname is this machine: 127.0.0.0/8, localhost or [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || LOOPBACK_V4.test(hostname);
}

/**
 * Parses a URL whose traffic must be private and authentic: https, or plain http to a loopback host
 * only (tests, local development such as `supabase start`). `field` names the field in the message.
 */
export function parseSecureUrl(text: string, field: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`The ${field} field is not a valid URL; set it to ${what}.`);
  }
  const loopbackHttp = url.protocol === "http:" && isLoopbackHost(url.hostname);
  if (url.protocol !== "https:" && !loopbackHttp) {
    throw new ConfigError(
      `The ${field} field must be an https URL (plain http only for localhost); set it to ${what}.`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new ConfigError(`The ${field} field must not hold a user name or password; set it to ${what}.`);
  }
  url.hash = "";
  return url;
}

/** The `jwks_url` rule: where the provider's public keys are fetched from. */
export function parseJwksUrl(text: string): URL {
  return parseSecureUrl(text, "jwks_url", "the provider's https keys URL (JWKS)");
}
