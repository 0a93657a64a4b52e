import { adversarialCases } from "./adversarial-cases.js";
import { asymmetricCases } from "./asymmetric-cases.js";
import type { ContractCase } from "./harness.js";
import { hmacCases } from "./hmac-cases.js";
import { sessionCases } from "./session-cases.js";

/** Every group of contract cases, by name; the contract scenario runs them all. */
export const CASE_GROUPS: Record<string, readonly ContractCase[]> = {
  hmac: hmacCases,
  adversarial: adversarialCases,
  asymmetric: asymmetricCases,
  sessions: sessionCases,
};
