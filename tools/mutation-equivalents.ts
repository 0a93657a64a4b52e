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

const CACHE_BOOKKEEPING =
  "cache bookkeeping between the keyring's two tiers: taken wrongly, it costs at most a cache miss (the key is read again) or a hash, never another key";
const CACHE_LABEL =
  "a label among a cache entry's parts; the parts of the three kinds differ anyway (in number, and in the slot or algorithm they carry)";
const OLD_KEY_BOUND_ONLY =
  "reached only when exp <= iat, and as expiresIn is at least 1 that means exp is limit, at most iat and so below sessionEnd (now is before it): limit < sessionEnd always holds there";
const NODE_18_ONLY =
  "only Node 18 prints the Ed25519 warning; Stryker runs on Node 22, where the wrapper changes nothing, and test/warnings.test.ts pins it on Node 18";

const SECRET = "src/jwt/keys/secret.ts";
const UNDER_A_BRACE =
  "defensive: the text starts with { here, and JSON that starts with { is an object or does not parse, so no input reaches it";
const PARSER_WRITES_V6 =
  "the URL parser writes every IPv6 hostname with at most one ::, standing for two or more zero groups, and groups of 1 to 4 hex digits, so v6Groups reads each one it is given and these guards never fail";
const PAIRED_BRACKETS =
  "a hostname from the URL parser is bracketed at both ends (IPv6) or at neither, so one bracket decides as both";
const SIX_ZERO_GROUPS =
  "every address this matches (::, ::1, ::x) has six leading zero groups, and the IPv4-compatible rule below refuses it all the same";
