/**
 * Scenario: mutation fuzzing of valid tokens through the built Verify, Refresh, Decode and JWT - Session
 * actions in one warm Bubble runtime stand-in. Deterministic: a seeded PRNG (FUZZ_SEED, default below) drives
 * FUZZ_RUNS mutations (default 10,000), each one to three stacked edits of a valid token.
 *
 * The bases are tokens of each kind: one-token-flow tokens (HS256/384/512), and session pairs (an access
 * token typed at+jwt, a refresh token typed refresh+jwt, both with a sid) under HS256 and RS256. The
 * RS256 ones also go through Verify external, provider Custom pointed at the app's own issuer and its
 * published JWKS on a loopback server: cross-token confusion (RFC 8725 §3.12) has no way in there either.
 *
 * The oracle: no call throws; nothing leaks; every result carries a contract code (or none, when
 * valid); an action accepts a mutant only when it is the untouched token once the accepted wrapping
 * is removed (surrounding white space, a `Bearer ` prefix in any case) and of a kind the action takes:
 * Verify and Verify external never a refresh token, Refresh only a one-token-flow token, JWT - Session
 * (handed the session's row, purpose refresh for a refresh token, access otherwise) only a session's
 * token of the purpose's kind, each refused as wrong_token_type even untouched. Non-canonical
 * base64url, whose decoded bytes may equal the original's, is refused as malformed by the plugin
 * (see SECURITY.md), so the oracle needs no exception for it.
 */
import { generateKeyPairSync } from "node:crypto";
import path from "node:path";
import { BubbleRuntime } from "../../src/emulator/runtime.js";
import { TOKEN_ERROR_CODES } from "../../src/jwt/errors.js";
import { ACTIONS, AUDIENCE, ISSUER, OTHER_SECRET, SECRET } from "../contract/harness.js";
import { JwksTestServer } from "../support/jwks-server.js";
import { now, signature, signJws, type TestAlgorithm } from "../support/jws.js";
import { type Observation, observe, printReport } from "../support/observe.js";
import { prng } from "../support/prng.js";

export const DEFAULT_FUZZ_SEED = 0x4a57_5eed;
export const DEFAULT_FUZZ_RUNS = 10_000;

const seed = Number(process.env.FUZZ_SEED ?? DEFAULT_FUZZ_SEED) >>> 0;
const runs = Number(process.env.FUZZ_RUNS ?? DEFAULT_FUZZ_RUNS);

const random = prng(seed);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const INSERTABLE = [
  ...BASE64URL,
  ".",
  "=",
  "+",
  "/",
  " ",
  "\t",
  "\n",
  "\u00a0",
  "\u200b",
  "é",
  "\u0000",
  "{",
];

type Kind = "single" | "paired-access" | "refresh";

interface Base {
  readonly alg: TestAlgorithm;
  readonly kind: Kind;
  readonly token: string;
  readonly keys: Record<string, string>;
  readonly inputs: Record<string, unknown>;
  /** Verify external's inputs when the base is an asymmetric token whose keys the app publishes. */
  readonly external?: Record<string, unknown>;
}

// The start of the current UTC day: base tokens (and so every mutant) are the same all day long.
const t0 = Math.floor(now() / 86_400) * 86_400;
const claims = { sub: "user-1", iat: t0, exp: t0 + 2 * 86_400, auth_time: t0, jti: "jti-1" };
const session = { ...claims, iss: ISSUER, sid: "sess-1" };
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const attacker = generateKeyPairSync("rsa", { modulusLength: 2048 });
const rsaKeys = {
  "Private Key": rsa.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  Issuer: ISSUER,
};
const jwksServer = await new JwksTestServer().start();
const JWKS_PATH = "/app/.well-known/jwks.json";
jwksServer.set(JWKS_PATH, {
  json: { keys: [{ ...rsa.publicKey.export({ format: "jwk" }), kid: "app-rs", alg: "RS256", use: "sig" }] },
});
const external = { provider: "Custom", jwks_url: jwksServer.url(JWKS_PATH), issuer: ISSUER };

