/**
 * Passwords as the local backend stores them, standing in for Bubble's built-in User type: scrypt hashes
 * (node:crypto), checked in constant time.
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual } from "node:crypto";

/**
 * scrypt cost: N = 2^14, r = 8, p = 1 (16 MiB, about 40 ms on one core of a small machine). These are the
 * parameters the scrypt paper gives for interactive logins and Node's own defaults. They make a stolen
 * database expensive to guess through while keeping a burst of logins quick: scrypt runs on libuv's
 * thread pool, so the event loop keeps serving, and 100 simultaneous logins cost about 2 s on 2 cores.
 * OWASP's stronger N = 2^17 would need 128 MiB per hash and about 15 s for the same burst, which a local
 * stand-in for Bubble's user table does not justify. Each hash records its own parameters, so they can be
 * raised later without invalidating stored users.
 */
export const SCRYPT_PARAMS = { N: 2 ** 14, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
// Parameters read back from the database are trusted only up to this cost (1 GiB at r = 8).
const MAX_N = 2 ** 20;

interface ParsedHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }) {
  return new Promise<Buffer>((resolve, reject) => {
    // scrypt needs about 128 * N * r bytes; Node refuses anything over 32 MiB unless maxmem says otherwise.
    const maxmem = 256 * params.N * params.r;
    scrypt(password.normalize("NFC"), salt, KEY_LENGTH, { ...params, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Hashes a password with a fresh random salt, in the `scrypt$N$r$p$salt$hash` form the database keeps. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(password, salt, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return ["scrypt", N, r, p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

function parseHash(stored: string): ParsedHash | undefined {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return undefined;
  const [N = 0, r = 0, p = 0] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4] ?? "", "base64url");
  const hash = Buffer.from(parts[5] ?? "", "base64url");
  const powerOfTwo = Number.isInteger(N) && N > 1 && N <= MAX_N && (N & (N - 1)) === 0;
  const sane =
    powerOfTwo && Number.isInteger(r) && r >= 1 && r <= 32 && Number.isInteger(p) && p >= 1 && p <= 16;
  if (!sane || salt.length === 0 || hash.length === 0) return undefined;
  return { N, r, p, salt, hash };
}

/** True when `stored` is a password hash this store can check. */
export function isPasswordHash(stored: unknown): boolean {
  return typeof stored === "string" && parseHash(stored) !== undefined;
}

/** True when `password` matches `stored`; the comparison takes the same time wherever the bytes differ. */
export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed);
  return candidate.length === parsed.hash.length && timingSafeEqual(candidate, parsed.hash);
}

/** A unique id in the shape Bubble gives things: milliseconds since the epoch, `x`, 18 random digits. */
export function bubbleUniqueId(now = Date.now()): string {
  let digits = "";
  while (digits.length < 18) digits += String(randomInt(0, 1_000_000)).padStart(6, "0");
  return `${now}x${digits}`;
}
