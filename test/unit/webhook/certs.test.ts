import { describe, expect, test } from '@jest/globals';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { caBundle, renew, renewalNeeded, type CertificateBundle, type CertificateNeeds } from '../../../src/webhook/certs.js';
import { loadX509 } from '../../../src/pki/library.js';

const x509 = await loadX509();

const DAY = 86_400_000;
const start = new Date('2026-11-22T12:00:00Z');
const at = (days: number) => new Date(start.getTime() + days * DAY);
const needs: CertificateNeeds = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], caLifetimeMs: 300 * DAY, servingLifetimeMs: 30 * DAY };
const fresh = await renew(undefined, 'all', needs, start);
const cert = (pem: string) => new X509Certificate(pem);

describe('renewal of the webhook certificates', () => {
  test('nothing yet: make everything', () => {
    expect(renewalNeeded(undefined, needs, start)).toBe('all');
    expect(cert(fresh.cert).checkIssued(cert(fresh.caCert))).toBe(true);
    expect(cert(fresh.cert).verify(cert(fresh.caCert).publicKey)).toBe(true);
    expect(cert(fresh.cert).checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert(fresh.cert).checkHost('localhost', { subject: 'never' })).toBe('localhost');
    expect(fresh.previousCaCert).toBeUndefined();
  });

  test('lifetimes: backdated an hour, the CA as long as asked, the serving certificate as long as asked', () => {
    const hourBefore = new Date(start.getTime() - 3600_000);
    expect(new Date(cert(fresh.caCert).validFrom)).toEqual(hourBefore);
    expect(new Date(cert(fresh.caCert).validTo)).toEqual(at(300));
    expect(new Date(cert(fresh.cert).validFrom)).toEqual(hourBefore);
    expect(new Date(cert(fresh.cert).validTo)).toEqual(at(30));
  });

  test.each([
    [0, 'none'],
    [19.9, 'none'],
    [20.1, 'serving'], // two thirds of 30 days
    [31, 'serving'], // expired
    [199.9, 'serving'],
    [200.1, 'all'], // two thirds of 300 days
    [301, 'all'], // the CA expired
  ] as const)('after %d days: %s', (days, expected) => {
    expect(renewalNeeded(fresh, needs, at(days))).toBe(expected);
  });

  test('a renewed serving certificate keeps the CA and restarts its own life', async () => {
    const next = await renew(fresh, 'serving', needs, at(21));
    expect(next.caCert).toBe(fresh.caCert);
    expect(next.caKey).toBe(fresh.caKey);
    expect(next.cert).not.toBe(fresh.cert);
    expect(next.key).not.toBe(fresh.key);
    expect(renewalNeeded(next, needs, at(21))).toBe('none');
    expect(cert(next.cert).checkIssued(cert(fresh.caCert))).toBe(true);
    expect(new Date(cert(next.cert).validTo)).toEqual(at(51));
  });

  test('an expired serving certificate is replaced by a valid one', async () => {
    const next = await renew(fresh, renewalNeeded(fresh, needs, at(45)), needs, at(45));
    expect(new Date(cert(next.cert).validTo) > at(45)).toBe(true);
    expect(next.caCert).toBe(fresh.caCert);
  });

  test('a renewed CA keeps the previous one trusted until it expires', async () => {
    const next = await renew(fresh, 'all', needs, at(201));
    expect(next.caCert).not.toBe(fresh.caCert);
    expect(next.previousCaCert).toBe(fresh.caCert);
    expect(caBundle(next, at(201))).toBe(next.caCert + fresh.caCert);
    // The first CA expires after 300 days: then only the new one.
    expect(caBundle(next, at(300.1))).toBe(next.caCert);
    expect((await renew(next, 'all', needs, at(400))).previousCaCert).toBe(next.caCert);
  });

  test('a renewed CA is only trusted at first: the serving certificate of the previous CA stays for the handover', async () => {
    const day = at(201);
    const minutes = (n: number) => new Date(day.getTime() + n * 60_000);
    const fresher = await renew(fresh, 'serving', needs, at(195)); // serving renewed six days before
    const next = await renew(fresher, 'all', needs, day);
    expect(next.cert).toBe(fresher.cert);
    expect(next.key).toBe(fresher.key);
    expect(cert(next.cert).verify(cert(next.previousCaCert!).publicKey)).toBe(true);
    expect(renewalNeeded(next, needs, minutes(4.9))).toBe('none');
    expect(renewalNeeded(next, needs, minutes(5.1))).toBe('serving');
    const served = await renew(next, 'serving', needs, minutes(10));
    expect(served.caCert).toBe(next.caCert);
    expect(served.previousCaCert).toBe(fresh.caCert);
    expect(cert(served.cert).verify(cert(next.caCert).publicKey)).toBe(true);
    expect(renewalNeeded(served, needs, minutes(10))).toBe('none');
  });

  test('no handover for a serving certificate that is due, or lacks a name', async () => {
    // fresh's serving certificate is past two thirds of its life at day 201.
    const due = await renew(fresh, 'all', needs, at(201));
    expect(due.cert).not.toBe(fresh.cert);
    expect(cert(due.cert).verify(cert(due.caCert).publicKey)).toBe(true);
    const fresher = await renew(fresh, 'serving', needs, at(195));
    const renamed = await renew(fresher, 'all', { ...needs, dnsNames: ['berth-webhook.ns.svc'] }, at(201));
    expect(renamed.cert).not.toBe(fresher.cert);
  });

  test('an expired CA is replaced, and not kept as the previous one', async () => {
    const next = await renew(fresh, renewalNeeded(fresh, needs, at(301)), needs, at(301));
    expect(next.caCert).not.toBe(fresh.caCert);
    expect(next.previousCaCert).toBeUndefined();
    expect(renewalNeeded(next, needs, at(301))).toBe('none');
  });

  test('a serving certificate never outlives its CA', async () => {
    const late = await renew(fresh, 'serving', needs, at(290));
    expect(new Date(cert(late.cert).validTo)).toEqual(new Date(cert(fresh.caCert).validTo));
  });

  test('new names or addresses need a new serving certificate', () => {
    expect(renewalNeeded(fresh, { ...needs, ipAddresses: ['127.0.0.2'] }, start)).toBe('serving');
    expect(renewalNeeded(fresh, { ...needs, dnsNames: ['berth-webhook.berth-system.svc'] }, start)).toBe('serving');
    expect(renewalNeeded(fresh, { ...needs, dnsNames: [] }, start)).toBe('none');
  });

  test('a serving certificate from another CA, or with another key, is replaced', async () => {
    const other = await renew(undefined, 'all', needs, start);
    expect(renewalNeeded({ ...fresh, cert: other.cert, key: other.key }, needs, start)).toBe('serving');
    expect(renewalNeeded({ ...fresh, key: other.key }, needs, start)).toBe('serving');
  });

  test('a CA whose key is not its own, or not EC P-256, starts over', async () => {
    const other = await renew(undefined, 'all', needs, start);
    expect(renewalNeeded({ ...fresh, caKey: other.caKey }, needs, start)).toBe('all');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(renewalNeeded({ ...fresh, caKey: rsa }, needs, start)).toBe('all');
  });

  test('anything unreadable starts over', () => {
    expect(renewalNeeded({ ...fresh, caKey: 'garbage' }, needs, start)).toBe('all');
    expect(renewalNeeded({ ...fresh, cert: '' }, needs, start)).toBe('all');
    expect(renewalNeeded({ ...fresh, key: '' }, needs, start)).toBe('all');
  });

  test("'none' changes nothing", async () => {
    expect(await renew(fresh, 'none', needs, at(1))).toBe(fresh);
  });

  test('the CA bundle is one PEM block per CA, even from PEM without a final newline', () => {
    const bundle: CertificateBundle = { ...fresh, caCert: fresh.caCert.trimEnd(), previousCaCert: fresh.caCert.trimEnd() };
    const pem = caBundle(bundle, start);
    expect(pem).toBe(fresh.caCert + fresh.caCert);
    expect(x509.PemConverter.decode(pem)).toHaveLength(2);
  });
});