/** One session's pair, as Generate makes it: the same sid and login, each token its own jti and typ. */
function pair(
  alg: TestAlgorithm,
  key: string | ReturnType<typeof generateKeyPairSync>["privateKey"],
  kid?: string,
) {
  const header = kid ? { kid } : {};
  return {
    access: signJws({ alg, typ: "at+jwt", ...header }, { ...session, jti: "access-1" }, alg, key),
    refresh: signJws(
      { alg, typ: "refresh+jwt", ...header },
      { ...session, jti: "refresh-1", exp: t0 + 20 * 86_400 },
      alg,
      key,
    ),
  };
}
const hsPair = pair("HS256", SECRET);
const rsPair = pair("RS256", rsa.privateKey, "app-rs");
const hsKeys = { "JWT Secret": SECRET, Issuer: ISSUER };

const BASES: Base[] = [
  {
    alg: "HS256",
    kind: "paired-access",
    token: hsPair.access,
    keys: hsKeys,
    inputs: {},
  },
  {
    alg: "HS256",
    kind: "refresh",
    token: hsPair.refresh,
    keys: hsKeys,
    inputs: {},
  },
  {
    alg: "RS256",
    kind: "paired-access",
    token: rsPair.access,
    keys: rsaKeys,
    inputs: { algorithm: "RS256" },
    external,
  },
  {
    alg: "RS256",
    kind: "refresh",
    token: rsPair.refresh,
    keys: rsaKeys,
    inputs: { algorithm: "RS256" },
    external,
  },
  {
    alg: "HS256",
    kind: "single",
    token: signJws({ alg: "HS256", typ: "JWT" }, claims, "HS256", SECRET),
    keys: { "JWT Secret": SECRET },
    inputs: {},
  },
  {
    alg: "HS384",
    kind: "single",
    token: signJws({ alg: "HS384", typ: "JWT", kid: "k-384" }, { ...claims, role: "admin" }, "HS384", SECRET),
    keys: { "JWT Secret": SECRET },
    inputs: { algorithm: "HS384" },
  },
  {
    alg: "HS512",
    kind: "single",
    token: signJws(
      { alg: "HS512", typ: "JWT" },
      { ...claims, iss: ISSUER, aud: [AUDIENCE, "web"] },
      "HS512",
      SECRET,
    ),
    keys: { "JWT Secret": SECRET, Issuer: ISSUER, Audience: AUDIENCE },
    inputs: { algorithm: "HS512" },
  },
];

type Mutation = (token: string, base: Base) => string;

