/** Numbers no option of src/jwt may take: each would widen or break a time check if let through. */
export const BAD_NUMBERS: readonly number[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -1,
];
