/**
 * Scenario side: turns what an action did into a JSON report vitest can assert on (Dates as
 * {"$date": ISO}), and flags any sensitive string (token, signature, key) that leaked into a message,
 * a log line or a returned value.
 */
import { createPublicKey } from "node:crypto";
import type { BubbleRuntime } from "../../src/emulator/runtime.js";
import { REPORT_PREFIX } from "./report-prefix.js";

export interface Observation {
  /** What the action returned (absent when it threw). */
  readonly values?: Record<string, unknown>;
  /** Its console.log lines. */
  readonly logs?: readonly string[];
  /** The message it threw, when it threw. */
  readonly thrown?: string;
  /** Sensitive strings found where they must never be: empty when nothing leaked. */
  readonly leaks: readonly string[];
}

/** Converts Dates (at any depth) into {"$date": ISO} so they survive JSON. */
export function serialize(value: unknown): unknown {
  if (value instanceof Date)
    return { $date: Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString() };
  if (Array.isArray(value)) return value.map(serialize);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, serialize(v)]));
  }
  return value;
}

export function printReport(report: unknown): void {
  process.stdout.write(`${REPORT_PREFIX}${JSON.stringify(serialize(report))}\n`);
}

/** Parts of a token worth looking for: the whole token and its signature (when long enough to be unique). */
export function tokenSecrets(token: unknown): string[] {
  if (typeof token !== "string") return [];
  const compact = token.trim().replace(/^bearer\s+/i, "");
  // Too short to be unique (white space only, say): looking for it would flag every message.
  if (compact.length < 16) return [];
  const signaturePart = compact.split(".")[2];
  const found = [compact];
  if (signaturePart && signaturePart.length >= 16) found.push(signaturePart);
  return found;
}

/**
 * Long runs of secret key material in the plugin keys: a secret itself, each line of a private PEM body,
 * a JWK's private members. Public material is not secret (the JWKS action publishes it on purpose), so
 * `Public Key` counts only for private parts pasted there, and a private PEM's lines that also belong
 * to its public key (a PKCS#1 body holds the modulus at an offset that can line up) are left out.
 */
export function keySecrets(keys: Record<string, string | undefined>): string[] {
  const found: string[] = [];
  for (const [caption, value] of Object.entries(keys)) {
    if (!value || caption === "Issuer" || caption === "Audience") continue;
    const unescaped = value.replace(/\\r\\n|\\n|\\r/g, "\n");
    const blocks = [...unescaped.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
    if (caption !== "Public Key") {
      found.push(value.trim());
      if (blocks.length === 0) {
        for (const line of unescaped.split("\n")) if (!line.includes("-----")) found.push(line.trim());
      }
    }
    for (const [, label, body] of blocks) {
      if (label?.includes("PRIVATE")) found.push(...privatePemChunks(label, body ?? ""));
    }
    for (const match of value.matchAll(/"(d|p|q|dp|dq|qi|k|private_key)"\s*:\s*"([^"]{16,})"/g))
      found.push(match[2] as string);
  }
  return found.filter((s) => s.length >= 16);
}

/** The lines of a private PEM body, as pasted and re-wrapped, whose bytes are not part of its public key. */
function privatePemChunks(label: string, body: string): string[] {
  const canonical = body.replace(/\s+/g, "").match(/.{1,64}/g) ?? [];
  const pasted = body.split(/\s+/).filter((line) => !line.includes(":"));
  let publicDer = Buffer.alloc(0);
  try {
    const privatePem = `-----BEGIN ${label}-----\n${canonical.join("\n")}\n-----END ${label}-----\n`;
    publicDer = createPublicKey(privatePem).export({ type: "spki", format: "der" });
  } catch {
    // Encrypted or unreadable: every line counts as secret.
  }
  return [...new Set([...canonical, ...pasted])].filter(
    (chunk) => chunk.length >= 24 && !publicDer.includes(Buffer.from(chunk, "base64")),
  );
}

/**
 * Calls an action and observes it. `publicValues` lists returned values allowed to hold the token
 * (Generate's and Refresh's new token are the point of those actions; the input token never is).
 */
export async function observe(
  runtime: BubbleRuntime,
  action: string,
  inputs: Record<string, unknown>,
  keys: Record<string, string | undefined>,
): Promise<Observation> {
  const inputToken = tokenSecrets(inputs.token);
  const keyMaterial = keySecrets(keys);
  const logs: string[] = [];
  try {
    const { values } = await runtime.call(action, inputs, keys, logs);
    const messages = [String(values.error_message ?? ""), ...logs].join("\n");
    const allValues = JSON.stringify(values);
    const leaks = [
      ...inputToken.filter((s) => messages.includes(s) || allValues.includes(s)),
      ...keyMaterial.filter((s) => messages.includes(s) || allValues.includes(s)),
    ];
    return { values, logs, leaks: leaks.map(redact) };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const messages = [message, ...logs].join("\n");
    const leaks = [...inputToken, ...keyMaterial].filter((s) => messages.includes(s));
    return { thrown: message, logs, leaks: leaks.map(redact) };
  }
}

// The report itself must not repeat a leaked secret in full.
function redact(secret: string): string {
  return `${secret.slice(0, 6)}... (${secret.length} chars)`;
}
