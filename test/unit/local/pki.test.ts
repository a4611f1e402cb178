import { afterAll, describe, expect, test } from '@jest/globals';
import { X509Certificate, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type Pki } from '../../../src/local/pki.js';

const root = mkdtempSync(join(tmpdir(), 'berth-local-pki-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const now = new Date('2026-11-22T12:00:00Z');
const pki = await ensurePki(join(root, 'pki'), now);
const read = (path: string) => readFileSync(path, 'utf8');
const ca = new X509Certificate(read(pki.caCert));
const server = new X509Certificate(read(pki.serverCert));
const admin = new X509Certificate(read(pki.adminCert));

describe('the local control plane certificates', () => {
  test('a CA signs the apiserver and admin certificates', () => {
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=berth-local-ca');
    expect(ca.checkPrivateKey(createPrivateKey(read(pki.caKey)))).toBe(true);
    for (const leaf of [server, admin]) {
      expect(leaf.ca).toBe(false);
      expect(leaf.checkIssued(ca)).toBe(true);
      expect(leaf.verify(ca.publicKey)).toBe(true);
    }
  });

  test('the apiserver is served for loopback, localhost and the in-cluster names and address', () => {
    expect(server.subject).toBe('CN=kube-apiserver');
    expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    for (const name of ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local']) {
      expect(server.checkHost(name, { subject: 'never' })).toBe(name);
    }
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkIP('10.96.0.1')).toBe('10.96.0.1');
    expect(server.checkPrivateKey(createPrivateKey(read(pki.serverKey)))).toBe(true);
  });

  test('the admin is a client in system:masters', () => {
    expect(admin.subject).toBe('O=system:masters\nCN=berth-admin');
    expect(admin.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(admin.subjectAltName).toBeUndefined();
    expect(admin.checkPrivateKey(createPrivateKey(read(pki.adminKey)))).toBe(true);
  });

  test('they live ten years from an hour ago', () => {
    for (const cert of [ca, server, admin]) {
      expect(new Date(cert.validFrom)).toEqual(new Date(now.getTime() - 3600_000));
      expect(new Date(cert.validTo)).toEqual(new Date(now.getTime() + 3650 * 86_400_000));
    }
  });

  test('the service-account key pair signs and verifies tokens', () => {
    const data = Buffer.from('header.payload');
    const signature = sign('sha256', data, createPrivateKey(read(pki.serviceAccountKey)));
    expect(verify('sha256', data, createPublicKey(read(pki.serviceAccountPub)), signature)).toBe(true);
    expect(read(pki.serviceAccountPub)).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  test('private keys are readable by their owner only', () => {
    for (const key of [pki.caKey, pki.serverKey, pki.adminKey, pki.serviceAccountKey]) {
      expect(statSync(key).mode & 0o077).toBe(0);
    }
  });
});

describe('an existing set', () => {
  const contents = (p: Pki) => Object.values(p).map(read);

  test('is kept as it is', async () => {
    const before = contents(pki);
    expect(contents(await ensurePki(join(root, 'pki'), new Date()))).toEqual(before);
  });

  test('is made anew, all of it, when a file is missing', async () => {
    const before = contents(pki);
    rmSync(pki.adminKey);
    const after = contents(await ensurePki(join(root, 'pki'), now));
    after.forEach((text, i) => expect(text).not.toBe(before[i]));
    expect(new X509Certificate(read(pki.adminCert)).verify(new X509Certificate(read(pki.caCert)).publicKey)).toBe(true);
  });
});
