import { describe, expect, test } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { caBundle, renew, renewalNeeded, type CertificateBundle, type CertificateNeeds } from '../../../src/webhook/certs.js';

const DAY = 86_400_000;
const start = new Date('2026-11-22T12:00:00Z');
const at = (days: number) => new Date(start.getTime() + days * DAY);
const needs: CertificateNeeds = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], caLifetimeMs: 300 * DAY, servingLifetimeMs: 30 * DAY };
const fresh = renew(undefined, 'all', needs, start);
const cert = (pem: string) => new X509Certificate(pem);

describe('renewal of the webhook certificates', () => {
  test('nothing yet: make everything', () => {
    expect(renewalNeeded(undefined, needs, start)).toBe('all');
    expect(cert(fresh.cert).checkIssued(cert(fresh.caCert))).toBe(true);
    expect(cert(fresh.cert).checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(fresh.previousCaCert).toBeUndefined();
  });

  test.each([
    [0, 'none'],
    [19.9, 'none'],
    [20.1, 'serving'], // two thirds of 30 days
    [199.9, 'serving'],
    [200.1, 'all'], // two thirds of 300 days
  ] as const)('after %d days: %s', (days, expected) => {
    expect(renewalNeeded(fresh, needs, at(days))).toBe(expected);
  });

  test('a renewed serving certificate keeps the CA and restarts its own life', () => {
    const next = renew(fresh, 'serving', needs, at(21));
    expect(next.caCert).toBe(fresh.caCert);
    expect(next.caKey).toBe(fresh.caKey);
    expect(next.cert).not.toBe(fresh.cert);
    expect(renewalNeeded(next, needs, at(21))).toBe('none');
    expect(cert(next.cert).checkIssued(cert(fresh.caCert))).toBe(true);
  });

  test('a renewed CA keeps the previous one trusted until it expires', () => {
    const next = renew(fresh, 'all', needs, at(201));
    expect(next.caCert).not.toBe(fresh.caCert);
    expect(next.previousCaCert).toBe(fresh.caCert);
    expect(cert(next.cert).checkIssued(cert(next.caCert))).toBe(true);
    expect(caBundle(next, at(201))).toBe(next.caCert + fresh.caCert);
    // The first CA expires after 300 days (it was backdated an hour): then only the new one.
    expect(caBundle(next, at(300.1))).toBe(next.caCert);
    expect(renew(next, 'all', needs, at(400)).previousCaCert).toBe(next.caCert);
  });

  test('a serving certificate never outlives its CA', () => {
    const late = renew(fresh, 'serving', needs, at(290));
    expect(new Date(cert(late.cert).validTo)).toEqual(new Date(cert(fresh.caCert).validTo));
  });

  test('new names or addresses need a new serving certificate', () => {
    expect(renewalNeeded(fresh, { ...needs, ipAddresses: ['127.0.0.2'] }, start)).toBe('serving');
    expect(renewalNeeded(fresh, { ...needs, dnsNames: ['berth-webhook.berth-system.svc'] }, start)).toBe('serving');
    expect(renewalNeeded(fresh, { ...needs, dnsNames: [] }, start)).toBe('none');
  });

  test('a serving certificate from another CA is replaced', () => {
    const other = renew(undefined, 'all', needs, start);
    const mixed: CertificateBundle = { ...fresh, cert: other.cert, key: other.key };
    expect(renewalNeeded(mixed, needs, start)).toBe('serving');
  });

  test('anything unreadable starts over', () => {
    expect(renewalNeeded({ ...fresh, caKey: 'garbage' }, needs, start)).toBe('all');
    expect(renewalNeeded({ ...fresh, cert: '' }, needs, start)).toBe('all');
  });

  test("'none' changes nothing", () => {
    expect(renew(fresh, 'none', needs, at(1))).toBe(fresh);
  });
});
