// The HTTPS server the apiserver calls. It answers an AdmissionReview with an AdmissionReview,
// and survives anything else it is sent: a body that is not an AdmissionReview gets a 400 (the
// apiserver then applies the failure policy, Fail), and a handler that throws gets a refusal
// rather than a crash, so the webhook fails closed. A new certificate is swapped in without a
// restart.

import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { AdmissionMetrics } from './metrics.js';
import type { Handled, PodOutcome } from './pods.js';
import { deny, parseReview, reviewBody, type AdmissionRequest } from './review.js';

export interface TlsPair {
  cert: string;
  key: string;
}

export interface AdmissionRoute {
  /** Labels metrics and logs: 'mutate', 'validate', 'validate-berth'. */
  name: string;
  handle(request: AdmissionRequest): Handled;
}

export interface AdmissionServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  tls: TlsPair;
  /** By path, e.g. '/mutate-pods'. */
  routes: Record<string, AdmissionRoute>;
  metrics?: AdmissionMetrics;
  logger?: Logger;
  /** Called with every outcome a handler reports (not for dry runs). */
  onOutcome?: (outcome: PodOutcome) => void;
  /** Default 8 MiB: a pod is at most 1.5 MiB in etcd, and the review carries it once or twice. */
  maxBodyBytes?: number;
}

export interface AdmissionServer {
  readonly port: number;
  setCertificate(pair: TlsPair): void;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

export async function startAdmissionServer(options: AdmissionServerOptions): Promise<AdmissionServer> {
  const log = options.logger;
  const drain = { closing: false, inFlight: 0 };
  const server = https.createServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, (req, res) => {
    drain.inFlight++;
    // Once closing, the client should not send its next review down this connection.
    if (drain.closing) res.setHeader('Connection', 'close');
    res.once('close', () => {
      drain.inFlight--;
      if (drain.closing && drain.inFlight === 0) server.closeAllConnections();
    });
    serve(options, req, res).catch((err: unknown) => {
      log?.error({ err }, 'admission request failed');
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // Failed handshakes (a client without our CA, a port scan) are the client's problem.
  server.on('tlsClientError', (err) => log?.debug({ err }, 'TLS handshake failed'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    setCertificate: (pair) => server.setSecureContext({ cert: pair.cert, key: pair.key, minVersion: 'TLSv1.2' }),
    // In-flight reviews are answered; then every connection goes. The apiserver keeps its
    // connections alive and reuses them, so they never sit idle long enough for the keep-alive
    // timeout, and close() alone would wait for them until the apiserver stops calling.
    close: () =>
      new Promise<void>((resolve) => {
        drain.closing = true;
        server.close(() => resolve());
        if (drain.inFlight === 0) server.closeAllConnections();
        else server.closeIdleConnections();
      }),
  };
}

async function serve(options: AdmissionServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const path = (req.url ?? '/').split('?')[0];
  const route = options.routes[path];
  if (!route) return send(res, 404, `no admission webhook at ${path}\n`);
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return send(res, 405, 'admission reviews are POSTed\n');
  }
  const contentType = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(contentType)) return send(res, 415, 'expected Content-Type: application/json\n');

  let body: string;
  try {
    body = await readBody(req, options.maxBodyBytes ?? 8 * 1024 * 1024);
  } catch (err) {
    res.setHeader('Connection', 'close');
    if (err instanceof BodyTooLarge) return send(res, 413, 'the request body is too large\n');
    throw err;
  }
  const parsed = parseReview(body);
  if (!parsed.ok) {
    observe(options, route.name, 'unknown', 'invalid', started);
    options.logger?.warn({ webhook: route.name, reason: parsed.message }, 'not an admission review');
    return send(res, 400, `${parsed.message}\n`);
  }

  const request = parsed.request;
  let handled: Handled;
  try {
    handled = route.handle(request);
  } catch (err) {
    options.logger?.error({ err, webhook: route.name, uid: request.uid, namespace: request.namespace }, 'admission handler failed; refusing');
    handled = { response: deny(request, `berth: the webhook failed: ${(err as Error).message}`, 500, 'InternalError'), result: 'error' };
  }
  if (handled.outcome) options.onOutcome?.(handled.outcome);
  if (handled.result === 'refused') {
    options.logger?.info({ webhook: route.name, kind: request.kind?.kind, namespace: request.namespace, name: handled.outcome?.pod ?? request.name, dryRun: !!request.dryRun, message: handled.response.status?.message }, 'admission refused');
  }
  observe(options, route.name, request.operation, handled.result, started);
  send(res, 200, reviewBody(handled.response), 'application/json');
}

function observe(options: AdmissionServerOptions, webhook: string, operation: string, result: string, started: number): void {
  const labels = { webhook, operation, result };
  options.metrics?.requests.inc(labels);
  options.metrics?.duration.observe(labels, (performance.now() - started) / 1000);
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
