// `npm ci`'s postinstall: installs the Node versions the tests and the bench run the built actions on
// (tools/node18, tools/node22), each in its own folder with its own lock file and without bin links, so
// that their `node` never shadows the real one. npm picks the package that fits this platform from each
// folder's optional dependencies. Node 18 was never published for macOS on Apple silicon: there the
// Intel build is installed, and runs under Rosetta 2.
import { execFileSync } from "node:child_process";
import path from "node:path";

const tools = import.meta.dirname;
const npm = process.env.npm_execpath
  ? [process.execPath, process.env.npm_execpath]
  : [process.platform === "win32" ? "npm.cmd" : "npm"];

for (const runtime of ["node18", "node22"]) {
  const rosetta = runtime === "node18" && process.platform === "darwin" && process.arch === "arm64";
  const args = [
    "ci",
    "--prefix",
    path.join(tools, runtime),
    "--no-bin-links",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    ...(rosetta ? ["--cpu=x64"] : []),
  ];
  const [command = "npm", ...first] = npm;
  execFileSync(command, [...first, ...args], { stdio: "inherit" });
}
