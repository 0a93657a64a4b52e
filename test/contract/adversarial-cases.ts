/**
 * The adversarial corpus: every known way of forging, confusing, replaying or crashing a JWT check,
 * each with the exact contract code it must get, through the built bundles on Node 18 and Node 20.
 * SECURITY.md maps each case to the defence that handles it. Leaks are checked on every call by the
 * harness (`leaks: []`): no token, signature, secret or key material in a message, log or value.
 */
import { createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ConfigErrorCode } from "../../src/jwt/errors.js";
import { flipS, isHighS } from "../support/ecdsa.js";
import { b64url, encodePart, now, signature, signJws } from "../support/jws.js";
import type { Observation } from "../support/observe.js";
import {
  AUDIENCE,
  BASE_KEYS,
  type ContractCase,
  type Harness,
  ISSUER,
  type Keys,
  matches,
  OLD_SECRET,
  OTHER_SECRET,
  refused,
  SECRET,
  testSecret,
  throws,
} from "./harness.js";

const t0 = now();

function fresh(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { sub: "user-1", iat: t0, exp: t0 + 600, jti: "jti-1", ...extra };
}

/** An HS token signed with SECRET (or `secret`); `claims` may be raw JSON text for odd payloads. */
function hs(
  claims: unknown = fresh(),
  header: Record<string, unknown> = {},
  secret: string = SECRET,
  alg: "HS256" | "HS384" | "HS512" = "HS256",
): string {
  return signJws({ alg, typ: "JWT", ...header }, claims, alg, secret);
}

/** A token whose header and claims parts are given as JSON text, signed with SECRET under HS256. */
function signedText(headerText: string, claimsText: string, secret: string = SECRET): string {
  const input = `${encodePart(headerText)}.${encodePart(claimsText)}`;
  return `${input}.${signature(input, "HS256", secret)}`;
}

function parts(token: string): [string, string, string] {
  return token.split(".") as [string, string, string];
}

const refreshRefused = (code: string) => {
  const expected = refused(code, "ok");
  return { ...expected, values: { ...expected.values, token: "" } };
};
const accepted = (values: Record<string, unknown> = {}) => ({
  values: { valid: true, ...values },
  leaks: [],
});

function verifyCase(
  name: string,
  token: () => string,
  code: string,
  inputs: Record<string, unknown> = {},
  keys: Keys = BASE_KEYS,
): ContractCase {
  return { name, run: (h) => h.call("verify", { token: token(), ...inputs }, keys), expect: refused(code) };
}

// RSA keys for the RS256 cases: made once per scenario process, only when an RS case runs.
interface RsaKeys {
  readonly privateKey: KeyObject;
  readonly publicPem: string;
  readonly privatePem: string;
  readonly attacker: KeyObject;
  readonly attackerJwk: JsonWebKey;
  readonly attackerDer: string;
  /** The victim's public key: its SPKI body in base64, and its JWK, as a JWKS publishes it. */
  readonly publicDer: string;
  readonly publicJwk: JsonWebKey;
}
let rsaKeys: RsaKeys | undefined;
function rsa(): RsaKeys {
  if (!rsaKeys) {
    const victim = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const attacker = generateKeyPairSync("rsa", { modulusLength: 2048 });
    rsaKeys = {
      privateKey: victim.privateKey,
      publicPem: victim.publicKey.export({ type: "spki", format: "pem" }) as string,
      privatePem: victim.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
      attacker: attacker.privateKey,
      attackerJwk: attacker.publicKey.export({ format: "jwk" }),
      attackerDer: attacker.publicKey.export({ type: "spki", format: "der" }).toString("base64"),
      publicDer: victim.publicKey.export({ type: "spki", format: "der" }).toString("base64"),
      publicJwk: victim.publicKey.export({ format: "jwk" }),
    };
  }
  return rsaKeys;
}
const rsPublicKeys = (): Keys => ({ "Public Key": rsa().publicPem });
const rsPrivateKeys = (): Keys => ({ "Private Key": rsa().privatePem });

function rs(claims: unknown = fresh(), header: Record<string, unknown> = {}, key?: KeyObject): string {
  return signJws({ alg: "RS256", typ: "JWT", ...header }, claims, "RS256", key ?? rsa().privateKey);
}

/**
 * Serves a JWKS on 127.0.0.1 and counts every connection and request while `run` calls the plugin.
 * The plugin must never fetch a key a token points to (jku, x5u): both counts must stay 0.
 */
