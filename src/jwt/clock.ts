/**
 * The current time in seconds since the epoch (fractional). Every time check in src/jwt reads it here, so
 * tests can pin it (RFC example tokens were signed years ago) without touching the system clock.
 */
let source: () => number = () => Date.now() / 1000;

export function nowSeconds(): number {
  return source();
}

/** For tests only: pin the clock to `seconds`, or restore the real clock with `undefined`. */
export function setClockForTests(seconds: number | undefined): void {
  source = seconds === undefined ? () => Date.now() / 1000 : () => seconds;
}
