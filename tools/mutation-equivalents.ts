/**
 * Surviving mutants that change nothing a caller can observe, each with the reason (docs/mutation.md
 * lists them). Matched by file, the source text replaced and the replacement, so a listed mutant stays
 * listed while lines move, and a mutant of changed code must be judged again.
 */
export interface EquivalentMutant {
  readonly file: string;
  readonly original: string;
  readonly replacement: string;
  readonly why: string;
}

const UNDEFINED_COMPARES_FALSE =
  "a comparison with undefined is false, so without the guard an absent claim passes just the same; the guard says what is meant (and types the comparison)";
const CANDIDATES_FAST_PATH =
  "a fast path: with a kid that is not text, or a single key, the filter below finds the same keys (none match: all of them; the one matches: it)";

export const EQUIVALENT_MUTANTS: readonly EquivalentMutant[] = [
  {
    file: "src/jwt/claims.ts",
    original: "nbf !== undefined",
    replacement: "true",
    why: UNDEFINED_COMPARES_FALSE,
  },
  {
    file: "src/jwt/claims.ts",
    original: "iat !== undefined",
    replacement: "true",
    why: UNDEFINED_COMPARES_FALSE,
  },
  {
    file: "src/jwt/decode.ts",
    original: "exp !== undefined",
    replacement: "true",
    why: UNDEFINED_COMPARES_FALSE,
  },
  {
    file: "src/jwt/claims.ts",
    original: 'typeof claims.jti === "string"',
    replacement: "true",
    why: "the line before refuses a jti that is not text, so here it is text or absent, and absent is in no list of ids",
  },
  {
    file: "src/jwt/claims.ts",
    original: 'typeof iss === "string"',
    replacement: "true",
    why: "a list of text includes nothing that is not text; the check only keeps the types honest",
  },
  {
    file: "src/jwt/limits.ts",
    original: 'typeof value !== "number"',
    replacement: "false",
    why: "Number.isFinite converts nothing, so a value that is not a number fails the very next test",
  },
  {
    file: "src/jwt/verify.ts",
    original: 'typeof kid !== "string" || keys.length < 2',
    replacement: "false",
    why: CANDIDATES_FAST_PATH,
  },
  {
    file: "src/jwt/verify.ts",
    original: 'typeof kid !== "string" || keys.length < 2',
    replacement: 'typeof kid !== "string" && keys.length < 2',
    why: CANDIDATES_FAST_PATH,
  },
  {
    file: "src/jwt/verify.ts",
    original: 'typeof kid !== "string"',
    replacement: "false",
    why: CANDIDATES_FAST_PATH,
  },
  { file: "src/jwt/verify.ts", original: "keys.length < 2", replacement: "false", why: CANDIDATES_FAST_PATH },
];
