/**
 * Bubble's workload units (WU): what the app owner pays for each activity, from the table "What does an
 * activity cost in WU" of Bubble's manual, page "Activity types"
 * (https://manual.bubble.io/help-guides/workload/understanding-workload/activity-types), read in 2026.
 * The local backend's request log and the generated guide (docs/workflows.md) both count with this table.
 */

export const WORKLOAD_SOURCE =
  "https://manual.bubble.io/help-guides/workload/understanding-workload/activity-types";

/** One activity of the manual's table: its WU and the manual's own words for it. */
export interface Activity {
  readonly wu: number;
  readonly manual: string;
}

export const WORKLOAD = {
  /** Each request to a backend API workflow. */
  apiCall: { wu: 0.01, manual: "Each inbound call to an app's Data and Workflow API" },
  /**
   * Each step that runs: the manual's row says "action", so every action that runs in a backend workflow
   * or custom event (a skipped step runs no action) is counted. If Bubble bills it per workflow instead,
   * the figures here are an upper bound.
   */
  action: { wu: 0.6, manual: "Running a server-side workflow action" },
  pluginCall: { wu: 0.2, manual: "Each call to a server-side plugin action" },
  pluginMs: { wu: 0.0005, manual: "Each millisecond spent executing a server-side plugin action" },
  search: { wu: 0.3, manual: "Performing a database search" },
  /** Per thing a search returns, and per thing looked up by its unique id (`Session's user`). */
  thingReturned: { wu: 0.015, manual: "Each thing returned from the database" },
  write: { wu: 0.5, manual: "Each thing written to or modified in the database" },
} as const satisfies Record<string, Activity>;

/**
 * What the manual's table does not give, and how it is counted here:
 * - a custom event has no row: it costs the actions it runs (the Trigger step and each of its own steps);
 * - Bubble's own Sign the user up and Log the user in have no row of their own: each is an action, and
 *   the User that Sign the user up creates is a write;
 * - the per-character rows (data returned, bytes sent to or from the app: 0.000003 each) are left out, a
 *   few thousandths of a WU per request.
 */
export const NOT_IN_THE_MANUAL = [
  "custom events: no row; counted as the actions they run (the Trigger step and each step inside)",
  "Sign the user up and Log the user in: no row of their own; each counted as an action, the new User as a write",
  "characters returned and bytes sent (0.000003 each): left out, a few thousandths of a WU per request",
] as const;

/** What one request did that Bubble bills. */
export interface Activities {
  readonly actions: number;
  readonly pluginCalls: number;
  readonly pluginMs: number;
  readonly searches: number;
  readonly thingsReturned: number;
  readonly writes: number;
}

/** The WU of one API workflow request, rounded to a thousandth. */
export function workloadUnits(done: Activities): number {
  const wu =
    WORKLOAD.apiCall.wu +
    done.actions * WORKLOAD.action.wu +
    done.pluginCalls * WORKLOAD.pluginCall.wu +
    done.pluginMs * WORKLOAD.pluginMs.wu +
    done.searches * WORKLOAD.search.wu +
    done.thingsReturned * WORKLOAD.thingReturned.wu +
    done.writes * WORKLOAD.write.wu;
  return Math.round(wu * 1000) / 1000;
}
