/**
 * `npm run bench` (`-- --quick` for a short run): performance figures with the machine they were
 * measured on. Not a test: nothing here passes or fails on a number.
 */
import os from "node:os";
import { measureProtectedAction } from "./load.js";

const quick = process.argv.includes("--quick");

/** The machine, so a figure is never read without it; the load average shows whether it was shared. */
function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? "unknown CPU";
  const load = os.loadavg()[0]?.toFixed(1);
  return `${model}, ${cpus.length} logical cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version} (${os.platform()} ${os.arch()}), load average ${load} at start`;
}

console.log(`Machine: ${machine()}${quick ? " [--quick]" : ""}`);

const load = await measureProtectedAction({ requests: quick ? 5_000 : 20_000, concurrency: 50 });
console.log(
  [
    "",
    "Local backend, POST /api/1.1/wf/protected-action (JWT - Verify token through the Bubble runtime stand-in),",
    `${load.requests} requests over ${load.concurrency} keep-alive connections, client in the same process:`,
    `  ${Math.round(load.requestsPerSecond)} requests/s, p50 ${load.p50Ms.toFixed(1)} ms, p99 ${load.p99Ms.toFixed(1)} ms` +
      `, ${load.errors} errors (${load.seconds.toFixed(1)} s)`,
  ].join("\n"),
);
if (load.errors > 0) process.exitCode = 1;
