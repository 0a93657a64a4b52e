import { execFileSync } from "node:child_process";
import path from "node:path";

/** Debian's python, where python3-jwt and python3-jwcrypto are installed (.ci/run installs them). */
export const SYSTEM_PYTHON = "/usr/bin/python3";
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
