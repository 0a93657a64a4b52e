/**
 * `npm start`: rebuilds the plugin when actions/ is stale against plugin.json and src/, then runs the local
 * backend (server.ts) until Ctrl+C or SIGTERM. Settings come from environment variables (env.ts).
 */
import { buildArtifacts, staleFiles, writeArtifacts } from "../../build/build.js";
import { repoRoot } from "../paths.js";
import { banner } from "./banner.js";
import { optionsFromEnv } from "./env.js";
import { startServer } from "./server.js";

async function main(): Promise<void> {
  const root = repoRoot();
  let options: ReturnType<typeof optionsFromEnv>;
  try {
    options = optionsFromEnv(process.env, root);
  } catch (error) {
    return fail((error as Error).message);
  }

  const files = await buildArtifacts(root);
  const stale = staleFiles(root, files);
  if (stale.length > 0) {
    writeArtifacts(root, files);
    console.log(`Rebuilt the plugin (${stale.length} generated files were stale).`);
  }

  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE")
      return fail(
        `Port ${options.port ?? 8787} is in use; stop the other server or set PORT=<another port>.`,
      );
    return fail(error instanceof Error ? error.message : String(error));
  }
  console.log(banner(server));

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping (requests in flight may finish)...`);
    await server.close();
    console.log("Stopped.");
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

function fail(message: string): void {
  console.error(message);
  process.exitCode = 1;
}

await main();
