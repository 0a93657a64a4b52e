/**
 * The failed-login lockout Bubble keeps for itself behind "Log the user in". Bubble's manual says nothing
 * of its figures (the Account actions page documents none), so these are chosen here:
 *
 * - Two keys per attempt: the account with the client's address, and the client's address alone. A
 *   stranger's guesses count against the stranger's own address, so they never lock the owner out; one
 *   address guessing many accounts meets the per-address count.
 * - A growing wait, not a hard lock: after `freeFailures` (5 per account and address, 30 per address) each
 *   further attempt must wait `baseDelayMs` (1 s), doubled per failure, at most `maxDelayMs` (15 minutes).
 *   A key is forgotten an hour (`forgetMs`) after its last failure. A success clears its account-and-address
 *   count, never the per-address one (or one's own account would reset the guessing of others).
 * - Counted before the password is checked: an admitted attempt counts as a failure at once, in one
 *   transaction with the check of the wait, so simultaneous guesses cannot all pass a count read before
 *   any of them failed. A success takes its own count back and is re-checked: when failures that ended
 *   meanwhile put a key into its wait, the success is refused too. An attempt that would wait only because
 *   attempts of this process are still being checked waits for them instead of failing, so 100
 *   simultaneous right logins of one account all succeed. The wait runs from the last failure's end.
 * - Bounded: at most `capacity` keys. Only forgotten keys are ever removed; when the table is full of
 *   recent failures, an attempt that would need a new key is refused, so made-up emails cannot flush a
 *   victim's count.
 */
import { isIPv6 } from "node:net";
import { type AppDatabase, emailKey } from "./database.js";

export interface LockoutRule {
  /** Failures per account and client address before any wait. */
  readonly freeFailures: number;
  /** Failures per client address (all accounts) before any wait. */
  readonly freeFailuresPerClient: number;
  /** The first wait; each further failure doubles it. */
  readonly baseDelayMs: number;
  /** The longest wait. */
  readonly maxDelayMs: number;
  /** A key whose last failure is this old is forgotten. */
  readonly forgetMs: number;
  /** The most keys kept. */
  readonly capacity: number;
}

export const LOCKOUT_RULE: LockoutRule = {
  freeFailures: 5,
  freeFailuresPerClient: 30,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  forgetMs: 60 * 60_000,
  capacity: 10_000,
};

/** One key of an attempt, and how many failures it allows before waiting. */
interface Key {
  readonly key: string;
  readonly free: number;
}

/**
 * The lockout keys of one attempt. `client` is the connection's address: IPv4 as it is (an IPv4-mapped
 * IPv6 address as its IPv4 form), IPv6 by its /64 prefix, since one machine usually holds a whole /64.
 * `email` undefined: an email no account can have; only the address counts.
 */
export function lockoutKeys(email: string | undefined, client: string, rule = LOCKOUT_RULE): Key[] {
  const address = clientKey(client);
  const keys: Key[] = [{ key: `client ${address}`, free: rule.freeFailuresPerClient }];
  if (email !== undefined)
    keys.unshift({ key: `account ${emailKey(email)} client ${address}`, free: rule.freeFailures });
  return keys;
}

function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (!isIPv6(address)) return address;
  const [head = "", tail = ""] = address.toLowerCase().split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === "" ? [] : tail.split(":");
  const groups = address.includes("::")
    ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/** The wait after `failures` failures of a key that allows `free`; 0 below `free`. */
export function waitAfter(failures: number, free: number, rule = LOCKOUT_RULE): number {
  if (failures < free) return 0;
  return Math.min(rule.baseDelayMs * 2 ** Math.min(failures - free, 30), rule.maxDelayMs);
}

/** An admitted attempt, counted as a failure until `settle` takes the count back. */
export interface Admission {
  readonly keys: readonly Key[];
  /** Each key's failures seen ended by this process when the attempt was admitted (see `settle`). */
  readonly failedBefore: readonly number[];
}

/** This process's attempts being checked per database and key, who waits for one to end, failures ended. */
interface Checking {
  count: number;
  waiters: (() => void)[];
  failed: number;
}

const checking = new WeakMap<AppDatabase, Map<string, Checking>>();

function checkingOf(database: AppDatabase, key: string): Checking {
  const keys = checking.get(database) ?? new Map<string, Checking>();
  checking.set(database, keys);
  const entry = keys.get(key) ?? { count: 0, waiters: [], failed: 0 };
  keys.set(key, entry);
  return entry;
}

const inFlight = (database: AppDatabase, key: string) => checking.get(database)?.get(key)?.count ?? 0;

/**
 * One transaction: refuses (undefined) when a key's wait is running, or when the table is full of recent
 * failures and a new key is needed; answers `queueOn` when a key waits only because of this process's
 * attempts still being checked (each may still be a success and take its count back); otherwise counts
 * the attempt as a failure on every key (true).
 */
