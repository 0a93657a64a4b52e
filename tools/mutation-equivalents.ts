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

export const EQUIVALENT_MUTANTS: readonly EquivalentMutant[] = [];
