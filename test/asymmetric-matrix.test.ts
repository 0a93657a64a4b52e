/**
 * Every asymmetric algorithm signs and verifies with every key format it can use, pasted every way
 * builders paste keys, through the shipped bundles on Node 18.20.4 and Node 22 (Bubble's runtimes).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { expectedSteps, MATRIX_ROWS } from "./contract/asymmetric-matrix.js";
import { ASYMMETRIC } from "./support/keys.js";
import { onEveryRuntime, RUNTIMES } from "./support/runtimes.js";

interface MatrixReport {
  node: string;
  cryptoBefore: string;
  milliseconds: number;
  rows: Record<string, unknown>;
}

const reports = onEveryRuntime<MatrixReport>("asymmetric-matrix.ts");

describe.each(RUNTIMES)("asymmetric key matrix on $name", (runtime) => {
  let report: MatrixReport;
  beforeAll(async () => {
    report = (await reports.get(runtime.name)) as MatrixReport;
  }, 180_000);

  it("runs on the intended Node version, without a global crypto on Node 18 and with one on Node 22", () => {
    expect(report.node).toBe(`v${runtime.version}`);
    expect(report.cryptoBefore).toBe(runtime.name === "node18" ? "undefined" : "object");
  });

  it("covers every algorithm with more than a few hundred key texts", () => {
    expect(Object.keys(report.rows)).toHaveLength(MATRIX_ROWS.length);
    for (const alg of ASYMMETRIC) {
      expect(MATRIX_ROWS.filter((row) => row.name.startsWith(`${alg} |`)).length).toBeGreaterThan(30);
    }
  });

  for (const row of MATRIX_ROWS) {
    it(row.name, () => {
      expect(report.rows[row.name]).toEqual({ steps: expectedSteps(row), leaks: [] });
    });
  }
});
