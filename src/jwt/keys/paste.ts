/**
 * Undoes what happens to a key on its way into a plugin key field: surrounding quotes and spaces, literal
 * `\n` escapes (copied from a JSON file or an environment variable), CRLF line ends, and a PEM whose
 * line breaks became spaces when pasted on one line.
 */
export function stripPasteWrapping(text: string): string {
  let value = text.trim();
  for (let i = 0; i < 2; i++) {
    const first = value[0];
    if (value.length >= 2 && (first === '"' || first === "'" || first === "`") && value.endsWith(first)) {
      value = value.slice(1, -1).trim();
    }
  }
  return value;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

export interface PemBlock {
  /** The label between `BEGIN` and the dashes, e.g. `PRIVATE KEY`, `RSA PRIVATE KEY`, `CERTIFICATE`. */
  readonly label: string;
  /** The block re-wrapped in the canonical form: 64-character lines, LF, final newline. */
  readonly pem: string;
  /** Whether the block carries RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`), i.e. a passphrase-protected key. */
  readonly encrypted: boolean;
}

/** Finds the first PEM block in pasted text and rebuilds it canonically, or returns undefined. */
export function findPemBlock(text: string): PemBlock | undefined {
  const unescaped = text.replace(/\\r\\n|\\n|\\r/g, "\n").replace(/\r\n?/g, "\n");
  const match = PEM_BLOCK.exec(unescaped);
  if (!match) return undefined;
  const label = match[1] as string;
  const inner = match[2] as string;
  const encrypted = /Proc-Type:|DEK-Info:/.test(inner);
  const body = inner.replace(/\s+/g, "");
  const lines = body.match(/.{1,64}/g) ?? [];
  return {
    label,
    encrypted,
    pem: `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`,
  };
}

/**
 * Parses pasted JSON (a JWK, a JWKS, a service-account file). A file whose `\n` escapes were turned into
 * real line breaks inside its strings is not valid JSON, so those breaks are escaped again first.
 */
export function parsePastedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(escapeBreaksInsideStrings(text));
  }
}

function escapeBreaksInsideStrings(text: string): string {
  let out = "";
  let inString = false;
  let escaped = false;
  for (const char of text) {
    if (inString && (char === "\n" || char === "\r")) {
      if (char === "\n") out += "\\n";
      escaped = false;
      continue;
    }
    out += char;
    if (escaped) escaped = false;
    else if (char === "\\") escaped = inString;
    else if (char === '"') inString = !inString;
  }
  return out;
}
