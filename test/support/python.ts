import { execFileSync } from "node:child_process";
import path from "node:path";

/**
 * Debian's python, where python3-jwt and python3-jwcrypto are installed (.ci/run installs them); `PYTHON`
 * names another one that has PyJWT and jwcrypto (on macOS, say).
 */
export const SYSTEM_PYTHON = process.env.PYTHON || "/usr/bin/python3";
const PYJWT = path.resolve(import.meta.dirname, "pyjwt.py");

/** Runs one PyJWT request (see pyjwt.py) and returns its answer. */
export function pyjwt<T = Record<string, unknown>>(request: Record<string, unknown>): T {
  const out = execFileSync(SYSTEM_PYTHON, [PYJWT], {
    input: JSON.stringify(request),
    encoding: "utf8",
    timeout: 20_000,
  });
  return JSON.parse(out) as T;
}

/** Runs many PyJWT requests in one interpreter start and returns their answers, in order. */
export function pyjwtBatch<T = Record<string, unknown>>(requests: readonly Record<string, unknown>[]): T[] {
  return pyjwt<{ answers: T[] }>({ op: "batch", requests }).answers;
}
