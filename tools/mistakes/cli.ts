/**
 * `npm run workflows -- --mistakes`: every single builder mistake in the recommended app, classified
 * against the interpreter. Prints every mistake with its verdict, each operator's share, writes the guide's
 * table, and ends with `N mistakes: L loud, H harmless, S silent-insecure`; the exit code is 1 when S > 0.
 */
import path from "node:path";
import { APP } from "../../app/app.js";
import { repoRoot } from "../../src/paths.js";
import { GUIDE, writeTable } from "./guide.js";
import { fullTable, guideSection, operatorTable, summaryLine } from "./report.js";
import { builtReturnTypes, runSuite } from "./suite.js";
import { interpreterTargets } from "./target.js";

export async function mistakesCommand(root = repoRoot()): Promise<number> {
  const actionsDir = path.join(root, "actions");
  const { results, ms } = await runSuite(interpreterTargets(actionsDir), APP, builtReturnTypes(actionsDir));
  console.log(fullTable(results));
  console.log("");
  console.log(operatorTable(results));
  console.log("");
  console.log(
    `${GUIDE}: mistakes table ${writeTable(root, guideSection(results)) ? "written" : "up to date"}`,
  );
  console.log(`run time: ${(ms / 1000).toFixed(1)} s`);
  console.log(summaryLine(results));
  return results.some((result) => result.verdict === "silent-insecure") ? 1 : 0;
}
