// DER (ITU-T X.690) for the few ASN.1 types an X.509 certificate is made of: enough to write a
// certificate, and to read back the two parts of one that must be copied byte for byte (the
// subject, which becomes the issuer of what it signs, and the public key bits).

const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One tag-length-value. Tags here always fit in one byte. */
export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export function sequence(...items: Buffer[]): Buffer {
  return tlv(TAG.SEQUENCE, Buffer.concat(items));
}

/** SET OF: DER orders the members by their encodings. */
export function setOf(...items: Buffer[]): Buffer {
  return tlv(TAG.SET, Buffer.concat([...items].sort(Buffer.compare)));
}

export function boolean(value: boolean): Buffer {
  return tlv(TAG.BOOLEAN, Buffer.from([value ? 0xff : 0x00]));
}

/** A non-negative INTEGER from a number or unsigned big-endian bytes, in its shortest form. */
export function integer(value: number | Buffer): Buffer {
  let bytes = typeof value === 'number' ? unsignedBytes(value) : value;
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  // A leading 1 bit would make it negative.
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(TAG.INTEGER, bytes);
}

function unsignedBytes(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a non-negative integer: ${n}`);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from(bytes);
}

/** An OBJECT IDENTIFIER from its dotted form, e.g. '2.5.4.3'. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) throw new Error(`not an object identifier: ${dotted}`);
  const bytes: number[] = [];
  for (const arc of [arcs[0] * 40 + arcs[1], ...arcs.slice(2)]) {
    const base128 = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) base128.unshift(0x80 | (v % 128));
    bytes.push(...base128);
  }
  return tlv(TAG.OID, Buffer.from(bytes));
}

export function octetString(bytes: Buffer): Buffer {
  return tlv(TAG.OCTET_STRING, bytes);
}

/** A BIT STRING whose last `unusedBits` bits are padding. */
export function bitString(bytes: Buffer, unusedBits = 0): Buffer {
  return tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([unusedBits]), bytes]));
}

/**
 * A named-bit BIT STRING (KeyUsage) with the given bit numbers set, bit 0 being the most
 * significant bit of the first byte. DER drops trailing zero bits.
 */
export function namedBits(bits: readonly number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[Math.floor(bit / 8)] |= 0x80 >> bit % 8;
  return bitString(bytes, 7 - (highest % 8));
}

export function utf8String(text: string): Buffer {
  return tlv(TAG.UTF8_STRING, Buffer.from(text, 'utf8'));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, always in UTC to the second. */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-11-22T11:15:13.000Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(TAG.UTC_TIME, Buffer.from(`${digits.slice(2)}Z`, 'ascii'));
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(`${digits}Z`, 'ascii'));
}

/** [n] EXPLICIT: the whole encoding of the inner value, wrapped. */
export function explicit(tagNumber: number, inner: Buffer): Buffer {
  return tlv(0xa0 | tagNumber, inner);
}

/** [n] IMPLICIT for a primitive type: the inner value's content under a context tag. */
export function implicit(tagNumber: number, content: Buffer): Buffer {
  return tlv(0x80 | tagNumber, content);
}

/** One element read back from DER. */
export interface Element {
  tag: number;
  /** The whole encoding: tag, length and content. */
  raw: Buffer;
  content: Buffer;
}

/** The element at the start of `der`. */
export function readElement(der: Buffer): Element {
  if (der.length < 2) throw new Error('DER: truncated element');
  const tag = der[0];
  let length = der[1];
  let offset = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || der.length < 2 + count) throw new Error('DER: bad length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[2 + i];
    offset += count;
  }
  if (der.length < offset + length) throw new Error('DER: element longer than its input');
  return { tag, raw: der.subarray(0, offset + length), content: der.subarray(offset, offset + length) };
}

/** The elements of a constructed element's content (a SEQUENCE's members). */
export function children(element: Element): Element[] {
  const out: Element[] = [];
  for (let rest = element.content; rest.length > 0; ) {
    const child = readElement(rest);
    out.push(child);
    rest = rest.subarray(child.raw.length);
  }
  return out;
}
