/** Bytes of each action's server.js: what Bubble stores, loads and evaluates on a cold start. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export interface ActionSize {
  readonly id: string;
  readonly display: string;
  readonly bytes: number;
}

/** The server.js size of every action in an actions folder, in folder order. */
export function measureSizes(actionsDir: string): ActionSize[] {
  return readdirSync(actionsDir)
    .filter((id) => statSync(path.join(actionsDir, id)).isDirectory())
    .sort()
    .map((id) => {
      const params = JSON.parse(readFileSync(path.join(actionsDir, id, "params.json"), "utf8")) as {
        display: string;
      };
      return { id, display: params.display, bytes: statSync(path.join(actionsDir, id, "server.js")).size };
    });
}
