/**
 * `npm run workflows`: what each recommended workflow asks a builder to click and what a run costs, from
 * the definitions (app/app.ts); the last line is the session set's. With `--mistakes`, the mistakes suite
 * instead (tools/mistakes/cli.ts).
 */
import { APP } from "../app/app.js";
import { mistakesCommand } from "../tools/mistakes/cli.js";
import { countsReport } from "./workflows-guide.js";

if (process.argv.includes("--mistakes")) process.exitCode = await mistakesCommand();
else console.log(countsReport(APP));
