/**
 * `npm start`'s settings from environment variables. Every variable is optional; a bad value stops the
 * start with a message that names the variable and says what it takes.
 */
import path from "node:path";
import type { ServerOptions } from "./server.js";

/** Every variable read; the README's Local backend table lists each one (a test checks). */
export const ENVIRONMENT = [
  "PORT",
  "HOST",
  "LOCAL_DATA_DIR",
  "TOKEN_TTL_SECONDS",
  "REFRESH_GRACE_SECONDS",
  "JWT_SECRET",
  "JWT_ISSUER",
  "JWT_AUDIENCE",
  "DEMO_EMAIL",
  "DEMO_PASSWORD",
] as const;

type Environment = Readonly<Record<string, string | undefined>>;

function wholeNumber(env: Environment, name: string, min: number, max: number): number | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}.`);
  return value;
}

function text(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** The server options `env` asks for; the data folder defaults to `<root>/.local`. */
export function optionsFromEnv(env: Environment, root: string): ServerOptions {
  return {
    port: wholeNumber(env, "PORT", 0, 65_535),
    host: text(env, "HOST"),
    dataDir: path.resolve(root, text(env, "LOCAL_DATA_DIR") ?? ".local"),
    // The ranges the plugin contract gives expires_in and grace_period (six months, one week).
    tokenTtlSeconds: wholeNumber(env, "TOKEN_TTL_SECONDS", 1, 15_777_000),
    refreshGraceSeconds: wholeNumber(env, "REFRESH_GRACE_SECONDS", 0, 604_800),
    keyOverrides: {
      secret: text(env, "JWT_SECRET"),
      issuer: text(env, "JWT_ISSUER"),
      audience: text(env, "JWT_AUDIENCE"),
    },
    demo: { email: text(env, "DEMO_EMAIL"), password: text(env, "DEMO_PASSWORD") },
  };
}
