/**
 * Undoes what happens to a key on its way into a plugin key field: surrounding quotes and spaces, and a
 * value copied out of a JSON file or an environment variable as a JSON string (quotes and `\n` escapes,
 * possibly a whole key file encoded once more). Line breaks inside PEM blocks are dealt with by findPemBlocks.
 */
export function stripPasteWrapping(text: string): string {
  let value = text.trim();
  for (let i = 0; i < 2; i++) {
    const first = value[0];
    if (value.length < 2 || !(first === '"' || first === "'" || first === "`") || !value.endsWith(first))
      break;
    const decoded = first === '"' ? decodeJsonString(value) : undefined;
    value = (decoded ?? value.slice(1, -1)).trim();
  }
  return value;
}

/** A JSON string literal's value (a key file or PEM copied with its quotes from JSON), else undefined. */
function decodeJsonString(value: string): string | undefined {
  try {
    const decoded: unknown = JSON.parse(value);
    return typeof decoded === "string" ? decoded : undefined;
  } catch {
    return undefined;
  }
}

const PEM_BLOCKS = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export interface PemBlock {
  /** The label between `BEGIN` and the dashes, e.g. `PRIVATE KEY`, `RSA PRIVATE KEY`, `CERTIFICATE`. */
  readonly label: string;
  /** The block re-wrapped in the canonical form: 64-character lines, LF, final newline. */
  readonly pem: string;
  /** Whether the block carries RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`), i.e. a passphrase-protected key. */
  readonly encrypted: boolean;
}

/**
 * Finds every PEM block in pasted text (a key file may hold a key and its certificate, a certificate
 * file a whole chain) and rebuilds each canonically, whatever became of its line breaks: literal `\n`
 * escapes, CRLF, spaces instead of line breaks (a one-line paste), or no breaks at all.
 */
export function findPemBlocks(text: string): PemBlock[] {
  const unescaped = text.replace(/\\r\\n|\\n|\\r/g, "\n").replace(/\r\n?/g, "\n");
  return [...unescaped.matchAll(PEM_BLOCKS)].map((match) => {
    const label = match[1] as string;
    const inner = match[2] as string;
    const encrypted = /Proc-Type:|DEK-Info:/.test(inner);
    return { label, encrypted, pem: canonicalPem(label, inner.replace(/\s+/g, "")) };
  });
}

/**
 * A key body pasted without its BEGIN and END lines, as a PEM block under each label it could carry
 * (the caller tries them in turn), or none when the text is not one base64 body.
 */
export function bareBase64Blocks(text: string, labels: readonly string[]): PemBlock[] {
  const body = text.replace(/\\r\\n|\\n|\\r|\s+/g, "");
  if (body.length < 64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return [];
  return labels.map((label) => ({ label, encrypted: false, pem: canonicalPem(label, body) }));
}

function canonicalPem(label: string, body: string): string {
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/**
 * Parses pasted JSON (a JWK, a JWKS, a service-account file). Two things break a pasted file: the `\n`
 * escapes inside its strings turned into real line breaks, and its own line breaks turned into literal
 * `\n` escapes (a file flattened into an environment variable). Both are undone before a second try.
 */
export function parsePastedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(repairPastedJson(text));
  }
}

function repairPastedJson(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (inString) {
      if (char === "\n") out += "\\n";
      else if (char !== "\r") out += char;
      if (char === "\\") out += text[++i] ?? "";
      else if (char === '"') inString = false;
    } else if (char === "\\" && /^[nrt]$/.test(text[i + 1] ?? "")) {
      // A literal escape between JSON tokens was a line break or tab: white space.
      out += " ";
      i++;
    } else {
      out += char;
      if (char === '"') inString = true;
    }
  }
  return out;
}
