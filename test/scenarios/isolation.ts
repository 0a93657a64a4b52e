/**
 * Scenario (run with --expose-gc): one warm Bubble runtime serving many apps at once.
 *
 * 1. Isolation: 200 apps, each with its own secret (some with a Previous JWT Secret too, all three HS
 *    algorithms), generate concurrently, then verify and refresh in a shuffled, concurrent storm where
 *    every app also receives other apps' tokens. No call may accept another app's token, and every
 *    accepted token must carry its own app's subject.
 * 2. Memory: the key cache is bounded, so heap use after 20,000 distinct secrets is about what it is
 *    after 2,000 (measured after forced garbage collection).
 */
import path from "node:path";
import { BubbleRuntime } from "../../src/emulator/runtime.js";
import { ACTIONS, testSecret } from "../contract/harness.js";
import { printReport } from "../support/observe.js";

const exposedGc = (globalThis as { gc?: () => void }).gc;
if (!exposedGc) throw new Error("Run this scenario with --expose-gc.");
const gc: () => void = exposedGc;

const runtime = new BubbleRuntime(path.resolve("actions"), { evaluate: "once" });
const ALGS = ["HS256", "HS384", "HS512"] as const;

interface App {
  readonly index: number;
  readonly alg: (typeof ALGS)[number];
  readonly keys: Record<string, string>;
}

const APPS: App[] = Array.from({ length: 200 }, (_, index) => ({
  index,
  alg: ALGS[index % 3] as App["alg"],
  keys: {
    "JWT Secret": testSecret(`tenant-${index}`),
    ...(index % 2 === 0 ? { "Previous JWT Secret": testSecret(`tenant-${index}-previous`) } : {}),
    ...(index % 5 === 0 ? { Issuer: `https://app-${index}.example.com` } : {}),
  },
}));

// A deterministic shuffle (mulberry32), so a failing interleaving can be replayed.
let state = 0x15_0a7e;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

async function call(
  action: keyof typeof ACTIONS,
  inputs: Record<string, unknown>,
  keys: Record<string, string>,
) {
  try {
    return (await runtime.call(ACTIONS[action], inputs, keys)).values;
  } catch (error) {
    return { thrown: String(error) };
  }
}

// 1. Isolation under concurrency.
const tokens = await Promise.all(
  shuffle([...APPS]).map(async (app) => {
    const values = await call("generate", { subject: `user-${app.index}`, algorithm: app.alg }, app.keys);
    return [app.index, values.token as string] as const;
  }),
).then((pairs) => new Map(pairs));

interface Attempt {
  readonly holder: App;
  readonly owner: App;
  readonly action: "verify" | "refresh";
  /** The action's algorithm: the holder's own, or the token owner's (so only the signature can refuse it). */
  readonly alg: App["alg"];
}
const attempts: Attempt[] = [];
for (const holder of APPS) {
  attempts.push(
    { holder, owner: holder, action: "verify", alg: holder.alg },
    { holder, owner: holder, action: "refresh", alg: holder.alg },
  );
  for (const offset of [1, 2, 3, 100, 199]) {
    const owner = APPS[(holder.index + offset) % APPS.length] as App;
    attempts.push(
      { holder, owner, action: "verify", alg: holder.alg },
      { holder, owner, action: "verify", alg: owner.alg },
      { holder, owner, action: "refresh", alg: owner.alg },
    );
  }
}

const outcome = {
  attempts: attempts.length,
  ownAccepted: 0,
  ownRefused: [] as string[],
  foreignAccepted: [] as string[],
  foreignCodes: {} as Record<string, number>,
  wrongSubject: [] as string[],
  thrown: [] as string[],
};
await Promise.all(
  shuffle(attempts).map(async ({ holder, owner, action, alg }) => {
    const values = await call(action, { token: tokens.get(owner.index), algorithm: alg }, holder.keys);
    const label = `${action} by app ${holder.index} of app ${owner.index}'s token`;
    if ("thrown" in values) {
      outcome.thrown.push(`${label}: ${values.thrown}`);
      return;
    }
    const accepted = action === "verify" ? values.valid === true : values.ok === true;
    if (holder === owner) {
      if (!accepted) outcome.ownRefused.push(`${label}: ${String(values.error_code)}`);
      else outcome.ownAccepted++;
      if (accepted && values.subject !== `user-${owner.index}`) outcome.wrongSubject.push(label);
    } else if (accepted) {
      outcome.foreignAccepted.push(label);
    } else {
      const code = String(values.error_code);
      outcome.foreignCodes[code] = (outcome.foreignCodes[code] ?? 0) + 1;
    }
  }),
);

// 2. Memory after many distinct secrets: one Generate per secret, as one app each.
async function distinctSecrets(from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    const values = await call("generate", { subject: "u" }, { "JWT Secret": testSecret(`memory-${i}`) });
    if (typeof values.token !== "string") throw new Error(`generate failed for secret ${i}`);
  }
}
function settledHeap(): number {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

await distinctSecrets(0, 2_000);
const heapAfter2k = settledHeap();
await distinctSecrets(2_000, 20_000);
const heapAfter20k = settledHeap();

printReport({
  node: process.version,
  isolation: outcome,
  memory: { heapAfter2k, heapAfter20k, growthBytes: heapAfter20k - heapAfter2k },
});