function at(token: string, index: number, replacement: string, removed = 1): string {
  return token.slice(0, index) + replacement + token.slice(index + removed);
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value && typeof value === "object" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Edits a decoded header or claims set and encodes it again in one of several ways. */
function reencode(part: string): string {
  const json = decodeJson(part) ?? {};
  const edits: (() => void)[] = [
    () => undefined,
    () => {
      json.alg = pick(["none", "NONE", "HS384", "hs256", "RS256", ""]);
    },
    () => {
      json.exp = (typeof json.exp === "number" ? json.exp : t0) + 1;
    },
    () => {
      json.sub = "admin";
    },
    () => {
      json.kid = "../../dev/null";
    },
    () => {
      json.crit = ["exp"];
    },
    // Cross-token confusion: a kind swapped, the session altered or dropped, the login time moved.
    () => {
      json.typ = pick([
        "JWT",
        "at+jwt",
        "refresh+jwt",
        "Refresh+JWT",
        "application/refresh+jwt",
        "AT+JWT",
        "",
      ]);
    },
    () => {
      if (random() < 0.5) delete json.sid;
      else json.sid = pick(["sess-2", "", 1, null, ["sess-1"]]);
    },
    () => {
      const at = typeof json.auth_time === "number" ? json.auth_time : t0;
      json.auth_time = pick([at + 86_400, at - 400 * 86_400, `${at}`, null, 1e300]);
      if (random() < 0.3) delete json.auth_time;
    },
  ];
  pick(edits)();
  const text = pick([
    JSON.stringify(json),
    JSON.stringify(json, null, 1),
    ` ${JSON.stringify(json)}`,
    JSON.stringify(Object.fromEntries(Object.entries(json).reverse())),
  ]);
  const bytes = Buffer.from(text, "utf8");
  return pick([
    bytes.toString("base64url"),
    bytes.toString("base64"),
    `${bytes.toString("base64url")}=`,
    bytes.toString("base64").replace(/=+$/, ""),
  ]);
}

const MUTATIONS: Record<string, Mutation> = {
  "flip a bit": (token) => {
    const i = int(token.length);
    return at(token, i, String.fromCharCode(token.charCodeAt(i) ^ (1 << int(8))));
  },
  "substitute a base64url character": (token) => at(token, int(token.length), pick([...BASE64URL])),
  "insert a character": (token) => at(token, int(token.length + 1), pick(INSERTABLE), 0),
  "delete characters": (token) => at(token, int(token.length), "", 1 + int(4)),
  "swap or repeat parts": (token) => {
    const parts = token.split(".");
    const order = pick([
      [1, 0, 2],
      [0, 2, 1],
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 2],
      [0, 1],
      [0, 1, 2, 2],
      [0, 1, 2, 0, 1],
    ]);
    return order.map((i) => parts[i] ?? "").join(".");
  },
  "re-encode the header": (token) => {
    const [header = "", ...rest] = token.split(".");
    return [reencode(header), ...rest].join(".");
  },
  "re-encode the claims": (token) => {
    const [header = "", payload = "", ...rest] = token.split(".");
    return [header, reencode(payload), ...rest].join(".");
  },
  "re-sign edited claims with another key": (token, base) => {
    const [header = "", payload = ""] = token.split(".");
    const input = `${header}.${reencode(payload)}`;
    return `${input}.${signature(input, base.alg, base.alg.startsWith("HS") ? OTHER_SECRET : attacker.privateKey)}`;
  },
  "borrow another token's signature": (token) => {
    const [header, payload] = token.split(".");
    const other = pick(BASES).token.split(".")[2];
    return `${header}.${payload}.${other}`;
  },
  "add base64 padding to a part": (token) => {
    const parts = token.split(".");
    const i = int(parts.length);
    parts[i] = `${parts[i]}${pick(["=", "==", "==="])}`;
    return parts.join(".");
  },
  "set the signature's unused bits": (token) => {
    const last = BASE64URL.indexOf(token.at(-1) as string);
    return last < 0 ? token : at(token, token.length - 1, BASE64URL[last ^ (1 + int(3))] as string);
  },
  "change the case of a letter": (token) => {
    const letters = [...token.matchAll(/[A-Za-z]/g)].map((m) => m.index as number);
    if (letters.length === 0) return token;
    const i = pick(letters);
    const char = token[i] as string;
    return at(token, i, char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase());
  },
  "change the case of a whole part": (token) => {
    const parts = token.split(".");
    const i = int(parts.length);
    parts[i] = random() < 0.5 ? (parts[i] ?? "").toUpperCase() : (parts[i] ?? "").toLowerCase();
    return parts.join(".");
  },
  truncate: (token) => token.slice(0, int(token.length)),
  "repeat a slice": (token) => {
    const start = int(token.length);
    const slice = token.slice(start, start + 1 + int(8));
    return at(token, start, slice + slice, slice.length);
  },
  "wrap (Bearer, white space)": (token) =>
    pick(["Bearer ", "bearer\t", "BEARER  ", " ", "\n", "Bearer", "Bearer:", "Basic "]) +
    token +
    pick(["", " ", "\r\n", "\t", "."]),
};
const MUTATION_NAMES = Object.keys(MUTATIONS);

/** The token as the contract says Verify reads it: white space and one `Bearer ` prefix removed. */
function unwrapped(input: string): string {
  return input
    .trim()
    .replace(/^bearer(\s+|$)/i, "")
    .trim();
}

const CODES = new Set<string>(TOKEN_ERROR_CODES);
const runtime = new BubbleRuntime(path.resolve("actions"), { evaluate: "once" });

interface Failure {
  readonly run: number;
  readonly mutations: string[];
  readonly action: string;
  readonly problem: string;
  readonly token: string;
}

/** Whether `action` takes tokens of `kind` at all (docs/sessions.md). */
function takes(action: "verify" | "refresh" | "external" | "session", kind: Kind): boolean {
  if (action === "refresh") return kind === "single";
  // JWT - Session is asked for the purpose of the base's kind, so it takes both kinds of a session.
  if (action === "session") return kind !== "single";
  return kind !== "refresh";
}

