/**
 * The vitest configuration of a mutation run (tools/mutation.ts): the project's, restricted to the test
 * files that import the mutated sources, which tools/mutation.ts passes in MUTATION_TEST_FILES.
 */
import { defineConfig } from "vitest/config";
import base from "../vitest.config.js";

const files = (process.env.MUTATION_TEST_FILES ?? "").split(",").filter((file) => file !== "");
if (files.length === 0) throw new Error("MUTATION_TEST_FILES is empty: run this through npm run mutation.");

// Replaced, not merged: vitest merges arrays by concatenation, which would keep every test file.
export default defineConfig({ ...base, test: { ...base.test, include: files } });
