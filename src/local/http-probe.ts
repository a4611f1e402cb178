import { request } from 'node:https';
import { request as plainRequest } from 'node:http';

export interface TlsClient {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Only for loopback health endpoints that serve self-signed certificates. */
  insecure?: boolean;
}

/** GETs a URL and returns the status code and body; network errors become status 0. */
export function probe(url: string, tls: TlsClient = {}, timeoutMs = 3000): Promise<{ status: number; body: string }> {
  return new Promise((resolveProbe) => {
    const https = url.startsWith('https:');
    const options = https ? { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: !tls.insecure, timeout: timeoutMs } : { timeout: timeoutMs };
    const req = (https ? request : plainRequest)(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolveProbe({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolveProbe({ status: 0, body: '' }));
    req.end();
  });
}
