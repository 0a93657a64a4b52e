// A longer fuzzing run than npm test's: `npm run fuzz -- --runs 100000 --seed 42`. Runs
// test/fuzz.test.ts (the fuzz scenario through the built actions, on every runtime of
// test/support/runtimes.ts) with that many mutants and that seed, after printing both; without
// --seed a fresh one is drawn, so a failing run can be replayed. Exits with vitest's status.
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";

function option(name) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const runs = Number(option("runs") ?? 100_000);
const seed = Number(option("seed") ?? randomInt(2 ** 32));
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
  console.error("usage: npm run fuzz -- [--runs N (1 or more)] [--seed S (0 to 4294967295)]");
  process.exit(2);
}
console.log(
  `fuzz: ${runs} runs per runtime, seed ${seed} (replay: npm run fuzz -- --runs ${runs} --seed ${seed})`,
);
const result = spawnSync("npx", ["vitest", "run", "test/fuzz.test.ts"], {
  stdio: "inherit",
  env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed) },
});
console.log(
  `fuzz: ${runs} runs per runtime, seed ${seed}: ${result.status === 0 ? "no failures" : "FAILED"}`,
);
process.exit(result.status ?? 1);
