/** Marks a scenario's report line on stdout, so stray output never corrupts it. */
export const REPORT_PREFIX = "@@report ";