const ADDRESS_HOSTNAME_ONLY =
  "addressHostname gives undefined, a dotted IPv4 or a bracketed IPv6 address, never localhost, and isLoopbackHost(undefined) is false (the regex reads the text undefined)";

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
  {
    file: "src/jwt/claims.ts",
    original: 'typeof value !== "number"',
    replacement: "false",
    why: "Number.isFinite converts nothing, so a value that is not a number fails the very next test",
  },
  {
    file: "src/jwt/ecdsa-low-s.ts",
    original: "i < a.length",
    replacement: "i <= a.length",
    why: "one step past both ends reads undefined twice, which compare equal, so the loop ends as before",
  },
  {
    file: "src/jwt/ecdsa-low-s.ts",
    original: "(a[i] as number) > (b[i] as number)",
    replacement: "a[i] as number >= (b[i] as number)",
    why: "reached only where the two bytes differ, so greater-or-equal is greater",
  },
  {
    file: "src/jwt/ecdsa-low-s.ts",
    original: "bytes.length === 0",
    replacement: "false",
    why: "toLowS reads the s half of a signature jose just made, never empty",
  },
  {
    file: "src/jwt/ecdsa-low-s.ts",
    original: "alg.slice(2)",
    replacement: "alg",
    why: "a width of NaN pads nothing, and floor(n/2) of P-256 and P-384 has no leading zero byte to pad: the same bytes",
  },
  { file: "src/jwt/keys/keyring.ts", original: "index === 0", replacement: "false", why: CACHE_BOOKKEEPING },
  {
    file: "src/jwt/keys/keyring.ts",
    original: "index >= 0",
    replacement: "index > 0",
    why: CACHE_BOOKKEEPING,
  },
  { file: "src/jwt/keys/keyring.ts", original: "index >= 0", replacement: "true", why: CACHE_BOOKKEEPING },
  {
    file: "src/jwt/keys/keyring.ts",
    original: "older.size > 0",
    replacement: "true",
    why: CACHE_BOOKKEEPING,
  },
  {
    file: "src/jwt/keys/keyring.ts",
    original: "older.size > 0",
    replacement: "older.size >= 0",
    why: CACHE_BOOKKEEPING,
  },
  { file: "src/jwt/keys/keyring.ts", original: "entry", replacement: "true", why: CACHE_BOOKKEEPING },
  { file: "src/jwt/keys/keyring.ts", original: "entry", replacement: "false", why: CACHE_BOOKKEEPING },
  {
    file: "src/jwt/keys/keyring.ts",
    original: "older.delete(hash);",
    replacement: ";",
    why: CACHE_BOOKKEEPING,
  },
  ...[
    ["entry.hash !== undefined && older.get(entry.hash) === entry", "true"],
    ["entry.hash !== undefined && older.get(entry.hash) === entry", "false"],
    [
      "entry.hash !== undefined && older.get(entry.hash) === entry",
      "entry.hash !== undefined || older.get(entry.hash) === entry",
    ],
    ["entry.hash !== undefined", "true"],
    ["entry.hash !== undefined", "entry.hash === undefined"],
    ["older.get(entry.hash) === entry", "true"],
    ["older.get(entry.hash) === entry", "older.get(entry.hash) !== entry"],
    ["older.delete(entry.hash);", ";"],
  ].map(([original, replacement]) => ({
    file: "src/jwt/keys/keyring.ts",
    original: original as string,
    replacement: replacement as string,
    why: CACHE_BOOKKEEPING,
  })),
  { file: "src/jwt/keys/keyring.ts", original: '"hmac"', replacement: '""', why: CACHE_LABEL },
  { file: "src/jwt/keys/keyring.ts", original: '"private"', replacement: '""', why: CACHE_LABEL },
  { file: "src/jwt/keys/keyring.ts", original: '"public"', replacement: '""', why: CACHE_LABEL },
  {
    file: "src/jwt/keys/cache.ts",
    original: '""',
    replacement: '"Stryker was here!"',
    why: "a constant prefix before every framed material changes every digest alike: still one key per material",
  },
  {
    file: "src/jwt/keys/public-jwk.ts",
    original: '""',
    replacement: '"Stryker was here!"',
    why: "only keys of type RSA, EC and OKP reach publicMembers (the keyring reads no other), so the fallback is never taken",
  },
  {
    file: "src/jwt/keys/public-jwk.ts",
    original: "[]",
    replacement: '["Stryker was here"]',
    why: "only keys of type RSA, EC and OKP reach publicMembers (the keyring reads no other), so the fallback is never taken",
  },
  {
    file: "src/jwt/keys/webcrypto-import.ts",
    original: 'alg === "EdDSA"',
    replacement: "true",
    why: NODE_18_ONLY,
  },
  {
    file: "src/jwt/keys/webcrypto-import.ts",
    original: 'alg === "EdDSA"',
    replacement: "false",
    why: NODE_18_ONLY,
  },
  {
    file: "src/jwt/keys/webcrypto-import.ts",
    original: 'alg === "EdDSA"',
    replacement: 'alg !== "EdDSA"',
    why: NODE_18_ONLY,
  },
  { file: "src/jwt/keys/webcrypto-import.ts", original: '"EdDSA"', replacement: '""', why: NODE_18_ONLY },
  {
    file: "src/jwt/keys/webcrypto-import.ts",
    original: '"The Ed25519 Web Crypto API algorithm is an experimental feature"',
    replacement: '""',
    why: NODE_18_ONLY,
  },
  {
    file: "src/jwt/keys/asymmetric.ts",
    original: "fitting.length === 0",
    replacement: "true",
    why: "one fitting key returned on the line before, so here a single candidate means none fits",
  },
  {
    file: "src/jwt/keys/asymmetric.ts",
    original: "fitting.length > 1",
    replacement: "fitting.length >= 1",
    why: "one fitting key returned two lines before, so here the count is 0 or more than 1",
  },
  {
    file: "src/jwt/keys/asymmetric.ts",
    original: '"public"',
    replacement: '""',
    why: 'the half is only ever compared with "private", so any other text reads a public key alike',
  },
  {
    file: "src/jwt/keys/asymmetric.ts",
    original: '""',
    replacement: '"Stryker was here!"',
    why: "the fallback name of a curve node does not name; no curve is called that either, so the lookup misses alike",
  },
  {
    file: "src/jwt/keys/asymmetric.ts",
    original: 'type === "ec"',
    replacement: "true",
    why: "a key that is not EC has no named curve, so the lookup finds no curve alike",
  },
  // The source text of a template literal, placeholder included.
  ...[
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text, not a template
    "{ throw unreadableKey(keyName, `is an RSA-PSS key that could not be read; ${needs}.`, error); }",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text, not a template
    "`is an RSA-PSS key that could not be read; ${needs}.`",
  ].map((original) => ({
    file: "src/jwt/keys/asymmetric.ts",
    original,
    replacement: original.startsWith("{") ? "{}" : "``",
    why: "defensive: node exports every RSA-PSS key it has read in the DER structure plainRsaFromPss reads, so no input reaches it",
  })),
  {
    file: "src/jwt/values.ts",
    original: "i < text.length",
    replacement: "i <= text.length",
    why: "one step past the end reads NaN, which is no bracket or quote, so the count is unchanged",
  },
  {
    file: "src/jwt/ecdsa-low-s.ts",
    original: "{ return; // Not this check's to report: jose refuses it as the signature it cannot read. }",
    replacement: "{}",
    why: "unreachable: the token's parts were checked to be canonical base64url before, which always decodes",
  },
  {
    file: "src/jwt/keys/jwk-fit.ts",
    original: "exponent !== undefined",
    replacement: "true",
    why: "undefined >= 3n is false, so without the guard an absent exponent is refused just the same",
  },
  {
    file: "src/jwt/refresh.ts",
    original: 'typeof old.jti === "string"',
    replacement: "true",
    why: "verifyToken refuses a jti that is not text, so here it is text or absent, and absent reads undefined either way",
  },
  {
    file: "src/jwt/session-decision.ts",
    original: "row.rotatedAt !== undefined",
    replacement: "true",
    why: UNDEFINED_COMPARES_FALSE,
  },
  {
    file: "src/jwt/session-decision.ts",
    original: "endedAt !== undefined",
    replacement: "true",
    why: UNDEFINED_COMPARES_FALSE,
  },
  {
    file: "src/jwt/session.ts",
    original: "kind !== undefined",
    replacement: "true",
    why: "a list of accepted kinds never includes undefined, so a token of no kind is refused just the same; the guard types the call",
  },
  ...["true", "limit <= sessionEnd"].map((replacement) => ({
    file: "src/jwt/refresh.ts",
    original: "limit < sessionEnd",
    replacement,
    why: OLD_KEY_BOUND_ONLY,
  })),
  // src/jwt/keys/secret.ts, the JWT Secret checks.
  {
    file: SECRET,
    original: 'text.includes("-----BEGIN")',
    replacement: "false",
    why: "a fast path: unwrapping only trims, drops quotes or decodes a JSON string, which keeps a literal -----BEGIN, so the next line finds it",
  },
  {
    file: SECRET,
    original: '"{"',
    replacement: '""',
    why: "JSON that does not start with { is no object, and isAsymmetricJson finds no key in anything but an object",
  },
  {
    file: SECRET,
    original: String.raw`/\\r\\n|\\n|\\r|\s+/g`,
    replacement: String.raw`/\\r\\n|\\n|\\r|\s/g`,
    why: "a global replace by nothing removes a run of spaces one at a time just the same",
  },
  ...["true", "body.length > 16"].map((replacement) => ({
    file: SECRET,
    original: "body.length >= 16",
    replacement,
    why: "no DER key or certificate fits in 12 bytes (the smallest, an X25519 SPKI, has 44), so a shorter body never reads as one",
  })),
  {
    file: SECRET,
    original: "[]",
    replacement: '["Stryker was here"]',
    why: "the extra entry decodes to the one character t, which is no key material in any form",
  },
  {
    file: SECRET,
    original: "{ return false; }",
    replacement: "{}",
    why: "the undefined that falls through is falsy where it is used: no JSON is no object, and some() counts it as a failed read",
  },
  ...[
    ['typeof json !== "object" || json === null', "false"],
    ['typeof json !== "object" || json === null', 'typeof json !== "object" && json === null'],
    ['typeof json !== "object"', "false"],
    ["json === null", "false"],
  ].map(([original, replacement]) => ({
    file: SECRET,
    original: original as string,
    replacement: replacement as string,
    why: UNDER_A_BRACE,
  })),
  {
    file: SECRET,
    original: 'typeof jwk !== "object"',
    replacement: "false",
    why: "JSON gives no undefined, and a text, number or boolean has no kty, so it is not oct and counts as asymmetric just the same",
  },
  {
    file: SECRET,
    original: "bytes[0] !== 0x30",
    replacement: "false",
    why: "a shortcut: every reader below refuses bytes that are not an ASN.1 SEQUENCE anyway",
  },
  ...["pkcs8", "pkcs1", "sec1"].map((type) => ({
    file: SECRET,
    original: `"${type}"`,
    replacement: '""',
    why: "on Node 22 (Stryker's) the createPublicKey pkcs1 reader reads any private key DER, so each private reader is redundant there; on Node 18 and 20 it reads only RSA PKCS#1, and test/jwt/secret.test.ts (vitest, Node 20) kills the pkcs8 and sec1 ones with an Ed25519 PKCS#8 and an EC SEC1 key",
  })),
  ...[
    ["!/^[\"'`]/.test(text)", "false"],
    ["/^[\"'`]/", "/[\"'`]/"],
  ].map(([original, replacement]) => ({
    file: SECRET,
    original: original as string,
    replacement: replacement as string,
    why: "unwrapping strips only a leading quote, and a text not quoted that starts with { went the JWK way, so a text not starting with a quote never unwraps to {",
  })),
  ...[
    ["!isJsonObject(jwk)", "false"],
    ['{ throw unreadableKey(keyName, "is JSON but not a JWK; paste plain text or an oct JWK."); }', "{}"],
    ['"is JSON but not a JWK; paste plain text or an oct JWK."', '""'],
  ].map(([original, replacement]) => ({
    file: SECRET,
    original: original as string,
    replacement: replacement as string,
    why: UNDER_A_BRACE,
  })),
  {
    file: SECRET,
    original: '"no k"',
    replacement: '""',
    why: "the message of an error caught on the next lines and replaced by the one the builder reads",
  },
  ...[
    ["!groups", "false"],
    ["halves.length > 2", "false"],
    ["halves.length === 1 ? missing !== 0 : missing < 1", "false"],
    ["missing !== 0", "false"],
    ["missing < 1", "false"],
    ["missing < 1", "missing <= 1"],
    [
      "groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff)",
      "groups.some(group => Number.isInteger(group) && group >= 0 && group <= 0xffff)",
    ],
    ["Number.isInteger(group) && group >= 0 && group <= 0xffff", "true"],
    [
      "Number.isInteger(group) && group >= 0 && group <= 0xffff",
      "Number.isInteger(group) && group >= 0 || group <= 0xffff",
    ],
    ["Number.isInteger(group) && group >= 0", "true"],
    ["Number.isInteger(group) && group >= 0", "Number.isInteger(group) || group >= 0"],
    ["group >= 0", "true"],
    ["group <= 0xffff", "true"],
  ].map(([original, replacement]) => ({
    file: "src/jwt/external/url.ts",
    original: original as string,
    replacement: replacement as string,
    why: PARSER_WRITES_V6,
  })),
  {
    file: "src/jwt/external/url.ts",
    original: "halves.length === 1",
    replacement: "false",
    why: "without :: the address has eight groups, so missing is 0 and the fill is empty either way",
  },
  ...[
    [
      '!hostname.startsWith("[") || !hostname.endsWith("]")',
      '!hostname.startsWith("[") && !hostname.endsWith("]")',
    ],
    ['"["', '""'],
    ['"]"', '""'],
  ].map(([original, replacement]) => ({
    file: "src/jwt/external/url.ts",
    original: original as string,
    replacement: replacement as string,
    why: PAIRED_BRACKETS,
  })),
  ...[
    ["zeros(8)", "false"],
    ["zeros(7) && g7 === 1", "false"],
    ["g7 === 1", "g7 !== 1"],
    ["g7 === 1", "true"],
  ].map(([original, replacement]) => ({
    file: "src/jwt/external/url.ts",
    original: original as string,
    replacement: replacement as string,
    why: SIX_ZERO_GROUPS,
  })),
  ...[
    ['hostname !== undefined && hostname !== "localhost"', "true"],
    [
      'hostname !== undefined && hostname !== "localhost"',
      'hostname !== undefined || hostname !== "localhost"',
    ],
    ["hostname !== undefined", "true"],
    ['hostname !== "localhost"', "true"],
    ['"localhost"', '""'],
  ].map(([original, replacement]) => ({
    file: "src/jwt/external/url.ts",
    original: original as string,
    replacement: replacement as string,
    why: ADDRESS_HOSTNAME_ONLY,
  })),
  {
    file: "src/jwt/external/url.ts",
    original: "bits === 0",
    replacement: "false",
    why: "no range in the block list has a 0-bit prefix",
  },
  {
    file: "src/jwt/external/url.ts",
    original: String.raw`/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/`,
    replacement: String.raw`/(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/`,
    why: "the URL parser reads a hostname whose last label is a number as one IPv4 address or refuses it, so one ending in four dotted numbers is exactly those four",
  },
  {
    file: "src/jwt/external/url.ts",
    original: '"0.0.0.0"',
    replacement: '""',
    why: "v4Number reads the empty text as 0, the very base 0.0.0.0",
  },
  ...[
    ['"GET"', '""', "node's http sends GET when the method is empty"],
    [
      '""',
      '"Stryker was here!"',
      "an address passed with a lookup error is ignored, and with no Cache-Control header neither text holds max-age",
    ],
    ["status >= 300", "status > 300", "status 300 is already taken as a redirect on the line above"],
    ["status < 200", "false", "node hands 1xx answers to the information event, never as the response"],
    ["age > 0", "age >= 0", "an Age of 0 subtracts nothing either way"],
    [
      "handle.unref?.()",
      "handle.unref()",
      "node's timers always have unref; the ?. is for timers of other runtimes",
    ],
    [
      "settled",
      "false",
      "a second settle rejects or resolves a promise already settled (ignored) and clears and destroys again (harmless)",
    ],
    [
      "true",
      "false",
      "marks the download settled or its body ended; without it a later event settles again, which changes nothing (see settled)",
    ],
    [String.raw`/^\[(.*)\]$/`, String.raw`/\[(.*)\]$/`, PAIRED_BRACKETS],
    [String.raw`/^\[(.*)\]$/`, String.raw`/^\[(.*)\]/`, PAIRED_BRACKETS],
  ].map(([original, replacement, why]) => ({
    file: "src/jwt/external/fetch.ts",
    original: original as string,
    replacement: replacement as string,
    why: why as string,
  })),
];
