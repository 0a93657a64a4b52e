/**
 * Bubble's ids. Bubble numbers every key, field, return value and action of a plugin from one counter,
 * written as three base-52 digits (`A`–`Z` then `a`–`z`): `AAB`, `AAC`, …, `AAz`, `ABA`. It names an
 * action's (and an element's) folder after its id: the id, a dash, and the id's ASCII bytes in lower-case
 * base 32 (the last group padded with zero bits) over {@link FOLDER_ALPHABET}.
 */

const BASE52 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/**
 * Bubble's base-32 digits, read off 230 folder names of 25 repositories Bubble synced
 * (test/fixtures/bubble-folders.json): Crockford's alphabet except that 26 is `u`, where Crockford has
 * `t`. Every value seen (0–8, 10, 12, 14, 16, 18, 20–24, 26, 28, 30) agrees with this string; 9, 11, 13,
 * 15, 17, 19, 25, 27 and 29 need ids no plugin there reached (their Crockford digits are kept), and 31
 * never occurs in a three-letter id.
 */
export const FOLDER_ALPHABET = "0123456789abcdefghjkmnpqrsuvwxyz";
const ID_LENGTH = 3;

/** An id as Bubble writes it: exactly three base-52 digits. */
export const BUBBLE_ID = /^[A-Za-z]{3}$/;

export function isBubbleId(value: string): boolean {
  return BUBBLE_ID.test(value);
}

/** The id's place in Bubble's counter: `AAA` is 0, `AAB` 1, `ABA` 52. */
export function idNumber(id: string): number {
  if (!isBubbleId(id)) throw new Error(`"${id}" is not a Bubble id`);
  let n = 0;
  for (const digit of id) n = n * BASE52.length + BASE52.indexOf(digit);
  return n;
}

export function idFromNumber(n: number): string {
  const limit = BASE52.length ** ID_LENGTH;
  if (!Number.isInteger(n) || n < 0 || n >= limit) throw new Error(`${n} has no three-letter Bubble id`);
  let id = "";
  for (let rest = n, i = 0; i < ID_LENGTH; i++, rest = Math.floor(rest / BASE52.length)) {
    id = (BASE52[rest % BASE52.length] as string) + id;
  }
  return id;
}

export function nextId(id: string): string {
  return idFromNumber(idNumber(id) + 1);
}

/** The later of two ids in Bubble's counter. */
export function laterId(a: string, b: string): string {
  return idNumber(a) >= idNumber(b) ? a : b;
}

/** `AAC` → `AAC-850m6`: the folder Bubble writes an action into. */
export function actionFolder(id: string): string {
  if (!isBubbleId(id)) throw new Error(`"${id}" is not a Bubble id`);
  let bits = "";
  for (const byte of Buffer.from(id, "ascii")) bits += byte.toString(2).padStart(8, "0");
  bits = bits.padEnd(Math.ceil(bits.length / 5) * 5, "0");
  let suffix = "";
  for (let i = 0; i < bits.length; i += 5)
    suffix += FOLDER_ALPHABET[Number.parseInt(bits.slice(i, i + 5), 2)];
  return `${id}-${suffix}`;
}

/** The id of a folder Bubble wrote, or undefined for a folder whose suffix Bubble would not write. */
export function idOfActionFolder(folder: string): string | undefined {
  const id = folder.slice(0, ID_LENGTH);
  return isBubbleId(id) && actionFolder(id) === folder ? id : undefined;
}
