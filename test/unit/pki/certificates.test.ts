import { describe, expect, test } from '@jest/globals';
import type { X509Certificate as LibraryCertificate } from '@peculiar/x509';
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync, webcrypto } from 'node:crypto';
import { createCa, signLeaf } from '../../../src/pki/certificates.js';
import { generateKeyPair, keyPairFromPem, privateKeyToPem, publicKeyToPem } from '../../../src/pki/keys.js';
import { loadX509 } from '../../../src/pki/library.js';

const x509 = await loadX509();

// Certificates read back two ways: by node's X509Certificate (OpenSSL) and by the library.

const now = new Date('2026-11-22T12:00:00Z');
const hours = (n: number) => new Date(now.getTime() + n * 3600_000);
const crypto = webcrypto as unknown as Parameters<LibraryCertificate['verify']>[1];

const caKeys = await generateKeyPair();
const caPem = await createCa({ commonName: 'berth-webhook-ca@1' }, { notBefore: hours(-1), notAfter: hours(24 * 3650) }, caKeys);
const issuer = { certificate: caPem, privateKey: caKeys.privateKey };
const servingKeys = await generateKeyPair();
const servingPem = await signLeaf(
  { subject: { commonName: 'berth-webhook' }, usage: 'server', notBefore: hours(-1), notAfter: hours(24 * 90), dnsNames: ['berth-webhook.berth-system.svc', 'localhost'], ipAddresses: ['127.0.0.1', '::1'] },
  servingKeys.publicKey,
  issuer,
);
const clientKeys = await generateKeyPair();
const clientPem = await signLeaf(
  { subject: { commonName: 'berth-admin', organizations: ['system:masters'] }, usage: 'client', notBefore: hours(-1), notAfter: hours(24) },
  clientKeys.publicKey,
  issuer,
);

const nodeCa = new X509Certificate(caPem);
const nodeServing = new X509Certificate(servingPem);
const nodeClient = new X509Certificate(clientPem);
const libCa = new x509.X509Certificate(caPem);
const libServing = new x509.X509Certificate(servingPem);
const libClient = new x509.X509Certificate(clientPem);

const flags = (cert: LibraryCertificate) => cert.getExtension(x509.KeyUsagesExtension);
const basic = (cert: LibraryCertificate) => cert.getExtension(x509.BasicConstraintsExtension);
const ski = (cert: LibraryCertificate) => cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
const aki = (cert: LibraryCertificate) => cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
const eku = (cert: LibraryCertificate) => cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages;