/** The Session row of the session bases' tokens (sid sess-1 of user-1, current refresh jti refresh-1). */
const sessionRow = {
  session_id: "sess-1",
  session_user_id: "user-1",
  current_jti: "refresh-1",
  rotated_at: new Date(t0 * 1000),
  created_at: new Date(t0 * 1000),
  revoked: false,
};

function problemOf(
  action: string,
  o: Observation,
  mayAccept: boolean,
  wrongKind: boolean,
): string | undefined {
  if (o.thrown !== undefined) return `threw: ${o.thrown}`;
  if (o.leaks.length > 0) return `leaked: ${o.leaks.join(", ")}`;
  const values = o.values ?? {};
  const code = values.error_code;
  if (action === "decode") {
    if (code === "")
      return typeof values.header_json === "string" ? undefined : "decoded without header_json";
    return CODES.has(code as string) ? undefined : `unknown code ${String(code)}`;
  }
  const flag = action === "refresh" || action === "session" ? "ok" : "valid";
  const accepted = values[flag];
  if (accepted === true) {
    if (!mayAccept)
      return wrongKind ? "accepted a token of a kind it never takes" : "accepted a mutated token";
    return code === "" ? undefined : `accepted with code ${String(code)}`;
  }
  if (accepted !== false) return `no ${flag} flag`;
  if (mayAccept) return `refused the untouched token: ${String(code)}`;
  if (wrongKind && code !== "wrong_token_type")
    return `refused an untouched token of the wrong kind as ${String(code)}`;
  return CODES.has(code as string) ? undefined : `unknown code ${String(code)}`;
}

const failures: Failure[] = [];
const verifyCodes: Record<string, number> = {};
const mutationCounts: Record<string, number> = {};
let untouched = 0;
let calls = 0;
const started = Date.now();

const externalCodes: Record<string, number> = {};
let untouchedAccepts = 0;

async function check(run: number, mutations: string[], base: Base, token: string): Promise<void> {
  const isUntouched = unwrapped(token) === base.token;
  if (isUntouched) untouched++;
  const actions = base.external
    ? (["verify", "refresh", "decode", "session", "external"] as const)
    : (["verify", "refresh", "decode", "session"] as const);
  for (const action of actions) {
    const purpose = base.kind === "refresh" ? "refresh" : "access";
    const inputs =
      action === "decode"
        ? { token }
        : action === "external"
          ? { token, ...base.external }
          : action === "session"
            ? { token, ...base.inputs, purpose, ...sessionRow }
            : { token, ...base.inputs };
    const keys = action === "decode" || action === "external" ? {} : base.keys;
    const observation = await observe(runtime, ACTIONS[action], inputs, keys);
    calls++;
    const code = (observation.values?.error_code as string) || "valid";
    if (action === "verify") verifyCodes[code] = (verifyCodes[code] ?? 0) + 1;
    if (action === "external") externalCodes[code] = (externalCodes[code] ?? 0) + 1;
    const wrongKind = action !== "decode" && !takes(action, base.kind);
    const mayAccept = isUntouched && !wrongKind;
    if (mayAccept && action !== "decode") untouchedAccepts++;
    const problem = problemOf(action, observation, mayAccept, isUntouched && wrongKind);
    if (problem && failures.length < 25) failures.push({ run, mutations, action, problem, token });
  }
}

for (const [i, base] of BASES.entries()) await check(-1 - i, ["untouched"], base, base.token);
for (let run = 0; run < runs; run++) {
  const base = BASES[run % BASES.length] as Base;
  const applied: string[] = [];
  let token = base.token;
  for (let n = 1 + int(3); n > 0; n--) {
    const name = pick(MUTATION_NAMES);
    applied.push(name);
    mutationCounts[name] = (mutationCounts[name] ?? 0) + 1;
    token = (MUTATIONS[name] as Mutation)(token, base);
  }
  await check(run, applied, base, token);
}

await jwksServer.close();
printReport({
  node: process.version,
  seed,
  runs,
  calls,
  bases: BASES.map((base) => ({ kind: base.kind, alg: base.alg, external: base.external !== undefined })),
  untouched,
  untouchedAccepts,
  verifyCodes,
  externalCodes,
  mutationCounts,
  failures,
  milliseconds: Date.now() - started,
});
