import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { Registry } from 'prom-client';
import { renew, type CertificateNeeds } from '../../../src/webhook/certs.js';
import { AdmissionMetrics } from '../../../src/webhook/metrics.js';
import type { Handled, PodOutcome } from '../../../src/webhook/pods.js';
import { allow, deny, type AdmissionRequest } from '../../../src/webhook/review.js';
import { startAdmissionServer, type AdmissionServer } from '../../../src/webhook/server.js';

// The HTTPS shell over real TLS: certificates from certs.ts, requests as the apiserver sends them.

const needs: CertificateNeeds = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], caLifetimeMs: 86_400_000, servingLifetimeMs: 3_600_000 };
const bundle = await renew(undefined, 'all', needs, new Date());
const registry = new Registry();
const metrics = new AdmissionMetrics(registry);
const outcomes: PodOutcome[] = [];
let server: AdmissionServer;

function answer(request: AdmissionRequest): Handled {
  if (request.namespace === 'boom') throw new Error('kaboom');
  if (request.namespace === 'deny') {
    return { response: deny(request, 'no'), result: 'refused', outcome: { profile: 'p', result: 'refused', namespace: 'deny', pod: 'x', rule: 'Privileged' } };
  }
  return { response: allow(request), result: 'unmatched' };
}

beforeAll(async () => {
  server = await startAdmissionServer({
    host: '127.0.0.1',
    port: 0,
    tls: { cert: bundle.cert, key: bundle.key },
    routes: { '/mutate-pods': { name: 'mutate', handle: answer } },
    metrics,
    onOutcome: (o) => void outcomes.push(o),
    maxBodyBytes: 64 * 1024,
  });
});
afterAll(() => server.close());

interface Reply {
  status: number;
  body: string;
  serial: string;
}

function call(path: string, body: string | Buffer, options: { method?: string; contentType?: string; ca?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port: server.port, path, method: options.method ?? 'POST', ca: options.ca ?? bundle.caCert, agent: false, headers: { 'Content-Type': options.contentType ?? 'application/json' } },
      (res) => {
        const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body: text, serial }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const review = (request: Record<string, unknown>) =>
  JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u1', operation: 'CREATE', ...request } });

async function counted(labels: Record<string, string>): Promise<number> {
  const metric = await registry.getSingleMetric('berth_admission_requests_total')!.get();
  return metric.values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);
}

describe('admission server', () => {
  test('answers an AdmissionReview with an AdmissionReview', async () => {
    const reply = await call('/mutate-pods', review({ namespace: 'shop' }));
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'u1', allowed: true } });
    expect(await counted({ webhook: 'mutate', operation: 'CREATE', result: 'unmatched' })).toBe(1);
  });

  test('passes outcomes on, and refusals through', async () => {
    const reply = await call('/mutate-pods', review({ namespace: 'deny' }));
    expect(JSON.parse(reply.body).response).toEqual({ uid: 'u1', allowed: false, status: { code: 403, reason: 'Forbidden', message: 'no' } });
    expect(outcomes).toEqual([expect.objectContaining({ profile: 'p', rule: 'Privileged' })]);
  });

  test('a handler that throws gets a refusal, and the server goes on', async () => {
    const reply = await call('/mutate-pods', review({ namespace: 'boom' }));
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).response).toEqual({ uid: 'u1', allowed: false, status: { code: 500, reason: 'InternalError', message: 'berth: the webhook failed: kaboom' } });
    expect(await counted({ result: 'error' })).toBe(1);
    expect((await call('/mutate-pods', review({ namespace: 'shop' }))).status).toBe(200);
  });

  test.each([
    ['malformed JSON', '/mutate-pods', '{"apiVersion":', {}, 400, 'the body is not JSON'],
    ['JSON that is not a review', '/mutate-pods', '{"kind":"Pod"}', {}, 400, 'expected an admission.k8s.io/v1 AdmissionReview'],
    ['a review without a uid', '/mutate-pods', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { operation: 'CREATE' } }), {}, 400, 'has no uid'],
    ['an unknown path', '/nope', review({}), {}, 404, 'no admission webhook at /nope'],
    ['a GET', '/mutate-pods', '', { method: 'GET' }, 405, 'POSTed'],
    ['another content type', '/mutate-pods', review({}), { contentType: 'text/plain' }, 415, 'application/json'],
    ['a body over the limit', '/mutate-pods', Buffer.alloc(65 * 1024, 0x20), {}, 413, 'too large'],
  ])('%s: %d', async (_name, path, body, options, status, message) => {
    const reply = await call(path, body, options);
    expect(reply.status).toBe(status);
    expect(reply.body).toContain(message);
  });

  test('bad bodies are counted as invalid', async () => {
    expect(await counted({ webhook: 'mutate', operation: 'unknown', result: 'invalid' })).toBeGreaterThanOrEqual(3);
  });

  test('latency is recorded by webhook, operation and result', async () => {
    const text = await registry.metrics();
    const count = /^berth_admission_duration_seconds_count\{webhook="mutate",operation="CREATE",result="unmatched"\} (\d+)$/m.exec(text);
    expect(Number(count?.[1])).toBeGreaterThanOrEqual(2);
  });

  test('a renewed certificate is served to new connections without a restart', async () => {
    const before = await call('/mutate-pods', review({}));
    const next = await renew(bundle, 'serving', needs, new Date());
    server.setCertificate({ cert: next.cert, key: next.key });
    const after = await call('/mutate-pods', review({}));
    expect(after.status).toBe(200);
    expect(after.serial).not.toBe(before.serial);
  });

  test('a client that does not trust the CA cannot talk to it', async () => {
    const other = await renew(undefined, 'all', needs, new Date());
    await expect(call('/mutate-pods', review({}), { ca: other.caCert })).rejects.toThrow();
  });
});
