// The probe and metrics endpoint: /metrics for Prometheus, /healthz for liveness, /readyz for
// readiness (caches synced).

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface ProbeServerOptions {
  /** Default '127.0.0.1'; in a pod use '0.0.0.0' so the kubelet and Prometheus can reach it. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  registry: Registry;
  /** Names of what is not ready yet; empty means ready. */
  notReady: () => string[];
}

export interface ProbeServer {
  /** e.g. 'http://127.0.0.1:8080' */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startProbeServer(options: ProbeServerOptions): Promise<ProbeServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
    if (path === '/healthz' || path === '/livez') return send(res, 200, 'ok\n');
    if (path === '/readyz') {
      const waiting = options.notReady();
      return waiting.length === 0 ? send(res, 200, 'ok\n') : send(res, 503, `not ready: ${waiting.join(', ')}\n`);
    }
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => send(res, 200, text, options.registry.contentType),
        (err: unknown) => send(res, 500, `${String(err)}\n`),
      );
      return;
    }
    send(res, 404, 'not found\n');
  });
  // Probes and scrapes are short; do not let idle keep-alive sockets hold up shutdown.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // A scraper that polls over keep-alive never leaves its connection idle for long; give
        // the answers in flight a moment, then close what is left so that stopping never waits on it.
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      }),
  };
}

function send(res: http.ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
