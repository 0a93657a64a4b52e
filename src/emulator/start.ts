/**
 * `npm start`: builds the plugin and says how to install it into Bubble.
 * (The local backend that serves the seed's workflows over HTTP replaces this; see issue 5.)
 */
import { execFileSync } from "node:child_process";
import { repoRoot } from "../paths.js";

const root = repoRoot();
execFileSync(process.execPath, ["tools/run-ts.mjs", "build/build.ts"], { cwd: root, stdio: "inherit" });
console.log(`
The plugin is built in ${root}: actions/<ID>/params.json and server.js, meta_data.json, shared_tech_params.json.
Install it into Bubble: create a plugin, connect it to this repository with GitHub sync (Plugin editor,
Settings), and sync; or paste each actions/<ID>/server.js into a new server-side action with its fields.
Then set the JWT Secret plugin key (64 random characters) and add the actions to your backend workflows.`);