async function withCountingServer<T>(
  jwks: unknown,
  run: (url: string) => Promise<T>,
): Promise<{ result: T; connections: number; requests: number }> {
  let connections = 0;
  let requests = 0;
  const server = createServer((_request, response) => {
    requests++;
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify(jwks));
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const result = await run(`http://127.0.0.1:${port}/.well-known/jwks.json`);
    // A fetch the action fired and forgot would connect within a few event-loop turns: let it show.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { result, connections, requests };
  } finally {
    // The plugin's fetch keeps its connection alive; Node 18's close would wait out the keep-alive.
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** One log line, no line break of any kind in it, and bounded in length. */
function oneShortLine(o: Observation): boolean {
  return (
    o.logs?.length === 1 &&
    !/[\n\r\u0085\u2028\u2029]/.test(o.logs[0] as string) &&
    (o.logs[0] as string).length < 600
  );
}

// ---------------------------------------------------------------------------------------------------
// alg: none, other algorithms, RS/HS key confusion (RFC 8725 §2.1, §3.1)

const NONE_CASINGS = ["none", "None", "NONE", "nOnE", "NoNe", "nONE"];

const algorithmCases: ContractCase[] = [
  ...NONE_CASINGS.flatMap((alg) => [
    verifyCase(
      `alg ${alg} with an empty signature is algorithm_not_allowed`,
      () => `${encodePart({ alg, typ: "JWT" })}.${encodePart(fresh())}.`,
      "algorithm_not_allowed",
    ),
    verifyCase(
      `alg ${alg} with an HMAC signature by the right secret is algorithm_not_allowed`,
      () => hs(fresh(), { alg }),
      "algorithm_not_allowed",
    ),
  ]),
  {
    name: "alg none is refused by refresh and by an RS256 action too",
    async run(h) {
      const token = `${encodePart({ alg: "none" })}.${encodePart(fresh({ auth_time: t0 }))}.`;
      return {
        refresh: await h.call("refresh", { token }),
        rs256: await h.call("verify", { token, algorithm: "RS256" }, rsPublicKeys()),
      };
    },
    expect: { refresh: refreshRefused("algorithm_not_allowed"), rs256: refused("algorithm_not_allowed") },
  },
  ...(
    [
      ["a missing alg", {}],
      ["alg null", { alg: null }],
      ["alg as a list", { alg: ["HS256"] }],
      ["alg in lower case", { alg: "hs256" }],
      ["alg with a trailing space", { alg: "HS256 " }],
      ["alg ES256", { alg: "ES256" }],
      ["alg RS256", { alg: "RS256" }],
      ["alg PS256", { alg: "PS256" }],
    ] as const
  ).map(([what, header]) =>
    verifyCase(
      `${what} in an HS256 action is algorithm_not_allowed, even signed with the right secret`,
      () => {
        const input = `${encodePart({ typ: "JWT", ...header })}.${encodePart(fresh())}`;
        return `${input}.${signature(input, "HS256", SECRET)}`;
      },
      "algorithm_not_allowed",
    ),
  ),
  verifyCase(
    "a duplicated alg member counts as its last value, the one jose reads too",
    () => signedText('{"alg":"HS256","alg":"none"}', JSON.stringify(fresh())),
    "algorithm_not_allowed",
  ),
  {
    name: "control: an RS256 token by the right private key verifies in an RS256 action",
    async run(h) {
      return {
        publicKey: await h.call("verify", { token: rs(), algorithm: "RS256" }, rsPublicKeys()),
        privateKeyOnly: await h.call("verify", { token: rs(), algorithm: "RS256" }, rsPrivateKeys()),
      };
    },
    expect: { publicKey: accepted({ subject: "user-1" }), privateKeyOnly: accepted({ subject: "user-1" }) },
  },
  {
    name: "RS/HS confusion: an HS256 token signed with the public key's PEM is refused by an RS256 action",
    async run(h) {
      const pem = rsa().publicPem;
      const token = signJws({ alg: "HS256", typ: "JWT" }, fresh(), "HS256", pem);
      const trimmed = signJws({ alg: "HS256", typ: "JWT" }, fresh(), "HS256", pem.trim());
      return {
        publicKey: await h.call("verify", { token, algorithm: "RS256" }, rsPublicKeys()),
        trimmedPem: await h.call("verify", { token: trimmed, algorithm: "RS256" }, rsPublicKeys()),
        privateKeyOnly: await h.call("verify", { token, algorithm: "RS256" }, rsPrivateKeys()),
        refresh: await h.call("refresh", { token, algorithm: "RS256" }, rsPrivateKeys()),
      };
    },
    expect: {
      publicKey: refused("algorithm_not_allowed"),
      trimmedPem: refused("algorithm_not_allowed"),
      privateKeyOnly: refused("algorithm_not_allowed"),
      refresh: refreshRefused("algorithm_not_allowed"),
    },
  },
  {
    name: "RS/HS confusion: a header saying RS256 over an HMAC signature made with the PEM is invalid_signature",
    run: (h) => {
      const input = `${encodePart({ alg: "RS256", typ: "JWT" })}.${encodePart(fresh())}`;
      const token = `${input}.${signature(input, "HS256", rsa().publicPem)}`;
      return h.call("verify", { token, algorithm: "RS256" }, rsPublicKeys());
    },
    expect: refused("invalid_signature"),
  },
  {
    // The other half of the confusion: only a builder pasting a public key as JWT Secret makes it possible.
    name: "RS/HS confusion: a PEM key pasted as JWT Secret is a configuration error, never an HMAC key",
    async run(h) {
      const token = signJws({ alg: "HS256", typ: "JWT" }, fresh(), "HS256", rsa().publicPem);
      return {
        publicPem: await h.call("verify", { token }, { "JWT Secret": rsa().publicPem }),
        privatePem: await h.call("generate", { subject: "u" }, { "JWT Secret": rsa().privatePem }),
        previous: await h.call("verify", { token }, { ...BASE_KEYS, "Previous JWT Secret": rsa().publicPem }),
      };
    },
    expect: {
      publicPem: throws("wrong_key_kind", "JWT Secret plugin key"),
      privatePem: throws("wrong_key_kind", "JWT Secret plugin key"),
      previous: throws("wrong_key_kind", "Previous JWT Secret plugin key"),
    },
  },
];

// ---------------------------------------------------------------------------------------------------
// Header-borne keys: jwk, jku, x5u, x5c are never used, and nothing is fetched (RFC 8725 §3.10)

const headerKeyCases: ContractCase[] = [
  verifyCase(
    "an HS256 token carrying its own oct key in jwk is invalid_signature",
    () => hs(fresh(), { jwk: { kty: "oct", k: b64url(OTHER_SECRET) } }, OTHER_SECRET),
    "invalid_signature",
  ),
  {
    name: "an RS256 token carrying the attacker's public key in jwk is invalid_signature",
    run: (h) =>
      h.call(
        "verify",
        { token: rs(fresh(), { jwk: rsa().attackerJwk }, rsa().attacker), algorithm: "RS256" },
        rsPublicKeys(),
      ),
    expect: refused("invalid_signature"),
  },
  {
    name: "an RS256 token carrying the attacker's key in x5c is invalid_signature",
    run: (h) =>
      h.call(
        "verify",
        { token: rs(fresh(), { x5c: [rsa().attackerDer] }, rsa().attacker), algorithm: "RS256" },
        rsPublicKeys(),
      ),
    expect: refused("invalid_signature"),
  },
  ...(["jku", "x5u"] as const).flatMap((member): ContractCase[] => [
    {
      name: `an RS256 token whose ${member} points to the attacker's keys on 127.0.0.1: invalid_signature, nothing fetched`,
      run: (h) =>
        withCountingServer({ keys: [{ ...rsa().attackerJwk, alg: "RS256", use: "sig" }] }, (url) =>
          h.call(
            "verify",
            { token: rs(fresh(), { [member]: url }, rsa().attacker), algorithm: "RS256" },
            rsPublicKeys(),
          ),
        ),
      expect: { result: refused("invalid_signature"), connections: 0, requests: 0 },
    },
    {
      name: `an HS256 token whose ${member} points to 127.0.0.1: invalid_signature, nothing fetched`,
      run: (h) =>
        withCountingServer({ keys: [{ kty: "oct", k: b64url(OTHER_SECRET) }] }, (url) =>
          h.call("verify", { token: hs(fresh(), { [member]: url }, OTHER_SECRET) }),
        ),
      expect: { result: refused("invalid_signature"), connections: 0, requests: 0 },
    },
  ]),
  {
    name: "jwk, jku, x5u and x5c on a token signed with the right key are ignored: valid, nothing fetched",
    run: (h) =>
      withCountingServer({ keys: [] }, async (url) => {
        const header = { jwk: rsa().attackerJwk, jku: url, x5u: url, x5c: [rsa().attackerDer] };
        return {
          hs256: await h.call("verify", { token: hs(fresh(), header) }),
          rs256: await h.call("verify", { token: rs(fresh(), header), algorithm: "RS256" }, rsPublicKeys()),
        };
      }),
    expect: { result: { hs256: accepted(), rs256: accepted() }, connections: 0, requests: 0 },
  },
];

// ---------------------------------------------------------------------------------------------------
// kid: path traversal and injection strings (RFC 8725 §3.10): a label, never a path, query or log line

const HOSTILE_KIDS: [string, unknown][] = [
  ["path traversal", "../../../../dev/null"],
  ["an absolute path", "/etc/passwd"],
  ["a Windows path", "..\\..\\windows\\win.ini"],
  ["SQL injection", "' OR '1'='1' --"],
  ["a SQL statement", "x'; DROP TABLE keys; --"],
  ["a JNDI lookup", "\u0024{jndi:ldap://127.0.0.1/a}"],
  ["a forged log line", 'k1\nJWT verify: {"outcome":"ok","sub":"admin"}'],
  ["CR LF", "k1\r\n\r\nHTTP/1.1 200 OK"],
  ["Unicode line separators", "k1\u2028x\u2029y\u0085z"],
  ["a NUL byte", "k1\u0000"],
  ["10,000 characters", "k".repeat(10_000)],
  ["a number", 42],
  ["an object", { path: "/dev/null" }],
];

const kidCases: ContractCase[] = HOSTILE_KIDS.map(([what, kid]) => ({
  name: `kid as ${what}: valid with the right key, invalid_signature with another, one short log line`,
  async run(h: Harness) {
    const rotation = { "JWT Secret": SECRET, "Previous JWT Secret": OLD_SECRET };
    const right = await h.call("verify", { token: hs(fresh(), { kid }) });
    const previous = await h.call("verify", { token: hs(fresh(), { kid }, OLD_SECRET) }, rotation);
    const wrong = await h.call("verify", { token: hs(fresh(), { kid }, OTHER_SECRET) }, rotation);
    return { right, previous, wrong, oneLine: [right, previous, wrong].every(oneShortLine) };
  },
  expect: { right: accepted(), previous: accepted(), wrong: refused("invalid_signature"), oneLine: true },
}));

// ---------------------------------------------------------------------------------------------------
// crit and b64 (RFC 7515 §4.1.11, RFC 7797): no extension is understood, so none is accepted

const critCases: ContractCase[] = (
  [
    ["an unknown crit member", { crit: ["urn:example:policy"], "urn:example:policy": 1 }],
    ["crit naming exp", { crit: ["exp"], exp: t0 + 600 }],
    ["an empty crit list", { crit: [] }],
    ["b64 false with crit", { b64: false, crit: ["b64"] }],
    ["b64 false without crit", { b64: false }],
  ] as const
).map(([what, header]) =>
  verifyCase(`${what}, signed with the right secret, is malformed`, () => hs(fresh(), header), "malformed"),
);

// ---------------------------------------------------------------------------------------------------
// Tampering and signature shapes

/** The signature's last character with its unused low bits set: the same bytes, non-canonically encoded. */
function nonCanonicalSignature(token: string): string {
  const [header, payload, sig] = parts(token);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const last = alphabet.indexOf(sig.at(-1) as string);
  return `${header}.${payload}.${sig.slice(0, -1)}${alphabet[last | 1]}`;
}

const tamperCases: ContractCase[] = [
  verifyCase(
    "a header changed after signing (kid added) is invalid_signature",
    () => {
      const [, payload, sig] = parts(hs());
      return `${encodePart({ alg: "HS256", typ: "JWT", kid: "admin" })}.${payload}.${sig}`;
    },
    "invalid_signature",
  ),
  verifyCase(
    "a header whose alg was changed after signing is algorithm_not_allowed",
    () => {
      const [, payload, sig] = parts(hs());
      return `${encodePart({ alg: "HS384", typ: "JWT" })}.${payload}.${sig}`;
    },
    "algorithm_not_allowed",
  ),
  verifyCase(
    "claims whose exp was extended after signing are invalid_signature",
    () => {
      const [header, , sig] = parts(hs());
      return `${header}.${encodePart(fresh({ exp: t0 + 86_400 * 365 }))}.${sig}`;
    },
    "invalid_signature",
  ),
  verifyCase(
    "the signature of another token by the same key is invalid_signature",
    () => {
      const [header, payload] = parts(hs(fresh({ sub: "admin" })));
      return `${header}.${payload}.${parts(hs())[2]}`;
    },
    "invalid_signature",
  ),
  verifyCase(
    "one character changed in the middle of the signature is invalid_signature",
    () => {
      const [header, payload, sig] = parts(hs());
      const swapped = sig[20] === "A" ? "B" : "A";
      return `${header}.${payload}.${sig.slice(0, 20)}${swapped}${sig.slice(21)}`;
    },
    "invalid_signature",
  ),
  verifyCase(
    "a signature truncated to an impossible base64url length is malformed",
    () => hs().slice(0, -2),
    "malformed",
  ),
  verifyCase(
    "a signature re-encoded with its unused bits set (same bytes) is malformed",
    () => nonCanonicalSignature(hs()),
    "malformed",
  ),
  verifyCase(
    "an HS512 signature cut to 32 bytes in an HS512 action is invalid_signature",
    () => {
      const [header, payload, sig] = parts(hs(fresh(), {}, SECRET, "HS512"));
      return `${header}.${payload}.${b64url(Buffer.from(sig, "base64url").subarray(0, 32))}`;
    },
    "invalid_signature",
    { algorithm: "HS512" },
  ),
  verifyCase(
    "a signature extended by a base64url quantum is invalid_signature",
    () => `${hs()}AAAA`,
    "invalid_signature",
  ),
  verifyCase(
    "a signature of zero bytes the length of a real one is invalid_signature",
    () => `${parts(hs()).slice(0, 2).join(".")}.${b64url(new Uint8Array(32))}`,
    "invalid_signature",
  ),
];

// ---------------------------------------------------------------------------------------------------
// Shape: parts, serializations, encodings, non-object JSON

const shapeCases: ContractCase[] = [
  ...(
    [
      ["two parts (signature dropped)", () => parts(hs()).slice(0, 2).join(".")],
      ["four parts (a trailing dot)", () => `${hs()}.`],
      ["four parts (a leading dot)", () => `.${hs()}`],
      ["five parts, a JWE with alg dir", () => `${encodePart({ alg: "dir", enc: "A256GCM" })}..iv.ct.tag`],
      ["five parts made of a valid JWS", () => `${hs()}.${parts(hs())[2]}.x`],
      ["six parts", () => `${hs()}.a.b.c`],
      ["only dots", () => ".."],
      ["an empty header part", () => `.${parts(hs())[1]}.${parts(hs())[2]}`],
      [
        "the flattened JSON serialization, correctly signed",
        () => {
          const [protectedHeader, payload, sig] = parts(hs());
          return JSON.stringify({ protected: protectedHeader, payload, signature: sig });
        },
      ],
      [
        "the general JSON serialization, correctly signed",
        () => {
          const [protectedHeader, payload, sig] = parts(hs());
          return `  ${JSON.stringify({ payload, signatures: [{ protected: protectedHeader, signature: sig }] })}`;
        },
      ],
      ["standard base64 characters (+ and /)", () => `${hs().replace(/-/g, "+").replace(/_/g, "/")}+/`],
      ["= padding on the header", () => hs().replace(".", "==.")],
      ["a space inside", () => hs().replace(".", ". ")],
      ["a tab inside", () => hs().replace(".", "\t.")],
      ["a line break inside", () => hs().replace(".", ".\n")],
      ["a zero-width space inside", () => hs().replace(".", ".\u200b")],
      ["full-width letters", () => hs().replace(/e/, "\uff45")],
      ["an emoji", () => `${hs()}\u{1f600}`],
      ["a NUL character", () => `${hs()}\u0000`],
      ["a non-ASCII letter in the claims part", () => hs().replace(/\.(.)/, ".\u00e9")],
    ] as const
  ).map(([what, token]) => verifyCase(`${what}: malformed`, token, "malformed")),
  ...(
    [
      ["a header that is a JSON array", '["HS256"]', JSON.stringify(fresh())],
      ["a header that is a JSON string", '"HS256"', JSON.stringify(fresh())],
      ["a header that is a JSON number", "256", JSON.stringify(fresh())],
      ["a header that is JSON null", "null", JSON.stringify(fresh())],
      ["a header that is JSON true", "true", JSON.stringify(fresh())],
      ["an empty claims set", '{"alg":"HS256"}', ""],
      ["claims that are a JSON number", '{"alg":"HS256"}', "1"],
      ["claims that are JSON null", '{"alg":"HS256"}', "null"],
      ["claims that are JSON true", '{"alg":"HS256"}', "true"],
      ["claims that are not JSON", '{"alg":"HS256"}', "sub=admin"],
      ["claims with a trailing comma", '{"alg":"HS256"}', '{"sub":"u","exp":9999999999,}'],
      ["claims with NaN", '{"alg":"HS256"}', '{"sub":"u","exp":NaN}'],
    ] as const
  ).map(([what, headerText, claimsText]) =>
    verifyCase(`${what}, correctly signed: malformed`, () => signedText(headerText, claimsText), "malformed"),
  ),
  verifyCase(
    "an empty claims part under another token's signature is invalid_signature (checked before claims)",
    () => `${parts(hs())[0]}..${parts(hs())[2]}`,
    "invalid_signature",
  ),
  {
    // UTF-8 decoders drop a leading byte order mark; ours and jose's agree, so both read the same header.
    name: "a header with a byte order mark, correctly signed, is read as jose reads it: valid",
    run: (h) => h.call("verify", { token: signedText('\ufeff{"alg":"HS256"}', JSON.stringify(fresh())) }),
    expect: accepted(),
  },
  verifyCase(
    "claims that are not UTF-8, correctly signed, are malformed",
    () => {
      const input = `${encodePart({ alg: "HS256" })}.${b64url(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))}`;
      return `${input}.${signature(input, "HS256", SECRET)}`;
    },
    "malformed",
  ),
  verifyCase(
    "a header that is not UTF-8 is malformed",
    () => `${b64url(new Uint8Array([0xc3, 0x28]))}.${encodePart(fresh())}.${parts(hs())[2]}`,
    "malformed",
  ),
];

// ---------------------------------------------------------------------------------------------------
// Claims: types, times, issuer, audience, age, required claims, revocation (RFC 8725 §3.8, §3.9)

const claimCases: ContractCase[] = [
  ...(
    [
      ["exp as text", '"9999999999"'],
      ["exp as an overflowing number (1e400 is Infinity)", "1e400"],
      ["exp as a huge number", "1e300"],
      ["exp as a huge negative number", "-1e300"],
      ["exp beyond what a Date can hold", "8640000000001"],
      ["exp as true", "true"],
      ["exp as null", "null"],
      ["exp as a list", "[9999999999]"],
      ["exp as an object", '{"$date":9999999999}'],
      ["exp as text NaN", '"NaN"'],
      ["exp as text Infinity", '"Infinity"'],
    ] as const
  ).map(([what, expText]) =>
    verifyCase(
      `${what} is malformed`,
      () => signedText('{"alg":"HS256"}', `{"sub":"u","iat":${t0},"exp":${expText}}`),
      "malformed",
    ),
  ),
  verifyCase("nbf as text is malformed", () => hs(fresh({ nbf: String(t0) })), "malformed"),
  verifyCase("iat as text is malformed", () => hs(fresh({ iat: String(t0) })), "malformed"),
  verifyCase("iat as a huge number is malformed", () => hs(fresh({ iat: 1e300 })), "malformed"),
  verifyCase("exp as a negative number is expired", () => hs(fresh({ iat: undefined, exp: -1 })), "expired"),
  verifyCase("exp 0 is expired", () => hs(fresh({ iat: undefined, exp: 0 })), "expired"),
  {
    name: "exp at the largest time a Date holds is still a time: valid",
    run: (h) => h.call("verify", { token: hs(fresh({ exp: 8.64e12 })) }),
    expect: accepted({ expires_at: { $date: "+275760-09-13T00:00:00.000Z" } }),
  },
  {
    name: "a fractional exp is a valid NumericDate",
    run: (h) => h.call("verify", { token: hs(fresh({ exp: t0 + 600.5 })) }),
    expect: accepted(),
  },
  verifyCase(
    "a missing exp is missing_claim, even with nbf and iat",
    () => hs({ sub: "u", iat: t0, nbf: t0 }),
    "missing_claim",
  ),
  verifyCase(
    "nbf beyond clock_tolerance in the future is not_yet_valid",
    () => hs(fresh({ nbf: t0 + 600 })),
    "not_yet_valid",
    { clock_tolerance: 300 },
  ),
  verifyCase(
    "iat an hour in the future is not_yet_valid",
    () => hs(fresh({ iat: t0 + 3600, exp: t0 + 7200 })),
    "not_yet_valid",
  ),
  {
    name: "nbf within clock_tolerance is accepted",
    run: (h) => h.call("verify", { token: hs(fresh({ nbf: t0 + 30 })), clock_tolerance: 120 }),
    expect: accepted(),
  },
  verifyCase("iss as a number is issuer_mismatch", () => hs(fresh({ iss: 1 })), "issuer_mismatch", {
    issuer: ISSUER,
  }),
  verifyCase(
    "iss as a list holding the issuer is issuer_mismatch",
    () => hs(fresh({ iss: [ISSUER] })),
    "issuer_mismatch",
    {
      issuer: ISSUER,
    },
  ),
  verifyCase(
    "iss with a trailing slash added is issuer_mismatch",
    () => hs(fresh({ iss: `${ISSUER}/` })),
    "issuer_mismatch",
    {
      issuer: ISSUER,
    },
  ),
  verifyCase(
    "iss in another case is issuer_mismatch",
    () => hs(fresh({ iss: ISSUER.toUpperCase() })),
    "issuer_mismatch",
    {
      issuer: ISSUER,
    },
  ),
  ...(
    [
      ["aud as a number", 1],
      ["aud as an empty list", []],
      ["aud as a list nested in a list", [[AUDIENCE]]],
      ["aud as the audience among others in one string", `${AUDIENCE},web`],
      ["aud as a prefix of the audience", AUDIENCE.slice(0, -1)],
      ["aud as an object", { [AUDIENCE]: true }],
      ["a missing aud", undefined],
    ] as const
  ).map(([what, aud]) =>
    verifyCase(`${what} is audience_mismatch`, () => hs(fresh({ aud })), "audience_mismatch", {
      audience: AUDIENCE,
    }),
  ),
  verifyCase(
    "max_age 0 refuses a token issued seconds ago",
    () => hs(fresh({ iat: t0 - 5 })),
    "token_too_old",
    {
      max_age: 0,
    },
  ),
  verifyCase(
    "max_age without an iat is missing_claim",
    () => hs(fresh({ iat: undefined })),
    "missing_claim",
    {
      max_age: 3600,
    },
  ),
  ...["constructor", "__proto__", "toString", "hasOwnProperty"].map((name) =>
    verifyCase(
      `required claim "${name}" is not found on Object.prototype: missing_claim`,
      () => hs(fresh()),
      "missing_claim",
      { required_claims: name },
    ),
  ),
  verifyCase(
    "a required claim present as null is missing_claim",
    () => hs(fresh({ role: null })),
    "missing_claim",
    {
      required_claims: "role",
    },
  ),
  verifyCase("revoked_ids entries are trimmed before comparing", () => hs(fresh()), "revoked", {
    revoked_ids: ["  jti-1  "],
  }),
  {
    name: "revoked_ids compare jti exactly (case-sensitive)",
    run: (h) => h.call("verify", { token: hs(fresh()), revoked_ids: ["JTI-1"] }),
    expect: accepted({ jti: "jti-1" }),
  },
  {
    name: "a claim named __proto__ is returned as a plain claim",
    run: (h) =>
      h.call("verify", {
        token: signedText('{"alg":"HS256"}', `{"sub":"u","exp":${t0 + 600},"__proto__":{"admin":true}}`),
      }),
    expect: accepted({
      claim_names: ["sub", "exp", "__proto__"],
      claims_json: matches('"__proto__":\\{"admin":true\\}'),
    }),
  },
];

// ---------------------------------------------------------------------------------------------------
// Size and depth: refused before decoding, and never a crash (denial of service)

const ONE_MB = 1_048_576;

const sizeCases: ContractCase[] = [
  {
    name: "16,385 characters after a Bearer prefix is token_too_large",
    run: (h) => h.call("verify", { token: `Bearer ${"a".repeat(16_385)}` }),
    expect: refused("token_too_large"),
  },
  {
    name: "a 1 MB token is token_too_large in verify, refresh and decode",
    async run(h) {
      const token = `${hs()}.${"A".repeat(ONE_MB)}`.slice(0, ONE_MB);
      return {
        verify: await h.call("verify", { token }),
        refresh: await h.call("refresh", { token }),
        decode: await h.call("decode", { token }, {}),
      };
    },
    expect: {
      verify: refused("token_too_large"),
      refresh: refreshRefused("token_too_large"),
      decode: { values: { error_code: "token_too_large" }, leaks: [] },
    },
  },
  verifyCase(
    "1 MB of white space is token_too_large, not missing_token",
    () => " ".repeat(ONE_MB),
    "token_too_large",
  ),
  verifyCase("10 MB is token_too_large", () => "a".repeat(10 * ONE_MB), "token_too_large"),
  {
    name: "10,000 unclosed arrays in the claims are malformed, in verify and decode",
    async run(h) {
      const token = signedText('{"alg":"HS256"}', `{"sub":"u","exp":${t0 + 600},"a":${"[".repeat(10_000)}`);
      return { verify: await h.call("verify", { token }), decode: await h.call("decode", { token }, {}) };
    },
    expect: { verify: refused("malformed"), decode: { values: { error_code: "malformed" }, leaks: [] } },
  },
  {
    name: "claims nested 5,000 levels deep, correctly signed, are malformed, not a crash",
    async run(h) {
      const deep = `${"[".repeat(5_000)}${"]".repeat(5_000)}`;
      const token = signedText('{"alg":"HS256"}', `{"sub":"u","exp":${t0 + 600},"a":${deep}}`);
      return {
        length: token.length <= 16_384,
        verify: await h.call("verify", { token }),
        refresh: await h.call("refresh", { token }),
        decode: await h.call("decode", { token }, {}),
      };
    },
    expect: {
      length: true,
      verify: refused("malformed"),
      refresh: refreshRefused("malformed"),
      decode: { values: { error_code: "malformed" }, leaks: [] },
    },
  },
  {
    name: "a header nested 5,000 levels deep is malformed in verify and decode",
    async run(h) {
      const deep = `${"{".repeat(1)}"x":${"[".repeat(5_000)}${"]".repeat(5_000)}}`;
      const token = signedText(`{"alg":"HS256","n":${deep}}`, JSON.stringify(fresh()));
      return { verify: await h.call("verify", { token }), decode: await h.call("decode", { token }, {}) };
    },
    expect: { verify: refused("malformed"), decode: { values: { error_code: "malformed" }, leaks: [] } },
  },
  {
    name: "claims nested 100 levels deep are accepted, 101 refused; brackets inside strings do not count",
    async run(h) {
      const nested = (levels: number) =>
        `{"sub":"u","exp":${t0 + 600},"a":${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}}`;
      return {
        at100: await h.call("verify", { token: signedText('{"alg":"HS256"}', nested(100)) }),
        at101: await h.call("verify", { token: signedText('{"alg":"HS256"}', nested(101)) }),
        inString: await h.call("verify", {
          token: signedText('{"alg":"HS256"}', `{"sub":"u","exp":${t0 + 600},"s":"\\"${"[".repeat(500)}"}`),
        }),
      };
    },
    expect: { at100: accepted(), at101: refused("malformed"), inString: accepted() },
  },
];

// ---------------------------------------------------------------------------------------------------
// Refresh rules: never outlive the login, bounded grace, refuse revoked or tampered tokens

const DAY = 86_400;

/** The seconds from the refresh call's `now` to the new token's exp, and its auth_time. */
async function refreshedClaims(h: Harness, token: string, inputs: Record<string, unknown> = {}) {
  const refreshed = await h.call("refresh", { token, ...inputs });
  const newToken = refreshed.values?.token;
  const decoded = newToken ? await h.call("decode", { token: newToken }, {}) : undefined;
  const claims = decoded ? JSON.parse(decoded.values?.claims_json as string) : {};
  return { refreshed, newToken: newToken as string | undefined, claims };
}

const refreshCases: ContractCase[] = [
  {
    name: "refresh: grace_period 604,800 (7 days) refreshes a token expired 6 days ago",
    run: (h) =>
      h.call("refresh", {
        token: hs(fresh({ iat: t0 - 6 * DAY - 600, exp: t0 - 6 * DAY, auth_time: t0 - 6 * DAY - 600 })),
        grace_period: 604_800,
      }),
    expect: { values: { ok: true, previous_jti: "jti-1" }, leaks: [] },
  },
  {
    name: "refresh: grace_period 604,800 does not refresh a token expired 8 days ago",
    run: (h) =>
      h.call("refresh", {
        token: hs(fresh({ iat: t0 - 8 * DAY - 600, exp: t0 - 8 * DAY, auth_time: t0 - 8 * DAY - 600 })),
        grace_period: 604_800,
      }),
    expect: refreshRefused("expired"),
  },
  {
    name: "refresh: a negative grace_period is a configuration error",
    run: (h) => h.call("refresh", { token: hs(fresh()), grace_period: -1 }),
    expect: throws("field_out_of_range", "grace_period field"),
  },
  {
    name: "refresh: an expired token without grace_period is expired",
    run: (h) => h.call("refresh", { token: hs(fresh({ iat: t0 - 700, exp: t0 - 100 })) }),
    expect: refreshRefused("expired"),
  },
  {
    name: "refresh: 10 s before max_session the new token lives 10 s at most",
    async run(h) {
      // Its own clock reading, not the module's t0: the scenario may reach this case many seconds later.
      const authTime = now() - 3590;
      const { refreshed, claims } = await refreshedClaims(h, hs(fresh({ auth_time: authTime })), {
        max_session: 3600,
        expires_in: 3600,
      });
      return {
        refreshed,
        expPastSessionEnd: claims.exp - (authTime + 3600),
        authTime: claims.auth_time - authTime,
      };
    },
    expect: { refreshed: { values: { ok: true } }, expPastSessionEnd: 0, authTime: 0 },
  },
  {
    name: "refresh: a login 10 s past max_session is session_expired",
    run: (h) => h.call("refresh", { token: hs(fresh({ auth_time: t0 - 3610 })), max_session: 3600 }),
    expect: refreshRefused("session_expired"),
  },
  {
    name: "refresh: without auth_time the login age is the iat's",
    run: (h) => h.call("refresh", { token: hs(fresh({ iat: t0 - 7200, exp: t0 + 600 })), max_session: 3600 }),
    expect: refreshRefused("session_expired"),
  },
  {
    name: "refresh: auth_time as text is malformed",
    run: (h) => h.call("refresh", { token: hs(fresh({ auth_time: String(t0) })) }),
    expect: refreshRefused("malformed"),
  },
  {
    name: "refresh: auth_time in the future (a login that never ends) is not_yet_valid",
    run: (h) =>
      h.call("refresh", { token: hs(fresh({ auth_time: t0 + 10 * 365 * DAY })), max_session: 3600 }),
    expect: refreshRefused("not_yet_valid"),
  },
  {
    name: "refresh: refreshing a refreshed token never extends the login",
    async run(h) {
      const first = await refreshedClaims(h, hs(fresh({ auth_time: t0 - 3000 })), { max_session: 3600 });
      const second = await refreshedClaims(h, first.newToken as string, { max_session: 3600 });
      return {
        first: first.refreshed,
        second: second.refreshed,
        capped: first.claims.exp <= t0 + 600 && second.claims.exp <= t0 + 600,
        authTimeKept: second.claims.auth_time === t0 - 3000,
      };
    },
    expect: {
      first: { values: { ok: true } },
      second: { values: { ok: true } },
      capped: true,
      authTimeKept: true,
    },
  },
  {
    name: "refresh: claims extended after signing are invalid_signature",
    run: (h) => {
      const [header, , sig] = parts(hs(fresh({ auth_time: t0 })));
      return h.call("refresh", { token: `${header}.${encodePart(fresh({ auth_time: t0 + DAY }))}.${sig}` });
    },
    expect: refreshRefused("invalid_signature"),
  },
  {
    name: "refresh: a token signed with another secret is invalid_signature",
    run: (h) => h.call("refresh", { token: hs(fresh(), {}, OTHER_SECRET) }),
    expect: refreshRefused("invalid_signature"),
  },
  {
    name: "refresh: the old token is refused once its jti is revoked",
    async run(h) {
      const token = hs(fresh({ auth_time: t0 }));
      const refreshed = await h.call("refresh", { token });
      const again = await h.call("refresh", { token, revoked_ids: [refreshed.values?.previous_jti] });
      return { refreshed, again };
    },
    expect: { refreshed: { values: { ok: true, previous_jti: "jti-1" } }, again: refreshRefused("revoked") },
  },
  {
    name: "refresh: a claim named __proto__ is carried over as a claim",
    async run(h) {
      const token = signedText(
        '{"alg":"HS256"}',
        `{"sub":"u","iat":${t0},"exp":${t0 + 600},"__proto__":{"role":"admin"}}`,
      );
      const { refreshed, claims } = await refreshedClaims(h, token);
      return {
        refreshed,
        carried: Object.getOwnPropertyDescriptor(claims, "__proto__")?.value?.role === "admin",
      };
    },
    expect: { refreshed: { values: { ok: true } }, carried: true },
  },
];

// ---------------------------------------------------------------------------------------------------
// Weak secrets and configuration errors: refused, with how to fix, never quoting the value

const configCases: ContractCase[] = [
  ...(
    [
      ["one character repeated", "x".repeat(64), "weak_key"],
      ["a short run repeated", "Ab3$xY9!".repeat(8), "weak_key"],
      ["five characters mixed", `${"abcde".repeat(5)}${"edcba".repeat(5)}aabbccddee`, "weak_key"],
      ["a placeholder phrase", `${testSecret("pad", 40)}changeme`, "weak_key"],
      ["too short", testSecret("short", 31), "weak_key"],
      [
        "an oct JWK too short",
        JSON.stringify({ kty: "oct", k: b64url(testSecret("jwk-short", 24)) }),
        "weak_key",
      ],
      [
        "an oct JWK for another algorithm",
        JSON.stringify({ kty: "oct", alg: "HS512", k: b64url(testSecret("jwk-alg", 64)) }),
        "wrong_key_kind",
      ],
      [
        "an RSA private JWK",
        JSON.stringify({ kty: "RSA", n: "x", e: "AQAB", d: testSecret("rsa-d", 40) }),
        "wrong_key_kind",
      ],
      ["JSON that is not a JWK", `{"secret": "${testSecret("json", 40)}"`, "unreadable_key"],
    ] as const
  ).map(
    ([what, secret, code]): ContractCase => ({
      name: `JWT Secret ${what} is a configuration error that says how to fix it`,
      async run(h) {
        return {
          generate: await h.call("generate", { subject: "u" }, { "JWT Secret": secret }),
          verify: await h.call("verify", { token: hs() }, { "JWT Secret": secret }),
        };
      },
      expect: {
        generate: throws(code, "JWT Secret plugin key"),
        verify: throws(code, "JWT Secret plugin key"),
      },
    }),
  ),
  {
    name: "a weak Previous JWT Secret stops refresh too, naming that key",
    run: (h) =>
      h.call("refresh", { token: hs() }, { "JWT Secret": SECRET, "Previous JWT Secret": "y".repeat(64) }),
    expect: throws("weak_key", "Previous JWT Secret plugin key"),
  },
];

// Every encoding of a secret takes the same checks: key material (which a published JWKS lets anyone
// rebuild), length, variety, placeholders, whether typed as text, base64 or an oct JWK.
const keyForms: [string, () => string][] = [
  ["an RSA SPKI body without BEGIN/END lines", () => rsa().publicDer],
  ["an RSA SPKI body in 64-character lines", () => (rsa().publicDer.match(/.{1,64}/g) ?? []).join("\n")],
  ["an EC public key body", () => ecBodies().publicBody],
  ["an EC private key body", () => ecBodies().privateBody],
  ["an oct JWK whose k is the public PEM", () => octJwk(new TextEncoder().encode(rsa().publicPem))],
  ["a public JWK in quotes", () => JSON.stringify(JSON.stringify(rsa().publicJwk))],
  ["a public JWK", () => JSON.stringify(rsa().publicJwk)],
  // The usual .env and Kubernetes form of a key file, and a hex dump, each rebuilt from the published JWK.
  [
    "base64 of the PEM file rebuilt from the published JWK, in 76-character lines",
    () =>
      (
        Buffer.from(publishedKey().export({ type: "spki", format: "pem" }))
          .toString("base64")
          .match(/.{1,76}/g) ?? []
      ).join("\n"),
  ],
  [
    "hex of the DER rebuilt from the published JWK",
    () => publishedKey().export({ type: "spki", format: "der" }).toString("hex"),
  ],
];

/** The victim's public key as anyone rebuilds it from the JWK its JWKS publishes. */
function publishedKey(): KeyObject {
  return createPublicKey({ key: rsa().publicJwk, format: "jwk" });
}
const weakOctJwks: [string, () => string, ConfigErrorCode][] = [
  ["32 zero bytes", () => octJwk(new Uint8Array(32)), "weak_key"],
  ["32 × a", () => octJwk(new TextEncoder().encode("a".repeat(32))), "weak_key"],
  [
    "a placeholder phrase",
    () => octJwk(new TextEncoder().encode(`${testSecret("pad", 40)}changeme`)),
    "weak_key",
  ],
];

function octJwk(bytes: Uint8Array): string {
  return JSON.stringify({ kty: "oct", k: b64url(bytes) });
}

let ecKeys: { publicBody: string; privateBody: string } | undefined;
function ecBodies(): { publicBody: string; privateBody: string } {
  if (!ecKeys) {
    const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    ecKeys = {
      publicBody: pair.publicKey.export({ type: "spki", format: "der" }).toString("base64"),
      privateBody: pair.privateKey.export({ type: "sec1", format: "der" }).toString("base64"),
    };
  }
  return ecKeys;
}

const secretEncodingCases: ContractCase[] = [
  ...keyForms.map(([what, secret]): [string, () => string, ConfigErrorCode] => [
    what,
    secret,
    "wrong_key_kind",
  ]),
  ...weakOctJwks.map(([what, secret, code]): [string, () => string, ConfigErrorCode] => [
    `an oct JWK of ${what}`,
    secret,
    code,
  ]),
].map(
  ([what, secret, code]): ContractCase => ({
    name: `${what} as JWT Secret or Previous JWT Secret is a configuration error naming the key`,
    async run(h) {
      return {
        generate: await h.call("generate", { subject: "u" }, { "JWT Secret": secret() }),
        verify: await h.call("verify", { token: hs() }, { "JWT Secret": secret() }),
        previous: await h.call("verify", { token: hs() }, { ...BASE_KEYS, "Previous JWT Secret": secret() }),
      };
    },
    expect: {
      generate: throws(code, "JWT Secret plugin key"),
      verify: throws(code, "JWT Secret plugin key"),
      previous: throws(code, "Previous JWT Secret plugin key"),
    },
  }),
);

// ECDSA malleability: (r, n − s) verifies like (r, s). The plugin writes the low form only; Verify and
// Refresh accept both, as every major library does (other signers write either), with the same claims.
const ecKeyPems: Partial<Record<string, string>> = {};
function ecPrivatePem(alg: "ES256" | "ES384" | "ES512"): string {
  const curve = { ES256: "P-256", ES384: "P-384", ES512: "P-521" }[alg];
  ecKeyPems[alg] ??= generateKeyPairSync("ec", { namedCurve: curve })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
  return ecKeyPems[alg] as string;
}

const lowSCases: ContractCase[] = (["ES256", "ES384", "ES512"] as const).map(
  (alg): ContractCase => ({
    name: `${alg}: Generate writes low-S signatures; the high-S twin of a token verifies in Verify and Refresh`,
    async run(h) {
      const keys = { "Private Key": ecPrivatePem(alg) };
      let highCount = 0;
      let token = "";
      for (let i = 0; i < 16; i++) {
        const generated = await h.call("generate", { subject: `u${i}`, algorithm: alg }, keys);
        token = generated.values?.token as string;
        if (isHighS(token, alg)) highCount++;
      }
      const twin = flipS(token, alg);
      const original = await h.call("verify", { token, algorithm: alg }, keys);
      const high = await h.call("verify", { token: twin, algorithm: alg }, keys);
      const refreshed = await h.call("refresh", { token: twin, algorithm: alg }, keys);
      return {
        highCount,
        twinIsHigh: isHighS(twin, alg),
        original,
        twin: high,
        sameClaims: high.values?.claims_json === original.values?.claims_json,
        refreshTwin: refreshed,
        refreshedFromSameToken: refreshed.values?.previous_jti === original.values?.jti,
      };
    },
    expect: {
      highCount: 0,
      twinIsHigh: true,
      original: accepted(),
      twin: accepted(),
      sameClaims: true,
      refreshTwin: { values: { ok: true }, leaks: [] },
      refreshedFromSameToken: true,
    },
  }),
);

// Small edges: a jti that is not text, a revoked_ids entry that is not text, numbers written as code.
const edgeCases: ContractCase[] = [
  ...([123, ["jti-1"], { id: "jti-1" }, true] as const).map(
    (jti): ContractCase => ({
      name: `a jti that is not text (${JSON.stringify(jti)}) is malformed in Verify and Refresh, never compared with revoked_ids`,
      async run(h) {
        const token = hs(fresh({ jti }));
        return {
          verify: await h.call("verify", { token, revoked_ids: [String(jti), JSON.stringify(jti)] }),
          refresh: await h.call("refresh", { token }),
        };
      },
      expect: { verify: refused("malformed"), refresh: refreshRefused("malformed") },
    }),
  ),
  {
    name: "a revoked_ids entry that is not text (a null-prototype object) is a configuration error naming the field",
    async run(h) {
      const entry = Object.create(null) as object;
      return {
        verify: await h.call("verify", { token: hs(), revoked_ids: ["other", entry] }),
        refresh: await h.call("refresh", { token: hs(), revoked_ids: [{ id: "jti-1" }] }),
      };
    },
    expect: {
      verify: throws("invalid_field", "revoked_ids field"),
      refresh: throws("invalid_field", "revoked_ids field"),
    },
  },
  ...(["0x10", "1e3", "0b11", "0o7", "16.0", "Infinity", " 600 x"] as const).map(
    (text): ContractCase => ({
      name: `expires_in "${text}" is a configuration error: number fields are whole decimal numbers`,
      async run(h) {
        return {
          generate: await h.call("generate", { subject: "u", expires_in: text }),
          refresh: await h.call("refresh", { token: hs(), expires_in: text }),
          verifyMaxAge: await h.call("verify", { token: hs(), max_age: text }),
        };
      },
      expect: {
        generate: throws("field_out_of_range", "expires_in field"),
        refresh: throws("field_out_of_range", "expires_in field"),
        verifyMaxAge: throws("field_out_of_range", "max_age field"),
      },
    }),
  ),
  {
    name: 'expires_in as whole decimal text (" 600 ") is read as 600',
    run: (h) => h.call("generate", { subject: "u", expires_in: " 600 " }),
    expect: { values: { expires_in: 600 }, leaks: [] },
  },
];

// Cross-token confusion (RFC 8725 §3.12): a refresh token never passes as an access token or an ID
// token, not even through Verify external pointed at the app's own issuer and its published JWKS, with
// any provider preset; its paired access token never refreshes.
const PROVIDERS = ["Custom", "Firebase", "Supabase", "Auth0", "Clerk", "Google", "Apple"] as const;

const crossTokenCases: ContractCase[] = [
  {
    name: "a refresh token is wrong_token_type in Verify external with every provider, pointed at the app's own issuer and JWKS; its access token is valid there",
    async run(h) {
      const keys = { ...rsPrivateKeys(), Issuer: ISSUER, Audience: AUDIENCE };
      const pair = await h.call(
        "generate",
        { subject: "user-1", algorithm: "RS256", issue_refresh_token: true },
        keys,
      );
      const published = await h.call("jwks", { algorithm: "RS256" }, keys);
      const jwks = JSON.parse(String(published.values?.jwks_json));
      const { result } = await withCountingServer(jwks, async (url) => {
        const external = (token: unknown, provider: string) =>
          h.call(
            "external",
            { token, provider, jwks_url: url, issuer: ISSUER, audience: AUDIENCE, algorithms: "RS256" },
            {},
          );
        const out: Record<string, unknown> = {};
        for (const provider of PROVIDERS) {
          out[`refresh via ${provider}`] = await external(pair.values?.refresh_token, provider);
        }
        out["access via Custom"] = await external(pair.values?.token, "Custom");
        out["refresh via Verify"] = await h.call(
          "verify",
          { token: pair.values?.refresh_token, algorithm: "RS256" },
          keys,
        );
        out["access via Refresh"] = await h.call(
          "refresh",
          { token: pair.values?.token, algorithm: "RS256" },
          keys,
        );
        return out;
      });
      return result;
    },
    expect: {
      ...Object.fromEntries(
        PROVIDERS.map((provider) => [`refresh via ${provider}`, refused("wrong_token_type")]),
      ),
      "access via Custom": accepted({ subject: "user-1" }),
      "refresh via Verify": refused("wrong_token_type"),
      "access via Refresh": refreshRefused("wrong_token_type"),
    },
  },
  ...(["refresh+jwt", "Refresh+JWT", "application/refresh+jwt", " REFRESH+jwt "] as const).map(
    (typ): ContractCase => ({
      name: `a provider's own token typed ${JSON.stringify(typ)} is wrong_token_type in Verify external`,
      async run(h) {
        const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
        const jwk = { ...pair.publicKey.export({ format: "jwk" }), kid: "p-1", alg: "RS256", use: "sig" };
        const claims = { ...fresh(), iss: ISSUER, aud: AUDIENCE };
        const token = signJws({ alg: "RS256", typ, kid: "p-1" }, claims, "RS256", pair.privateKey);
        const { result } = await withCountingServer({ keys: [jwk] }, (url) =>
          h.call(
            "external",
            { token, provider: "Custom", jwks_url: url, issuer: ISSUER, audience: AUDIENCE },
            {},
          ),
        );
        return result;
      },
      expect: refused("wrong_token_type"),
    }),
  ),
];

/** The adversarial corpus, run by the contract scenario with every other group. */
export const adversarialCases: ContractCase[] = [
  ...algorithmCases,
  ...headerKeyCases,
  ...kidCases,
  ...critCases,
  ...tamperCases,
  ...shapeCases,
  ...claimCases,
  ...sizeCases,
  ...refreshCases,
  ...configCases,
  ...secretEncodingCases,
  ...lowSCases,
  ...edgeCases,
  ...crossTokenCases,
];
