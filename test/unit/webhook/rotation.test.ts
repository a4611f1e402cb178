import { describe, expect, test } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import type { CertificateBundle, CertificateNeeds } from '../../../src/webhook/certs.js';
import { MemoryCertificateStore, type CertificateStore, type StoredBundle } from '../../../src/webhook/certstore.js';
import { CertificateRotator, type CertificateChange } from '../../../src/webhook/rotation.js';

const DAY = 86_400_000;
const needs: CertificateNeeds = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], caLifetimeMs: 300 * DAY, servingLifetimeMs: 30 * DAY };

function clock(start = '2026-11-22T12:00:00Z') {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), advanceDays: (days: number) => (t += days * DAY) };
}

function rotator(store: CertificateStore, now: () => Date, changes: CertificateChange[] = []) {
  return new CertificateRotator({ store, needs, now, onChange: (c) => void changes.push(c) });
}

describe('certificate rotation', () => {
  test('the first check makes and stores a bundle; later checks change nothing until renewal is due', async () => {
    const store = new MemoryCertificateStore();
    const c = clock();
    const changes: CertificateChange[] = [];
    const r = rotator(store, c.now, changes);
    const first = await r.check();
    expect(first).toEqual(expect.objectContaining({ caChanged: true, servingChanged: true }));
    expect((await store.load())?.bundle).toBe(r.current);
    expect(r.caBundle).toBe(r.current!.caCert);
    c.advanceDays(10);
    expect(await r.check()).toBeUndefined();
    expect(changes).toHaveLength(1);
  });

  test('at two thirds of its life the serving certificate is renewed, the CA bundle stays', async () => {
    const store = new MemoryCertificateStore();
    const c = clock();
    const r = rotator(store, c.now);
    await r.check();
    const before = r.current!;
    c.advanceDays(21);
    const change = await r.check();
    expect(change).toEqual(expect.objectContaining({ caChanged: false, servingChanged: true }));
    expect(r.current!.cert).not.toBe(before.cert);
    expect(r.current!.caCert).toBe(before.caCert);
  });

  test('a renewed CA is trusted first (both CAs, the new one first), and serves from the next check on', async () => {
    const store = new MemoryCertificateStore();
    const c = clock();
    const r = rotator(store, c.now);
    await r.check();
    const first = r.current!;
    c.advanceDays(195);
    await r.check(); // the serving certificate's own renewal
    const servedBefore = r.current!;
    c.advanceDays(6);
    const trusted = await r.check();
    expect(trusted).toEqual(expect.objectContaining({ caChanged: true, servingChanged: false }));
    expect(trusted!.caBundle).toBe(r.current!.caCert + first.caCert);
    expect(r.current!.cert).toBe(servedBefore.cert);
    // The next check, ten minutes on: a serving certificate of the new CA; the caBundle stays.
    c.advanceDays(10 / (24 * 60));
    const served = await r.check();
    expect(served).toEqual(expect.objectContaining({ caChanged: false, servingChanged: true }));
    expect(new X509Certificate(r.current!.cert).verify(new X509Certificate(r.current!.caCert).publicKey)).toBe(true);
    expect(served!.caBundle).toBe(trusted!.caBundle);
    expect(r.current!.previousCaCert).toBe(first.caCert);
  });

  test('a CA renewed long after it expired (the operator was down) serves at once', async () => {
    const store = new MemoryCertificateStore();
    const c = clock();
    const r = rotator(store, c.now);
    await r.check();
    const first = r.current!;
    c.advanceDays(400);
    const change = await r.check();
    expect(change).toEqual(expect.objectContaining({ caChanged: true, servingChanged: true }));
    expect(r.current!.previousCaCert).toBeUndefined();
    expect(change!.caBundle).toBe(r.current!.caCert);
    expect(r.current!.cert).not.toBe(first.cert);
  });

  test('replicas sharing a store use one bundle; one that renews is followed by the others', async () => {
    const store = new MemoryCertificateStore();
    const c = clock();
    const a = rotator(store, c.now);
    const b = rotator(store, c.now);
    await a.check();
    await b.check();
    expect(b.current).toBe(a.current);
    c.advanceDays(21);
    await a.check();
    const change = await b.check();
    expect(change?.servingChanged).toBe(true);
    expect(b.current).toBe(a.current);
  });

  test('a replica that loses the race to write takes the winner’s bundle', async () => {
    const inner = new MemoryCertificateStore();
    const c = clock();
    let winner: CertificateBundle | undefined;
    // Another replica writes between this one's load and save, once.
    const racing: CertificateStore = {
      description: 'racing',
      load: () => inner.load(),
      async save(bundle, version) {
        if (!winner) {
          const other = rotator(inner, c.now);
          await other.check();
          winner = other.current;
        }
        return inner.save(bundle, version);
      },
    };
    const r = rotator(racing, c.now);
    await r.check();
    expect(r.current).toBe(winner);
  });

  test('a store that never accepts a write fails the check', async () => {
    const stuck: CertificateStore = {
      description: 'stuck',
      load: async (): Promise<StoredBundle | undefined> => undefined,
      save: async () => false,
    };
    await expect(rotator(stuck, clock().now).check()).rejects.toThrow('keep changing');
  });
});
