import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

/**
 * An RSASSA-PSS key (OID id-RSASSA-PSS, what `openssl genpkey -algorithm RSA-PSS` writes) as the plain
 * RSA key it holds. Node's WebCrypto and JWK export refuse such keys, yet the RSA key inside the PKCS#8
 * or SPKI wrapper is an ordinary PKCS#1 key, so it is unwrapped and read as one. The caller checks first
 * that the algorithm is a PS one the key's parameters allow. Throws when the structure is not as expected.
 */
export function plainRsaFromPss(key: KeyObject): KeyObject {
  if (key.type === "private") {
    // PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm SEQUENCE, privateKey OCTET STRING }
    const info = children(key.export({ format: "der", type: "pkcs8" }), SEQUENCE);
    const privateKey = expectTag(info[2], OCTET_STRING);
    return createPrivateKey({ key: privateKey, format: "der", type: "pkcs1" });
  }
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm SEQUENCE, subjectPublicKey BIT STRING }
  const info = children(key.export({ format: "der", type: "spki" }), SEQUENCE);
  const bits = expectTag(info[1], BIT_STRING);
  // The first content byte of a BIT STRING counts its unused bits: none in a DER-encoded key.
  if (bits[0] !== 0) throw new Error("unexpected BIT STRING padding");
  return createPublicKey({ key: bits.subarray(1), format: "der", type: "pkcs1" });
}

const SEQUENCE = 0x30;
const OCTET_STRING = 0x04;
const BIT_STRING = 0x03;

interface Element {
  readonly tag: number;
  readonly content: Buffer;
}

/** The elements inside one DER element of type `tag` that spans the whole buffer. */
function children(der: Buffer, tag: number): Element[] {
  const outer = readElement(der, 0);
  if (outer.tag !== tag || outer.end !== der.length) throw new Error("unexpected DER structure");
  const found: Element[] = [];
  for (let offset = 0; offset < outer.content.length; ) {
    const element = readElement(outer.content, offset);
    found.push(element);
    offset = element.end;
  }
  return found;
}

function expectTag(element: Element | undefined, tag: number): Buffer {
  if (!element || element.tag !== tag) throw new Error("unexpected DER structure");
  return element.content;
}

/** One DER tag-length-value at `offset` (single-byte tags, definite lengths: all a key's DER uses). */
function readElement(der: Buffer, offset: number): Element & { end: number } {
  const tag = der[offset];
  const first = der[offset + 1];
  if (tag === undefined || first === undefined) throw new Error("truncated DER");
  let length = first;
  let start = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new Error("unsupported DER length");
    length = 0;
    for (let i = 0; i < count; i++) {
      const byte = der[start + i];
      if (byte === undefined) throw new Error("truncated DER");
      length = length * 256 + byte;
    }
    start += count;
  }
  const end = start + length;
  if (end > der.length) throw new Error("truncated DER");
  return { tag, content: der.subarray(start, end), end };
}
