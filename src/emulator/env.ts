/**
 * `npm start`'s settings from environment variables. Every variable is optional; a bad value stops the
 * start with a message that names the variable and says what it takes. Lifetimes take the ranges the
 * plugin's own fields take (src/bubble/rules.ts), so a value accepted here is one the actions accept.
 */
import path from "node:path";
import type { NumberRule } from "../bubble/properties.js";
import { GRACE_PERIOD_RULE, LIFETIME_RULE, REFRESH_LIFETIME_RULE } from "../bubble/rules.js";
import type { ServerOptions } from "./server.js";

/** Every variable read; the README's Local backend table lists each one (a test checks). */
export const ENVIRONMENT = [
  "PORT",
  "HOST",
  "LOCAL_DATA_DIR",
  "ACCESS_TOKEN_TTL_SECONDS",
  "REFRESH_TOKEN_TTL_SECONDS",
  "REFRESH_RETRY_WINDOW_SECONDS",
  "TOKEN_TTL_SECONDS",
  "REFRESH_GRACE_SECONDS",
  "JWT_SECRET",
  "JWT_ISSUER",
  "JWT_AUDIENCE",
  "DEMO_EMAIL",
  "DEMO_PASSWORD",
] as const;

type Name = (typeof ENVIRONMENT)[number];
type Environment = Readonly<Record<string, string | undefined>>;

const PORT_RULE: NumberRule = { min: 0, max: 65_535, unit: "" };
/** The retry window: up to an hour; longer would let a stolen, rotated-away refresh token work. */
const RETRY_WINDOW_RULE: NumberRule = { min: 0, max: 3600, unit: "seconds" };

function wholeNumber(env: Environment, name: Name, rule: NumberRule): number | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < rule.min || value > rule.max)
    throw new Error(`${name} must be a whole number from ${rule.min} to ${rule.max}.`);
  return value;
}

function text(env: Environment, name: Name): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** The server options `env` asks for; the data folder defaults to `<root>/.local`. */
export function optionsFromEnv(env: Environment, root: string): ServerOptions {
  const settings = {
    accessTokenTtlSeconds: wholeNumber(env, "ACCESS_TOKEN_TTL_SECONDS", LIFETIME_RULE),
    refreshTokenTtlSeconds: wholeNumber(env, "REFRESH_TOKEN_TTL_SECONDS", REFRESH_LIFETIME_RULE),
    refreshRetryWindowSeconds: wholeNumber(env, "REFRESH_RETRY_WINDOW_SECONDS", RETRY_WINDOW_RULE),
    tokenTtlSeconds: wholeNumber(env, "TOKEN_TTL_SECONDS", LIFETIME_RULE),
    refreshGraceSeconds: wholeNumber(env, "REFRESH_GRACE_SECONDS", GRACE_PERIOD_RULE),
  };
  return {
    port: wholeNumber(env, "PORT", PORT_RULE),
    host: text(env, "HOST"),
    dataDir: path.resolve(root, text(env, "LOCAL_DATA_DIR") ?? ".local"),
    // Only the variables that were set: the others keep the server's defaults.
    settings: Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)),
    keyOverrides: {
      secret: text(env, "JWT_SECRET"),
      issuer: text(env, "JWT_ISSUER"),
      audience: text(env, "JWT_AUDIENCE"),
    },
    demo: { email: text(env, "DEMO_EMAIL"), password: text(env, "DEMO_PASSWORD") },
  };
}
