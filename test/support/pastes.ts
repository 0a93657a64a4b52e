/**
 * What happens to a key between the file a builder has and the plugin key field they paste it into.
 * Each form takes the file's text (LF line ends, final newline) and returns what the plugin may receive.
 */
export type PasteForm = (text: string) => string;

/** The ways a PEM (a key or a certificate) arrives. */
export const PEM_PASTES: Readonly<Record<string, PasteForm>> = {
  "as written by openssl": (text) => text,
  "literal \\n escapes (from a JSON file or .env)": (text) => text.trimEnd().replace(/\n/g, "\\n"),
  "CRLF line ends": (text) => text.replace(/\n/g, "\r\n"),
  "one line, breaks turned into spaces": (text) => text.trim().replace(/\n/g, " "),
  "one line, breaks lost": (text) => text.trim().replace(/\n/g, ""),
  "surrounding quotes and spaces": (text) => `  "${text.trim()}"  \n`,
  "quoted with \\n escapes, as in a .env file": (text) => `'${text.trimEnd().replace(/\n/g, "\\n")}'`,
  "a JSON string value, quotes included": (text) => JSON.stringify(text),
  "missing final newline": (text) => text.trimEnd(),
  "indented, as copied from a code block": (text) => text.replace(/^/gm, "    "),
};

/** The ways a JSON key file (a JWK, a JWKS, a service-account file) arrives; `text` is the pretty file. */
export const JSON_PASTES: Readonly<Record<string, PasteForm>> = {
  "the file as downloaded": (text) => text,
  "compacted to one line": (text) => JSON.stringify(JSON.parse(text)),
  "CRLF line ends": (text) => text.replace(/\n/g, "\r\n"),
  "escaped newlines inside strings became real ones": (text) => text.replace(/\\n/g, "\n"),
  "...and CRLF": (text) => text.replace(/\\n/g, "\n").replace(/\n/g, "\r\n"),
  "line breaks flattened into literal \\n escapes": (text) => text.trimEnd().replace(/\n/g, "\\n"),
  "surrounding quotes and spaces": (text) => `  '${text.trim()}'  `,
  "a JSON string value, quotes included": (text) => JSON.stringify(text),
  "missing final newline": (text) => text.trimEnd(),
};