// A Secret written by the earlier hand-written DER encoder (two CA generations, serving
// certificate for the in-cluster names): what a cluster upgraded to this version holds.
describe('a bundle written by the earlier encoder', () => {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/bundle-written-by-der-encoder.json', import.meta.url), 'utf8')) as {
    madeAt: string;
    needs: CertificateNeeds;
    bundle: CertificateBundle;
  };
  const old = fixture.bundle;
  const when = new Date(new Date(fixture.madeAt).getTime() + DAY);

  test('is used as it is', () => {
    expect(renewalNeeded(old, fixture.needs, when)).toBe('none');
    expect(caBundle(old, when)).toBe(old.caCert + old.previousCaCert);
  });

  test('is served over TLS, trusted through its caBundle', async () => {
    const server = createServer({ cert: old.cert, key: old.key }, (_req, res) => res.end('ok'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const port = (server.address() as AddressInfo).port;
      const body = await new Promise<string>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, servername: fixture.needs.dnsNames[2], ca: caBundle(old, new Date()), agent: false }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end();
      });
      expect(body).toBe('ok');
    } finally {
      server.close();
    }
  });

  test('gets a serving certificate from its own CA, with the same issuer name and key identifier', async () => {
    const next = await renew(old, 'serving', fixture.needs, when);
    expect(next.caCert).toBe(old.caCert);
    expect(next.previousCaCert).toBe(old.previousCaCert);
    const ca = new x509.X509Certificate(old.caCert);
    const leaf = new x509.X509Certificate(next.cert);
    expect(Buffer.from(leaf.rawData).indexOf(Buffer.from(ca.subjectName.toArrayBuffer()))).toBeGreaterThan(0);
    expect(leaf.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
    expect(cert(next.cert).verify(cert(old.caCert).publicKey)).toBe(true);
    expect(renewalNeeded(next, fixture.needs, when)).toBe('none');
  });

  test('is replaced by a new CA that keeps the old one trusted, and its serving certificate for the handover', async () => {
    const next = await renew(old, 'all', fixture.needs, when);
    expect(next.previousCaCert).toBe(old.caCert);
    expect(next.cert).toBe(old.cert);
    expect(caBundle(next, when)).toBe(next.caCert + old.caCert);
    expect(renewalNeeded(next, fixture.needs, new Date(when.getTime() + 60_000))).toBe('none');
    expect(renewalNeeded(next, fixture.needs, new Date(when.getTime() + 600_000))).toBe('serving');
  });
});
