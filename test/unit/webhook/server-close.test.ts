import { afterEach, describe, expect, test } from '@jest/globals';
import https from 'node:https';
import { renew, type CertificateNeeds } from '../../../src/webhook/certs.js';
import { allow } from '../../../src/webhook/review.js';
import { startAdmissionServer, type AdmissionServer } from '../../../src/webhook/server.js';

// Shutdown against clients that keep their connections, as the apiserver does: close() must not
// wait for them, yet must answer a review that is already being read.

const needs: CertificateNeeds = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], caLifetimeMs: 86_400_000, servingLifetimeMs: 3_600_000 };
const bundle = await renew(undefined, 'all', needs, new Date());
const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u1', operation: 'CREATE', namespace: 'shop' } });
const agents: https.Agent[] = [];

afterEach(() => agents.splice(0).forEach((a) => a.destroy()));

function start(): Promise<AdmissionServer> {
  return startAdmissionServer({
    host: '127.0.0.1',
    port: 0,
    tls: { cert: bundle.cert, key: bundle.key },
    routes: { '/mutate-pods': { name: 'mutate', handle: (request) => ({ response: allow(request), result: 'unmatched' }) } },
  });
}

/** One connection, kept alive between requests. */
function keepAliveAgent(): https.Agent {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: bundle.caCert });
  agents.push(agent);
  return agent;
}

function review(server: AdmissionServer, agent: https.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: server.port, path: '/mutate-pods', method: 'POST', agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Whichever settles first: close(), or a timer far longer than a prompt close takes. */
async function closeOrTimeout(closing: Promise<void>): Promise<'closed' | 'timed out'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timed out'>((resolve) => (timer = setTimeout(() => resolve('timed out'), 10_000)));
  try {
    return await Promise.race([closing.then(() => 'closed' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('closing the admission server', () => {
  test('does not wait for an idle keep-alive connection', async () => {
    const server = await start();
    const agent = keepAliveAgent();
    expect(await review(server, agent)).toBe(200);
    expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);

    expect(await closeOrTimeout(server.close())).toBe('closed');
  }, 15_000);

  test('answers the review in flight, then drops the connection the client keeps calling on', async () => {
    const server = await start();
    const agent = keepAliveAgent();
    expect(await review(server, agent)).toBe(200);

    // The server answers 100 Continue as it hands the request to its handler, so the review is
    // in flight once the client sees it.
    let closing: Promise<void> | undefined;
    const inFlight = await new Promise<number>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port: server.port, path: '/mutate-pods', method: 'POST', agent, headers: { 'Content-Type': 'application/json', Expect: '100-continue' } }, (res) => {
        res.resume().on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('continue', () => {
        closing = server.close();
        req.end(body);
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(inFlight).toBe(200);

    // Like the apiserver, go on sending reviews down the kept connection until one fails.
    let closed = false;
    void closing!.then(() => (closed = true));
    const calling = (async () => {
      while (!closed) {
        if (await review(server, agent).then(() => false, () => true)) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const outcome = await closeOrTimeout(closing!);
    closed = true;
    await calling;
    expect(outcome).toBe('closed');
  }, 15_000);
});
