// The one HTTP path to the apiserver: a shared keep-alive agent, kubeconfig authentication on
// every request, the client-side token bucket, 429 Retry-After handling and the rest_client_*
// metrics. The runtime's own calls and typed client-node clients both go through it.

import http from 'node:http';
import https from 'node:https';
import {
  ResponseContext,
  ServerConfiguration,
  createConfiguration,
  wrapHttpLibrary,
  type Configuration,
  type KubeConfig,
  type RequestContext,
} from '@kubernetes/client-node';
import type { RuntimeMetrics } from './metrics.js';
import { templatePath } from './paths.js';
import { TokenBucket } from './ratelimit.js';
import { sleep } from './time.js';

export interface TransportOptions {
  /** Sustained requests per second; 0 or Infinity turns the client-side limit off. Default 20. */
  qps?: number;
  /** Requests allowed at once above the sustained rate. Default 30. */
  burst?: number;
  metrics?: RuntimeMetrics;
  /** Whole-request limit for everything but watches. Default 60 s. */
  requestTimeoutMs?: number;
  /** How often a 429 is retried before it is returned to the caller. Default 10. */
  maxThrottleRetries?: number;
  userAgent?: string;
}

export interface HttpRequest {
  method: string;
  /** Path below the server URL, without query string. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The texts of the apiserver's Warning headers (deprecated APIs, fields it ignored...). */
  warnings: string[];
}

/** The watch connection was open but silent for longer than its idle timeout. */
export class IdleTimeoutError extends Error {
  override readonly name = 'IdleTimeoutError';
}

export class Transport {
  readonly server: URL;
  private readonly agent: http.Agent;
  private readonly limiter: TokenBucket;
  private readonly requestTimeoutMs: number;
  private readonly maxThrottleRetries: number;
  private readonly userAgent: string;

  constructor(
    private readonly kc: KubeConfig,
    private readonly options: TransportOptions = {},
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    if (cluster.proxyUrl) throw new Error('kubeconfig proxy-url is not supported');
    this.server = new URL(cluster.server);
    // client-node 1.4 builds a new non-keep-alive agent per request. One shared keep-alive agent
    // instead; maxSockets stays unlimited (finite limits caused false "Premature close" errors
    // in node-fetch#1767), concurrency is bounded by the token bucket and the workers.
    const agentOptions = { keepAlive: true, keepAliveMsecs: 30_000 };
    this.agent = this.server.protocol === 'http:' ? new http.Agent(agentOptions) : new https.Agent(agentOptions);
    this.limiter = new TokenBucket(options.qps ?? 20, options.burst ?? 30);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    this.maxThrottleRetries = options.maxThrottleRetries ?? 10;
    this.userAgent = options.userAgent ?? 'berth';
  }