describe('the CA', () => {
  test('is a CA with path length 0 that signs certificates and CRLs, both critical', () => {
    expect(nodeCa.ca).toBe(true);
    expect(basic(libCa)).toMatchObject({ ca: true, pathLength: 0, critical: true });
    const usage = flags(libCa)!;
    expect(usage.critical).toBe(true);
    expect(usage.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    expect(eku(libCa)).toBeUndefined();
  });

  test('is signed by itself with ECDSA-SHA256 over an EC P-256 key', async () => {
    expect(nodeCa.subject).toBe('CN=berth-webhook-ca@1');
    expect(nodeCa.checkIssued(nodeCa)).toBe(true);
    expect(nodeCa.verify(nodeCa.publicKey)).toBe(true);
    expect(await libCa.isSelfSigned(crypto)).toBe(true);
    expect(libCa.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    expect(nodeCa.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  test('names its own key as subject and authority key identifier', () => {
    expect(ski(libCa)).toMatch(/^[0-9a-f]{40}$/);
    expect(aki(libCa)).toBe(ski(libCa));
  });

  test('lives exactly as asked', () => {
    expect(new Date(nodeCa.validFrom)).toEqual(hours(-1));
    expect(new Date(nodeCa.validTo)).toEqual(hours(24 * 3650));
  });
});

describe('a serving certificate', () => {
  test('is issued and signed by the CA', async () => {
    expect(nodeServing.checkIssued(nodeCa)).toBe(true);
    expect(nodeServing.verify(nodeCa.publicKey)).toBe(true);
    expect(await libServing.verify({ publicKey: libCa }, crypto)).toBe(true);
    const chain = await new x509.X509ChainBuilder({ certificates: [libCa] }).build(libServing, crypto);
    expect(chain.map((c) => c.subject)).toEqual(['CN=berth-webhook', 'CN=berth-webhook-ca@1']);
  });

  test("carries the CA's subject byte for byte as its issuer", () => {
    const subject = Buffer.from(libCa.subjectName.toArrayBuffer());
    const issuerAt = Buffer.from(libServing.rawData).indexOf(subject);
    expect(issuerAt).toBeGreaterThan(0);
    expect(Buffer.from(libCa.rawData).indexOf(subject)).toBeGreaterThan(0);
  });

  test('is for a TLS server, not a CA, for its names and addresses only', () => {
    expect(nodeServing.ca).toBe(false);
    expect(basic(libServing)).toMatchObject({ ca: false, critical: true });
    expect(flags(libServing)).toMatchObject({ usages: x509.KeyUsageFlags.digitalSignature, critical: true });
    expect(eku(libServing)).toEqual([x509.ExtendedKeyUsage.serverAuth]);
    expect(nodeServing.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(nodeServing.subjectAltName).toBe('DNS:berth-webhook.berth-system.svc, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(nodeServing.checkHost('berth-webhook.berth-system.svc', { subject: 'never' })).toBe('berth-webhook.berth-system.svc');
    expect(nodeServing.checkHost('berth-webhook', { subject: 'never' })).toBeUndefined();
    expect(nodeServing.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(nodeServing.checkIP('::1')).toBe('::1');
    expect(nodeServing.checkIP('10.0.0.1')).toBeUndefined();
  });

  test("names the CA's key as its authority, and its own key as subject key", () => {
    expect(aki(libServing)).toBe(ski(libCa));
    expect(ski(libServing)).not.toBe(ski(libCa));
  });

  test('holds the public key it was made for, and lives exactly as asked', async () => {
    expect(nodeServing.checkPrivateKey(createPrivateKey(privateKeyToPem(servingKeys.privateKey)))).toBe(true);
    expect(new Date(nodeServing.validFrom)).toEqual(hours(-1));
    expect(new Date(nodeServing.validTo)).toEqual(hours(24 * 90));
  });

  test('was not issued by another CA', async () => {
    const otherKeys = await generateKeyPair();
    const other = new X509Certificate(await createCa({ commonName: 'other' }, { notBefore: hours(-1), notAfter: hours(1) }, otherKeys));
    expect(nodeServing.verify(other.publicKey)).toBe(false);
    expect(nodeServing.checkIssued(other)).toBe(false);
  });

  test('gets its own serial number every time', async () => {
    const again = await signLeaf({ subject: { commonName: 'berth-webhook' }, usage: 'server', notBefore: hours(-1), notAfter: hours(1) }, servingKeys.publicKey, issuer);
    expect(new X509Certificate(again).serialNumber).not.toBe(nodeServing.serialNumber);
  });
});

describe('a client certificate', () => {
  test('names its groups as O= and is for TLS clients only', async () => {
    expect(nodeClient.subject).toBe('O=system:masters\nCN=berth-admin');
    expect(libClient.subjectName.getField('O')).toEqual(['system:masters']);
    expect(eku(libClient)).toEqual([x509.ExtendedKeyUsage.clientAuth]);
    expect(nodeClient.subjectAltName).toBeUndefined();
    expect(nodeClient.verify(nodeCa.publicKey)).toBe(true);
  });
});

describe('refusals', () => {
  const leaf = { subject: { commonName: 'x' }, usage: 'server' as const, notBefore: hours(-1), notAfter: hours(1) };
  test.each([
    ['a certificate that ends when it starts', { ...leaf, notAfter: hours(-1) }, 'a certificate must end after it starts'],
    ['a DNS name with a space', { ...leaf, dnsNames: ['a b'] }, 'not a DNS name: "a b"'],
    ['an IP address that is not one', { ...leaf, ipAddresses: ['300.1.1.1'] }, 'not an IP address: "300.1.1.1"'],
  ])('%s', async (_what, spec, message) => {
    await expect(signLeaf(spec, servingKeys.publicKey, issuer)).rejects.toThrow(message);
  });

  test('a CA that ends before it starts', async () => {
    await expect(createCa({ commonName: 'x' }, { notBefore: hours(1), notAfter: hours(0) }, caKeys)).rejects.toThrow('end after it starts');
  });
});

describe('keys', () => {
  test('a private key read back from PEM signs what its certificate verifies', async () => {
    const text = privateKeyToPem(caKeys.privateKey);
    expect(text).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    const again = await keyPairFromPem(text);
    const leaf = await signLeaf({ subject: { commonName: 'y' }, usage: 'server', notBefore: hours(-1), notAfter: hours(1) }, servingKeys.publicKey, { certificate: caPem, privateKey: again.privateKey });
    expect(new X509Certificate(leaf).verify(nodeCa.publicKey)).toBe(true);
    expect(publicKeyToPem(again.publicKey)).toBe(createPublicKey(text).export({ type: 'spki', format: 'pem' }));
  });

  test('a SEC 1 EC key is read too', async () => {
    const sec1 = createPrivateKey(privateKeyToPem(caKeys.privateKey)).export({ type: 'sec1', format: 'pem' }).toString();
    await expect(keyPairFromPem(sec1)).resolves.toHaveProperty('privateKey');
  });

  test('an RSA key is refused by name', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(keyPairFromPem(rsa)).rejects.toThrow('not an EC P-256 private key (rsa)');
  });
});
