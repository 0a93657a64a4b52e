/**
 * The global `fetch` a scenario runs under, chosen by its FETCH_GLOBAL environment variable:
 * `node-fetch` puts node-fetch v2 there, as Bubble's runtime does (its typings: "Exposes node-fetch to
 * plugins"), anything else keeps Node's own. Either way calls are counted, so a report can show the
 * bundle's JWKS downloads never go through it. Loaded from the project's node_modules at run time, not
 * bundled into the scenario.
 */
import { createRequire } from "node:module";
import path from "node:path";

export interface FetchGlobal {
  /** `node-fetch v2` or `node`. */
  readonly name: string;
  /** How many times the global fetch was called since install. */
  calls(): number;
}

export function installFetchGlobal(choice = process.env.FETCH_GLOBAL): FetchGlobal {
  const nodeFetch = choice === "node-fetch";
  const chosen = nodeFetch
    ? (createRequire(path.resolve("package.json"))("node-fetch") as typeof fetch)
    : globalThis.fetch;
  let count = 0;
  globalThis.fetch = ((...args: Parameters<typeof fetch>) => {
    count++;
    return chosen(...args);
  }) as typeof fetch;
  return { name: nodeFetch ? "node-fetch v2" : "node", calls: () => count };
}