  /** Sends a request and buffers the answer. Throws only when no HTTP answer came back. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = this.url(req.path, req.query);
    const labels = { verb: req.method, host: url.host, path: templatePath(url.pathname) };
    for (let attempt = 0; ; attempt++) {
      await this.throttle(labels, req.signal);
      const start = performance.now();
      let res: HttpResponse;
      try {
        res = await this.send(url, req, this.requestTimeoutMs);
      } catch (e) {
        this.options.metrics?.restRequests.inc({ code: '<error>', method: req.method, host: url.host });
        throw e;
      }
      this.options.metrics?.restRequests.inc({ code: String(res.status), method: req.method, host: url.host });
      this.options.metrics?.restDuration.observe(labels, (performance.now() - start) / 1000);
      if (res.warnings.length > 0) this.options.metrics?.restWarnings.inc({ method: req.method, host: url.host }, res.warnings.length);
      // 429 means the apiserver did not process the request (API Priority and Fairness), so even
      // a POST is safe to send again once the server says when.
      if (res.status !== 429 || attempt >= this.maxThrottleRetries || req.signal?.aborted) return res;
      await sleep(retryAfterMs(res.headers['retry-after']), req.signal);
    }
  }

  /**
   * Opens a streaming GET and calls `onLine` for every newline-terminated line of a 200 answer.
   * Resolves with the status and an empty body when the server ends the stream, or with the
   * buffered error answer for any other status. Rejects with IdleTimeoutError when nothing
   * arrives for `idleTimeoutMs`, and when `onLine` throws or `signal` aborts.
   */
  async stream(req: HttpRequest, onLine: (line: string) => void, idleTimeoutMs: number): Promise<HttpResponse> {
    const url = this.url(req.path, req.query);
    const labels = { verb: 'WATCH', host: url.host, path: templatePath(url.pathname) };
    await this.throttle(labels, req.signal);
    const start = performance.now();
    const { headers, tls } = await this.prepare(req);
    return new Promise<HttpResponse>((resolve, reject) => {
      let idle: NodeJS.Timeout | undefined;
      const { finish, settled } = settleOnce(resolve, reject, () => {
        clearTimeout(idle);
        req.signal?.removeEventListener('abort', onAbort);
      }, () => request.destroy());
      const armIdle = () => {
        clearTimeout(idle);
        idle = setTimeout(() => finish(new IdleTimeoutError(`watch ${url.pathname} silent for ${idleTimeoutMs} ms`)), idleTimeoutMs);
      };
      const onAbort = () => finish(abortError());

      const request = this.module().request(url, { method: 'GET', headers, agent: this.agent, ...tls }, (res) => {
        this.options.metrics?.restRequests.inc({ code: String(res.statusCode), method: 'GET', host: url.host });
        this.options.metrics?.restDuration.observe(labels, (performance.now() - start) / 1000);
        if (res.statusCode !== 200) return collect(res, finish, `watch ${url.pathname}`);
        res.setEncoding('utf8'); // decodes characters split across chunks
        let pending = '';
        res.on('data', (chunk: string) => {
          armIdle();
          pending += chunk;
          let nl: number;
          while (!settled() && (nl = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, nl).trim();
            pending = pending.slice(nl + 1);
            if (!line) continue;
            try {
              onLine(line);
            } catch (e) {
              finish(e instanceof Error ? e : new Error(String(e)));
            }
          }
        });
        res.on('end', () => finish(undefined, okEnd(res)));
        res.on('error', (e) => finish(e));
        // A connection cut mid-stream closes without 'end'.
        res.on('close', () => finish(res.complete ? undefined : new Error(`watch ${url.pathname}: connection closed mid-stream`), okEnd(res)));
      });
      request.on('error', (e) => {
        if (!settled()) this.options.metrics?.restRequests.inc({ code: '<error>', method: 'GET', host: url.host });
        finish(e);
      });
      if (req.signal?.aborted) return finish(abortError());
      req.signal?.addEventListener('abort', onAbort, { once: true });
      armIdle();
      request.end();
    });
  }

  /** A client-node Configuration whose requests go through this transport. */
  configuration(): Configuration {
    return createConfiguration({
      baseServer: new ServerConfiguration(this.server.toString().replace(/\/$/, ''), {}),
      authMethods: { default: this.kc },
      httpApi: wrapHttpLibrary({ send: (ctx) => this.sendContext(ctx) }),
    });
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }

  private async sendContext(ctx: RequestContext): Promise<ResponseContext> {
    const url = new URL(ctx.getUrl());
    const prefix = this.server.pathname.replace(/\/$/, '');
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
    const body = ctx.getBody();
    if (body !== undefined && typeof body !== 'string') throw new Error('only string request bodies are supported');
    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => (query[k] = v));
    const res = await this.request({
      method: ctx.getHttpMethod().toString(),
      path,
      query,
      headers: ctx.getHeaders(),
      body,
      signal: ctx.getSignal(),
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    return new ResponseContext(res.status, headers, {
      text: () => Promise.resolve(res.body.toString('utf8')),
      binary: () => Promise.resolve(res.body),
    });
  }

  private async throttle(labels: { verb: string; host: string; path: string }, signal?: AbortSignal): Promise<void> {
    const start = performance.now();
    await this.limiter.take();
    this.options.metrics?.restRateLimiter.observe(labels, (performance.now() - start) / 1000);
    if (signal?.aborted) throw abortError();
  }

  private async send(url: URL, req: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
    const { headers, tls } = await this.prepare(req);
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    return new Promise<HttpResponse>((resolve, reject) => {
      const { finish } = settleOnce(resolve, reject, () => {
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
      }, () => request.destroy());
      const onAbort = () => finish(abortError());
      const timer = setTimeout(() => finish(new Error(`${req.method} ${url.pathname}: no answer within ${timeoutMs} ms`)), timeoutMs);
      const request = this.module().request(url, { method: req.method, headers, agent: this.agent, ...tls }, (res) => collect(res, finish, `${req.method} ${url.pathname}`));
      request.on('error', (e) => finish(e));
      if (req.signal?.aborted) return finish(abortError());
      req.signal?.addEventListener('abort', onAbort, { once: true });
      request.end(req.body);
    });
  }

  // Authentication is applied per request so that exec-plugin and projected service-account
  // tokens are refreshed (client-node caches them until they expire). TLS material travels with
  // each request too: the agent pools sockets per distinct TLS options, so a rotated client
  // certificate gets new connections.
  private async prepare(req: HttpRequest): Promise<{ headers: Record<string, string>; tls: https.RequestOptions }> {
    const opts: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.userAgent };
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k] = v;
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
    }
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    if (this.server.protocol === 'http:') return { headers, tls: {} };
    const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = opts;
    return { headers, tls: { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } };
  }

  private module(): typeof http | typeof https {
    return this.server.protocol === 'http:' ? http : https;
  }

  private url(path: string, query?: HttpRequest['query']): URL {
    const url = new URL(this.server.toString());
    url.pathname = url.pathname.replace(/\/$/, '') + path;
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }
}

type Finish = (err: Error | undefined, res?: HttpResponse) => void;

// A request's promise is settled by whichever comes first (the answer, an error, a timeout, an
// abort) and only by it; `cleanup` runs then, and a failure also destroys the request.
function settleOnce(resolve: (res: HttpResponse) => void, reject: (err: Error) => void, cleanup: () => void, destroy: () => void): { finish: Finish; settled: () => boolean } {
  let done = false;
  const finish: Finish = (err, res) => {
    if (done) return;
    done = true;
    cleanup();
    if (err) {
      destroy();
      reject(err);
    } else {
      resolve(res!);
    }
  };
  return { finish, settled: () => done };
}

/** Reads a whole answer into `finish`. */
function collect(res: http.IncomingMessage, finish: Finish, what: string): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), warnings: warningsOf(res) }));
  res.on('error', (e) => finish(e));
  res.on('close', () => finish(new Error(`${what}: connection closed before the answer was complete`)));
}

function okEnd(res: http.IncomingMessage): HttpResponse {
  return { status: 200, headers: res.headers, body: Buffer.alloc(0), warnings: warningsOf(res) };
}

/**
 * The texts of the Warning headers of an answer (RFC 7234 form `299 - "text"`, as the apiserver
 * sends them, one header per warning; headersDistinct keeps them apart where `headers` would
 * join them with commas the texts may hold too).
 */
function warningsOf(res: http.IncomingMessage): string[] {
  return (res.headersDistinct.warning ?? []).map(parseWarning);
}

function parseWarning(header: string): string {
  const quoted = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(header);
  return quoted ? quoted[1].replace(/\\(.)/g, '$1') : header;
}

function retryAfterMs(header: string | undefined): number {
  const seconds = Number(header);
  // Without a usable header wait one second, the apiserver's own usual hint.
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 60) * 1000 : 1000;
}

function abortError(): Error {
  const e = new Error('request aborted');
  e.name = 'AbortError';
  return e;
}
