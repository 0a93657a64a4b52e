/**
 * `npm run bench:layers`: where the plugin's warm per-call time goes beyond jose's, in one process on
 * Node 22 (npm runs it there): jose's jwtVerify (keys imported once), the plugin's verifyToken (src/jwt), and the
 * built Verify action through the Bubble runtime stand-in. Variants take turns; medians of per-round
 * means. Complements `npm run bench`, whose warm figures come from separate processes.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { importSPKI, jwtVerify } from "jose";
import { BubbleRuntime } from "../src/emulator/runtime.js";
import { verifyToken } from "../src/jwt/verify.js";
import { repoRoot } from "../src/paths.js";
import { median } from "./stats.js";

const ROUNDS = 12;
const CALLS_PER_ROUND = 2_000;

const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const privatePem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
const secret = randomBytes(48).toString("base64url");

const runtime = new BubbleRuntime(`${repoRoot()}/actions`);
const bindTokens = async () => {
  const es = await runtime.bind(
    "JWT - Generate token",
    { subject: "u1", algorithm: "ES256" },
    { "Private Key": privatePem },
  )();
  const hs = await runtime.bind(
    "JWT - Generate token",
    { subject: "u1", algorithm: "HS256" },
    { "JWT Secret": secret },
  )();
  return { es: (es as { token: string }).token, hs: (hs as { token: string }).token };
};

const realLog = console.log;
console.log = () => {};
const tokens = await bindTokens();
const ecKey = await importSPKI(publicPem, "ES256");
const hsKey = await crypto.subtle.importKey(
  "raw",
  new TextEncoder().encode(secret),
  { name: "HMAC", hash: "SHA-256" },
  false,
  ["verify"],
);

const variants: Record<string, () => Promise<unknown>> = {
  "HS256 jose jwtVerify": () => jwtVerify(tokens.hs, hsKey, { algorithms: ["HS256"] }),
  "HS256 verifyToken": () => verifyToken(tokens.hs, { alg: "HS256", material: { secret } }),
  "HS256 Verify action": runtime.bind("JWT - Verify token", { token: tokens.hs }, { "JWT Secret": secret }),
  "ES256 jose jwtVerify": () => jwtVerify(tokens.es, ecKey, { algorithms: ["ES256"] }),
  "ES256 verifyToken": () => verifyToken(tokens.es, { alg: "ES256", material: { publicKey: publicPem } }),
  "ES256 Verify action": runtime.bind(
    "JWT - Verify token",
    { token: tokens.es, algorithm: "ES256" },
    { "Public Key": publicPem },
  ),
};

const samples: Record<string, number[]> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, call] of Object.entries(variants)) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < CALLS_PER_ROUND; i++) await call();
    const micros = Number(process.hrtime.bigint() - start) / 1_000 / CALLS_PER_ROUND;
    if (round < 2) continue; // the first rounds warm the JIT and WebCrypto's thread pool
    const list = samples[name] ?? [];
    list.push(micros);
    samples[name] = list;
  }
}
console.log = realLog;

console.log(`Node ${process.version}: median µs per call (× jose's jwtVerify)`);
for (const alg of ["HS256", "ES256"]) {
  const floor = median(samples[`${alg} jose jwtVerify`] ?? []);
  for (const layer of ["jose jwtVerify", "verifyToken", "Verify action"]) {
    const value = median(samples[`${alg} ${layer}`] ?? []);
    console.log(
      `  ${`${alg} ${layer}`.padEnd(22)} ${value.toFixed(1).padStart(7)}  (${(value / floor).toFixed(2)}×)`,
    );
  }
}
