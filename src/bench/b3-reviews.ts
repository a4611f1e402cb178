import { randomUUID } from 'node:crypto';
import https from 'node:https';
import { WEBHOOK_NAMESPACE, benchPod, type WebhookEndpoint } from './b3-setup.js';

// The webhook server alone: AdmissionReviews POSTed straight to /mutate-pods at a fixed rate
// (open loop: a request goes out on schedule whether or not the previous one has answered), each
// followed half an interval later by a request to a path the server does not serve, the same
// TLS and HTTP on the same connections without the review: the floor the handler adds to.

export interface ReviewLatencies {
  review: number[];
  floor: number[];
  errors: number;
}

/** A bounded run: rate · seconds reviews and as many floor requests, then it stops. */
export async function reviewLoad(endpoint: WebhookEndpoint, rate: number, seconds: number, progress: (line: string) => void): Promise<ReviewLatencies> {
  const base = new URL(endpoint.url);
  const agent = new https.Agent({ keepAlive: true, maxSockets: 16, ca: endpoint.ca });
  const out: ReviewLatencies = { review: [], floor: [], errors: 0 };
  const total = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const started = performance.now();
  const sends: Promise<void>[] = [];
  await expectRouted(agent, base);
  // A review is answered 200 (with the patch that routes the pod); the floor path 404.
  const send = (path: string, into: number[], status: number) => {
    sends.push(post(agent, base, path, reviewBody()).then(
      (r) => void (r.status === status ? into.push(r.ms) : out.errors++),
      () => void out.errors++,
    ));
  };
  try {
    for (let i = 0; i < total; i++) {
      await sleepUntil(started + i * interval);
      send(base.pathname, out.review, 200);
      await sleepUntil(started + (i + 0.5) * interval);
      send('/b3-floor', out.floor, 404);
      if ((i + 1) % rate === 0) progress(`  ... ${(i + 1) / rate} s`);
    }
    await Promise.all(sends);
  } finally {
    agent.destroy();
  }
  return out;
}

// One review first: the webhook must answer it by routing the pod, or the run measures nothing.
async function expectRouted(agent: https.Agent, base: URL): Promise<void> {
  const answer = await new Promise<string>((resolve, reject) => {
    const body = reviewBody();
    const req = https.request({ host: base.hostname, port: base.port, path: base.pathname, method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(text)).on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
  const response = (JSON.parse(answer) as { response?: { allowed?: boolean; patch?: string } }).response;
  if (!response?.allowed || !response.patch) throw new Error(`the webhook did not route the review pod: ${answer.slice(0, 300)}`);
}

function reviewBody(): string {
  const pod = benchPod('review', WEBHOOK_NAMESPACE);
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      requestResource: { group: '', version: 'v1', resource: 'pods' },
      name: pod.metadata.name,
      namespace: WEBHOOK_NAMESPACE,
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller' },
      object: pod,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  });
}

// The status and the milliseconds until the whole answer is read; fails on an error or after 5 s.
function post(agent: https.Agent, base: URL, path: string, body: string): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = https.request({ host: base.hostname, port: base.port, path, method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.setTimeout(5000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

function sleepUntil(time: number): Promise<void> {
  const wait = time - performance.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}