function decide(database: AppDatabase, keys: readonly Key[], now: number, rule: LockoutRule) {
  return database.transaction((): true | { queueOn: string } | undefined => {
    const current = keys.map(({ key }) => live(database.loginFailures(key), now, rule));
    let queueOn: string | undefined;
    for (const [i, { key, free }] of keys.entries()) {
      const row = current[i];
      if (!row || now >= row.last_failed_at + waitAfter(row.failures, free, rule)) continue;
      const checks = inFlight(database, key);
      if (checks > 0 && now >= row.last_failed_at + waitAfter(row.failures - checks, free, rule))
        queueOn = key;
      else return undefined;
    }
    if (queueOn !== undefined) return { queueOn };
    const fresh = current.filter((row) => row === undefined).length;
    if (fresh > 0) {
      const rows = database.forgetLoginFailures(now - rule.forgetMs);
      // Never a recent count removed to make room: the attempt is refused instead.
      if (rows + fresh > rule.capacity) return undefined;
    }
    for (const [i, { key }] of keys.entries())
      database.setLoginFailures(key, (current[i]?.failures ?? 0) + 1, now);
    return true;
  });
}

/**
 * Admits an attempt, counted as a failure before its password is checked, or refuses it (undefined). One
 * that would wait only because of this process's attempts still being checked waits for them instead:
 * simultaneous logins with the right password all go through, a few at a time, while simultaneous guesses
 * meet the count of those that failed. Every admission ends with `fail` or `settle`.
 */
export async function enter(
  database: AppDatabase,
  keys: readonly Key[],
  now: () => number,
  rule = LOCKOUT_RULE,
): Promise<Admission | undefined> {
  for (;;) {
    const decision = decide(database, keys, now(), rule);
    if (decision === undefined || decision === true) {
      const admission =
        decision === true
          ? { keys, failedBefore: keys.map(({ key }) => checkingOf(database, key).failed) }
          : undefined;
      for (const { key } of admission?.keys ?? []) checkingOf(database, key).count++;
      // Decided either way: the next in line may decide too (admitted now, or refused at once).
      wakeNext(database, keys);
      return admission;
    }
    // Woken when one of the checks it waits for ends (a queue per key, one at a time, so a burst is not
    // woken whole at every end), or after a second at the latest, so no interleaving leaves it waiting.
    await new Promise<void>((resolve) => {
      checkingOf(database, decision.queueOn).waiters.push(resolve);
      setTimeout(resolve, 1_000).unref();
    });
  }
}

/** A wrong password (or unknown email): the count stays, and the wait runs from now. */
export function fail(database: AppDatabase, admission: Admission, now: number, rule = LOCKOUT_RULE): void {
  database.transaction(() => {
    for (const { key } of admission.keys) {
      const row = live(database.loginFailures(key), now, rule);
      database.setLoginFailures(key, row?.failures ?? 1, now);
    }
  });
  for (const { key } of admission.keys) checkingOf(database, key).failed++;
  leave(database, admission);
}

/**
 * A matching password: takes the attempt's own count back, and re-checks. Refused (false) when failures
 * that ended in this process since the attempt was admitted have put a key into its wait (counting only
 * ended failures, never attempts still being checked); otherwise the account-and-address count is cleared
 * and the login goes ahead. (Two backends on one folder share the counts, not this re-check.)
 */
export function settle(
  database: AppDatabase,
  admission: Admission,
  now: number,
  rule = LOCKOUT_RULE,
): boolean {
  const allowed = database.transaction((): boolean => {
    let ok = true;
    for (const [i, { key, free }] of admission.keys.entries()) {
      const row = live(database.loginFailures(key), now, rule);
      if (!row) continue;
      const entry = checkingOf(database, key);
      const ended = row.failures - entry.count;
      const failedSince = entry.failed > (admission.failedBefore[i] ?? 0);
      if (failedSince && now < row.last_failed_at + waitAfter(ended, free, rule)) ok = false;
      if (row.failures > 1) database.setLoginFailures(key, row.failures - 1, row.last_failed_at);
      else database.clearLoginFailures(key);
    }
    // The account-and-address key, only after a login that goes ahead.
    if (ok && admission.keys.length > 1) database.clearLoginFailures(admission.keys[0]?.key ?? "");
    return ok;
  });
  leave(database, admission);
  return allowed;
}

function leave(database: AppDatabase, admission: Admission): void {
  for (const { key } of admission.keys) checkingOf(database, key).count--;
  wakeNext(database, admission.keys);
}

function wakeNext(database: AppDatabase, keys: readonly Key[]): void {
  for (const { key } of keys) {
    const entry = checking.get(database)?.get(key);
    if (!entry) continue;
    entry.waiters.shift()?.();
    if (entry.count === 0 && entry.waiters.length === 0) checking.get(database)?.delete(key);
  }
}

function live<T extends { last_failed_at: number }>(row: T | undefined, now: number, rule: LockoutRule) {
  return row && now - row.last_failed_at < rule.forgetMs ? row : undefined;
}
