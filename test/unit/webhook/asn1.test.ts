import { describe, expect, test } from '@jest/globals';
import { bitString, boolean, children, explicit, implicit, integer, namedBits, octetString, oid, readElement, sequence, setOf, time, tlv, utf8String } from '../../../src/webhook/asn1.js';

const hex = (b: Buffer) => b.toString('hex');

describe('DER encoding', () => {
  test.each([
    [0, '020100'],
    [127, '02017f'],
    [128, '02020080'], // a leading 1 bit gets a 0 byte in front
    [256, '02020100'],
    [65535, '020300ffff'],
  ])('INTEGER %d', (n, expected) => {
    expect(hex(integer(n))).toBe(expected);
  });

  test('INTEGER from bytes drops leading zeros and stays positive', () => {
    expect(hex(integer(Buffer.from([0, 0, 0x7f])))).toBe('02017f');
    expect(hex(integer(Buffer.from([0x80, 1])))).toBe('0203008001');
    expect(hex(integer(Buffer.alloc(0)))).toBe('020100');
  });

  test.each([
    ['2.5.4.3', '0603550403'],
    ['1.2.840.10045.4.3.2', '06082a8648ce3d040302'],
    ['1.3.6.1.5.5.7.3.1', '06082b06010505070301'],
    ['2.5.29.17', '0603551d11'],
  ])('OBJECT IDENTIFIER %s', (dotted, expected) => {
    expect(hex(oid(dotted))).toBe(expected);
  });

  test('lengths of 128 bytes and more use the long form', () => {
    expect(hex(octetString(Buffer.alloc(127))).slice(0, 4)).toBe('047f');
    expect(hex(octetString(Buffer.alloc(128))).slice(0, 6)).toBe('048180');
    expect(hex(octetString(Buffer.alloc(300))).slice(0, 8)).toBe('0482012c');
  });

  test('BOOLEAN, BIT STRING, UTF8String, context tags', () => {
    expect(hex(boolean(true))).toBe('0101ff');
    expect(hex(boolean(false))).toBe('010100');
    expect(hex(bitString(Buffer.from([0xab])))).toBe('030200ab');
    expect(hex(utf8String('é'))).toBe('0c02c3a9');
    expect(hex(explicit(0, integer(2)))).toBe('a003020102');
    expect(hex(implicit(2, Buffer.from('a')))).toBe('820161');
  });

  test.each([
    [[0], '03020780'], // digitalSignature: one byte, 7 unused bits
    [[5, 6], '03020106'], // keyCertSign, cRLSign
    [[0, 5, 6], '03020186'],
    [[8], '0303070080'], // a bit in the second byte
  ])('named bits %j drop trailing zero bits', (bits, expected) => {
    expect(hex(namedBits(bits))).toBe(expected);
  });

  test('times: UTCTime through 2049, GeneralizedTime from 2050', () => {
    expect(time(new Date('2026-11-22T11:15:13.456Z')).toString('latin1').slice(2)).toBe('261122111513Z');
    expect(time(new Date('2026-11-22T11:15:13Z'))[0]).toBe(0x17);
    expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1').slice(2)).toBe('20500101000000Z');
    expect(time(new Date('2050-01-01T00:00:00Z'))[0]).toBe(0x18);
  });

  test('SET OF orders its members by encoding', () => {
    expect(hex(setOf(integer(2), integer(1)))).toBe('3106020101020102');
  });

  test('reading gives back what was written', () => {
    const der = sequence(integer(5), octetString(Buffer.alloc(200, 1)), sequence(oid('2.5.4.3')));
    const top = readElement(der);
    expect(top.tag).toBe(0x30);
    expect(top.raw).toEqual(der);
    const [a, b, c] = children(top);
    expect(hex(a.raw)).toBe('020105');
    expect(b.content).toEqual(Buffer.alloc(200, 1));
    expect(children(c)[0].raw).toEqual(oid('2.5.4.3'));
  });

  test('reading refuses truncated input', () => {
    expect(() => readElement(Buffer.from([0x30]))).toThrow('truncated');
    expect(() => readElement(tlv(0x04, Buffer.alloc(10)).subarray(0, 5))).toThrow('longer than its input');
  });
});
