import { afterAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, ipBytes, keyToPem, publicKeyOf, selfSignedCertificate, signedCertificate } from '../../../src/webhook/x509.js';

// Certificates written without openssl, checked by node's X509Certificate and by openssl itself.

const now = new Date('2026-11-22T12:00:00Z');
const hours = (n: number) => new Date(now.getTime() + n * 3600_000);
const caKey = generateKey();
const ca = selfSignedCertificate({ commonName: 'berth-webhook-ca@1', notBefore: hours(-1), notAfter: hours(24 * 3650), ca: true }, caKey);
const servingKey = generateKey();
const serving = signedCertificate(
  { commonName: 'berth-webhook', notBefore: hours(-1), notAfter: hours(24 * 90), dnsNames: ['berth-webhook.berth-system.svc', 'localhost'], ipAddresses: ['127.0.0.1', '::1'] },
  publicKeyOf(servingKey),
  { certificate: ca, key: caKey },
);

const dir = mkdtempSync(join(tmpdir(), 'berth-x509-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('certificates checked by node', () => {
  const caCert = new X509Certificate(ca);
  const leaf = new X509Certificate(serving);

  test('the CA is a CA, signed by itself', () => {
    expect(caCert.ca).toBe(true);
    expect(caCert.subject).toBe('CN=berth-webhook-ca@1');
    expect(caCert.checkIssued(caCert)).toBe(true);
    expect(caCert.verify(publicKeyOf(caKey))).toBe(true);
  });

  test('the serving certificate is issued and signed by the CA, for its names and addresses', () => {
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(caCert)).toBe(true);
    expect(leaf.verify(caCert.publicKey)).toBe(true);
    expect(leaf.issuer).toBe(caCert.subject);
    expect(leaf.subjectAltName).toBe('DNS:berth-webhook.berth-system.svc, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(leaf.checkHost('berth-webhook.berth-system.svc')).toBe('berth-webhook.berth-system.svc');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('10.0.0.1')).toBeUndefined();
    expect(leaf.publicKey.export({ type: 'spki', format: 'der' })).toEqual(publicKeyOf(servingKey).export({ type: 'spki', format: 'der' }));
  });

  test('validity is as asked, to the second', () => {
    expect(new Date(leaf.validFrom)).toEqual(hours(-1));
    expect(new Date(leaf.validTo)).toEqual(hours(24 * 90));
  });

  test('another CA did not issue it', () => {
    const otherKey = generateKey();
    const other = new X509Certificate(selfSignedCertificate({ commonName: 'other', notBefore: hours(-1), notAfter: hours(1), ca: true }, otherKey));
    expect(leaf.verify(other.publicKey)).toBe(false);
    expect(leaf.checkIssued(other)).toBe(false);
  });

  test('every certificate gets its own serial number', () => {
    const again = signedCertificate({ commonName: 'x', notBefore: hours(-1), notAfter: hours(1) }, publicKeyOf(servingKey), { certificate: ca, key: caKey });
    expect(new X509Certificate(again).serialNumber).not.toBe(leaf.serialNumber);
  });

  test('a certificate must end after it starts', () => {
    expect(() => selfSignedCertificate({ commonName: 'x', notBefore: hours(1), notAfter: hours(1) }, caKey)).toThrow('end after it starts');
  });
});

describe('certificates checked by openssl', () => {
  const caFile = file('ca.pem', ca);
  const servingFile = file('serving.pem', serving);
  file('serving.key', keyToPem(servingKey));

  test('openssl verifies the chain, strictly', () => {
    // -attime: the chain is checked at the time the certificates were made for.
    const out = openssl(['verify', '-x509_strict', '-attime', String(Math.floor(now.getTime() / 1000)), '-CAfile', caFile, servingFile]);
    expect(out.trim()).toBe(`${servingFile}: OK`);
  });

  test('openssl reads every extension of the serving certificate', () => {
    const text = openssl(['x509', '-in', servingFile, '-noout', '-text']);
    expect(text).toContain('Version: 3 (0x2)');
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');
    expect(text).toContain('Issuer: CN = berth-webhook-ca@1');
    expect(text).toContain('Subject: CN = berth-webhook');
    expect(text).toMatch(/NIST CURVE: P-256|ASN1 OID: prime256v1/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
    expect(text).toMatch(/X509v3 Extended Key Usage: \s+TLS Web Server Authentication/);
    expect(text).toMatch(/X509v3 Subject Alternative Name: \s+DNS:berth-webhook.berth-system.svc, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1/);
    expect(text).toContain('X509v3 Subject Key Identifier');
    expect(text).toContain('X509v3 Authority Key Identifier');
  });

  test('openssl reads the CA: CA:TRUE, signs certificates only, its key identifiers match the leaf', () => {
    const caText = openssl(['x509', '-in', caFile, '-noout', '-text']);
    expect(caText).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(caText).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    const ski = /Subject Key Identifier:\s+([0-9A-F:]+)/.exec(caText)![1];
    const leafText = openssl(['x509', '-in', servingFile, '-noout', '-text']);
    expect(/Authority Key Identifier:\s+(?:keyid:)?([0-9A-F:]+)/.exec(leafText)![1]).toBe(ski);
  });

  test('openssl agrees the key belongs to the certificate', () => {
    const fromCert = openssl(['x509', '-in', servingFile, '-noout', '-pubkey']);
    const fromKey = openssl(['pkey', '-in', join(dir, 'serving.key'), '-pubout']);
    expect(fromCert).toBe(fromKey);
  });

  test('a certificate from another CA does not verify', () => {
    const otherKey = generateKey();
    const other = file('other.pem', selfSignedCertificate({ commonName: 'berth-webhook-ca@1', notBefore: hours(-1), notAfter: hours(24), ca: true }, otherKey));
    expect(() => openssl(['verify', '-attime', String(Math.floor(now.getTime() / 1000)), '-CAfile', other, servingFile])).toThrow();
  });
});

describe('IP addresses', () => {
  test.each([
    ['127.0.0.1', '7f000001'],
    ['10.96.0.10', '0a60000a'],
    ['::1', '00000000000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['fe80::1:2', 'fe800000000000000000000000010002'],
    ['2001:db8::', '20010db8000000000000000000000000'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['::ffff:10.0.0.1', '00000000000000000000ffff0a000001'],
  ])('%s', (ip, expected) => {
    expect(ipBytes(ip).toString('hex')).toBe(expected);
  });

  test('a name is not an address', () => {
    expect(() => ipBytes('localhost')).toThrow('not an IP address');
  });
});
