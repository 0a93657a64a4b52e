/**
 * The current time in seconds since the epoch (fractional): every time check in src/jwt reads it here.
 * A check at another moment (an RFC example token signed years ago, say) passes its time explicitly,
 * as `verifyToken`'s `now`, so the shipped code has no clock to pin.
 */
export function nowSeconds(): number {
  return Date.now() / 1000;
}
