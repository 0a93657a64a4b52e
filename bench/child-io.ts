/** How the parent and its children talk: a job as JSON in argv[2], one result line on stdout. */
import { execFile } from "node:child_process";

const RESULT_PREFIX = "BENCH-RESULT ";

/** In a child: the job the parent passed. */
export function readJob<T>(): T {
  const text = process.argv[2];
  if (!text) throw new Error("A bench child needs its job as JSON in argv[2].");
  return JSON.parse(text) as T;
}

/** In a child: hands the result to the parent. Written with process.stdout, as console.log may be rerouted. */
export function writeResult(result: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** In the parent: runs a child script on `bin` and returns its result; fails with its output when it fails. */
export function runChild<T>(bin: string, script: string, job: unknown, timeoutMs = 300_000): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      [script, JSON.stringify(job)],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
        if (error || !line) {
          reject(new Error(`${script} on ${bin} failed: ${error?.message ?? "no result"}\n${stderr}`));
          return;
        }
        resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
      },
    );
  });
}
