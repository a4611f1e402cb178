// A small in-memory Kubernetes apiserver on 127.0.0.1 for the runtime's unit tests. It speaks
// the real paths and semantics the runtime relies on: list with limit/continue and a
// resourceVersion, watch from a resourceVersion with bookmarks and 410 for compacted history,
// create/replace with resourceVersion compare-and-swap, merge and apply patches, delete,
// discovery, and MicroTime validation for Leases. Faults can be injected per request.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export interface Resource {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FaultMatch {
  method?: string;
  path?: RegExp;
  watch?: boolean;
  /** Only requests carrying this bearer token. */
  token?: string;
}

interface Fault extends FaultMatch {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  times: number;
}

type Obj = Record<string, any>;

interface Watcher {
  collection: string;
  namespace?: string;
  bookmarks: boolean;
  res: http.ServerResponse;
}

const MICRO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

export const DEFAULT_RESOURCES: Resource[] = [
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true },
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true },
  { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true },
  { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true },
  { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false },
  { group: 'example.com', version: 'v1', plural: 'widgets', kind: 'Widget', namespaced: true },
  { group: 'example.com', version: 'v1', plural: 'gizmos', kind: 'Gizmo', namespaced: false },
];

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  /** TCP connections accepted so far. */
  connections = 0;
  /** Set to keep new watches open without ever sending anything. */
  silentWatches = false;
  private rv = 100;
  private compactedBelow = 0;
  private readonly objects = new Map<string, Map<string, Obj>>();
  private readonly history: { rv: number; collection: string; type: string; object: Obj }[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly faults: Fault[] = [];
  private readonly resources: Resource[];
  private server!: http.Server;
  url = '';

  private constructor(resources: Resource[]) {
    this.resources = resources;
  }

  static async start(resources: Resource[] = DEFAULT_RESOURCES): Promise<FakeApiServer> {
    const fake = new FakeApiServer(resources);
    fake.server = http.createServer((req, res) => fake.handle(req, res));
    fake.server.on('connection', () => fake.connections++);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  kubeConfig(token = 'test-token'): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'u', token }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'u', namespace: 'default' }],
      currentContext: 'fake',
    });
    return kc;
  }

  /** Answers the next `times` matching requests with `status` instead of serving them. */
  failNext(match: FaultMatch, status: number, options: { body?: unknown; headers?: Record<string, string>; times?: number } = {}): void {
    this.faults.push({ ...match, status, body: options.body, headers: options.headers, times: options.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Stores an object as a client would create it, producing an ADDED event. */
  put(plural: string, obj: Obj): Obj {
    const res = this.resourceByPlural(plural);
    const collection = this.collectionId(res);
    const key = this.objectKey(res, obj.metadata.namespace, obj.metadata.name);
    const existing = this.objects.get(collection)?.get(key);
    const stored = this.store(res, structuredClone(obj), existing);
    this.record(collection, existing ? 'MODIFIED' : 'ADDED', stored);
    return stored;
  }

  remove(plural: string, name: string, namespace?: string): void {
    const res = this.resourceByPlural(plural);
    const collection = this.collectionId(res);
    const key = this.objectKey(res, namespace, name);
    const obj = this.objects.get(collection)?.get(key);
    if (!obj) return;
    this.objects.get(collection)!.delete(key);
    obj.metadata.resourceVersion = String(++this.rv);
    this.record(collection, 'DELETED', obj);
  }

  /** Deletes an object without any watch event, as if the event was lost in compaction. */
  removeSilently(plural: string, name: string, namespace?: string): void {
    const res = this.resourceByPlural(plural);
    this.objects.get(this.collectionId(res))?.delete(this.objectKey(res, namespace, name));
    this.rv++;
  }

  /** Compacts and tells every open watch its resourceVersion is gone (ERROR 410), then ends it. */
  expireWatches(): void {
    this.compact();
    for (const w of this.watchers) {
      this.send(w, { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version' } });
      w.res.end();
    }
    this.watchers.clear();
  }

  getObject(plural: string, name: string, namespace?: string): Obj | undefined {
    const res = this.resourceByPlural(plural);
    return this.objects.get(this.collectionId(res))?.get(this.objectKey(res, namespace, name));
  }

  list(plural: string): Obj[] {
    return [...(this.objects.get(this.collectionId(this.resourceByPlural(plural)))?.values() ?? [])];
  }

  /** Forgets all history: a watch from any earlier resourceVersion gets 410 Gone. */
  compact(): void {
    this.compactedBelow = this.rv + 1;
    this.history.length = 0;
  }

  /** Sends a BOOKMARK with the current resourceVersion to every watch that asked for them. */
  bookmark(): void {
    for (const w of this.watchers) {
      if (w.bookmarks) this.send(w, { type: 'BOOKMARK', object: { kind: 'Bookmark', metadata: { resourceVersion: String(this.rv) } } });
    }
  }

  /** Ends every open watch cleanly, as the apiserver does at timeoutSeconds. */
  closeWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  /** Cuts every open watch connection mid-stream, as a dying proxy or node would. */
  cutWatches(): void {
    for (const w of this.watchers) w.res.socket?.destroy();
    this.watchers.clear();
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Advances the resourceVersion as writes to other collections would. */
  bump(n = 1): void {
    this.rv += n;
  }

  watchRequests(plural: string): RecordedRequest[] {
    return this.requests.filter((r) => r.query.watch === 'true' && r.path.endsWith(`/${plural}`));
  }

  listRequests(plural: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'GET' && r.query.watch !== 'true' && r.path.endsWith(`/${plural}`));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const query = Object.fromEntries(url.searchParams);
      const recorded = { method: req.method ?? 'GET', path: url.pathname, query, headers: req.headers, body };
      this.requests.push(recorded);
      try {
        if (this.injectFault(recorded, res)) return;
        this.route(recorded, res);
      } catch (e) {
        this.status(res, 500, 'InternalError', String(e));
      }
    });
  }

  private injectFault(req: RecordedRequest, res: http.ServerResponse): boolean {
    const fault = this.faults.find(
      (f) =>
        f.times > 0 &&
        (f.method === undefined || f.method === req.method) &&
        (f.path === undefined || f.path.test(req.path)) &&
        (f.watch === undefined || f.watch === (req.query.watch === 'true')) &&
        (f.token === undefined || req.headers.authorization === `Bearer ${f.token}`),
    );
    if (!fault) return false;
    fault.times--;
    const body = JSON.stringify(fault.body ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: fault.status, reason: 'Injected', message: 'injected fault' });
    res.writeHead(fault.status, { 'Content-Type': 'application/json', ...fault.headers });
    res.end(body);
    return true;
  }

  private route(req: RecordedRequest, res: http.ServerResponse): void {
    const parts = req.path.split('/').filter(Boolean);
    // Discovery: /api/v1 and /apis/<group>/<version>.
    if ((parts[0] === 'api' && parts.length === 2) || (parts[0] === 'apis' && parts.length === 3)) {
      const [group, version] = parts[0] === 'api' ? ['', parts[1]] : [parts[1], parts[2]];
      const resources = this.resources.filter((r) => r.group === group && r.version === version);
      if (resources.length === 0) return this.status(res, 404, 'NotFound', 'no such group version');
      return this.json(res, 200, {
        kind: 'APIResourceList',
        groupVersion: group ? `${group}/${version}` : version,
        resources: resources.flatMap((r) => [
          { name: r.plural, kind: r.kind, namespaced: r.namespaced, verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
          { name: `${r.plural}/status`, kind: r.kind, namespaced: r.namespaced, verbs: ['get', 'patch', 'update'] },
        ]),
      });
    }
    const parsed = this.parse(parts);
    if (!parsed) return this.status(res, 404, 'NotFound', `no route for ${req.path}`);
    const { resource, namespace, name, subresource } = parsed;
    const collection = this.collectionId(resource);
    if (name === undefined) {
      if (req.method === 'GET' && req.query.watch === 'true') return this.watch(req, res, collection, namespace);
      if (req.method === 'GET') return this.listCollection(req, res, resource, namespace);
      if (req.method === 'POST') return this.create(req, res, resource, namespace);
      return this.status(res, 405, 'MethodNotAllowed', req.method);
    }
    const key = this.objectKey(resource, namespace, name);
    const existing = this.objects.get(collection)?.get(key);
    if (req.method === 'GET') return existing ? this.json(res, 200, existing) : this.notFound(res, resource, name);
    if (req.method === 'DELETE') {
      if (!existing) return this.notFound(res, resource, name);
      this.remove(resource.plural, name, namespace);
      return this.json(res, 200, existing);
    }
    const body = JSON.parse(req.body) as Obj;
    if (resource.plural === 'leases' && !this.validLease(body, res)) return;
    if (req.method === 'PUT') {
      if (!existing) return this.notFound(res, resource, name);
      const expected = body.metadata?.resourceVersion;
      if (expected && expected !== existing.metadata.resourceVersion) return this.status(res, 409, 'Conflict', 'the object has been modified');
      const stored = this.store(resource, { ...body, metadata: { ...body.metadata, name, namespace } }, existing);
      this.record(collection, 'MODIFIED', stored);
      return this.json(res, 200, stored);
    }
    if (req.method === 'PATCH') {
      const type = req.headers['content-type'];
      if (type === 'application/apply-patch+yaml') {
        if (!req.query.fieldManager) return this.status(res, 400, 'BadRequest', 'fieldManager is required for apply');
        let next: Obj;
        if (subresource === 'status') {
          if (!existing) return this.notFound(res, resource, name);
          next = { ...existing, status: body.status };
        } else {
          next = existing ? deepMerge(structuredClone(existing), body) : { ...body, metadata: { ...body.metadata, name, namespace } };
        }
        const stored = this.store(resource, next, existing);
        this.record(collection, existing ? 'MODIFIED' : 'ADDED', stored);
        return this.json(res, existing ? 200 : 201, stored);
      }
      if (type === 'application/merge-patch+json') {
        if (!existing) return this.notFound(res, resource, name);
        const expected = body.metadata?.resourceVersion;
        if (expected && expected !== existing.metadata.resourceVersion) return this.status(res, 409, 'Conflict', 'the object has been modified');
        const patch = subresource === 'status' ? { status: body.status } : body;
        const stored = this.store(resource, mergePatch(structuredClone(existing), patch) as Obj, existing);
        this.record(collection, 'MODIFIED', stored);
        return this.json(res, 200, stored);
      }
      return this.status(res, 415, 'UnsupportedMediaType', String(type));
    }
    this.status(res, 405, 'MethodNotAllowed', req.method);
  }

  private listCollection(req: RecordedRequest, res: http.ServerResponse, resource: Resource, namespace?: string): void {
    let items = [...(this.objects.get(this.collectionId(resource))?.values() ?? [])]
      .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
      .filter((o) => matchesLabels(o, req.query.labelSelector))
      .sort((a, b) => this.objectKey(resource, a.metadata.namespace, a.metadata.name).localeCompare(this.objectKey(resource, b.metadata.namespace, b.metadata.name)));
    let offset = 0;
    let snapshot = String(this.rv);
    if (req.query.continue) {
      const token = JSON.parse(Buffer.from(req.query.continue, 'base64').toString()) as { rv: string; offset: number };
      offset = token.offset;
      snapshot = token.rv;
    }
    const limit = Number(req.query.limit) || 0;
    const metadata: Obj = { resourceVersion: snapshot };
    if (limit > 0) {
      const end = offset + limit;
      if (end < items.length) metadata.continue = Buffer.from(JSON.stringify({ rv: snapshot, offset: end })).toString('base64');
      items = items.slice(offset, end);
    }
    // Real list responses carry no apiVersion/kind on built-in items.
    const shown = items.map((o) => (resource.group === 'example.com' ? o : { ...o, apiVersion: undefined, kind: undefined }));
    this.json(res, 200, { kind: `${resource.kind}List`, apiVersion: resource.group ? `${resource.group}/${resource.version}` : resource.version, metadata, items: shown });
  }

  private watch(req: RecordedRequest, res: http.ServerResponse, collection: string, namespace?: string): void {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    if (this.silentWatches) {
      // Keep the socket open without a byte, as a half-open connection would.
      const silent: Watcher = { collection: '__silent__', bookmarks: false, res };
      this.watchers.add(silent);
      res.on('close', () => this.watchers.delete(silent));
      return;
    }
    const watcher: Watcher = { collection, namespace, bookmarks: req.query.allowWatchBookmarks === 'true', res };
    const from = req.query.resourceVersion;
    if (from !== undefined && from !== '' && from !== '0' && Number(from) < this.compactedBelow - 1) {
      this.send(watcher, { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: `too old resource version: ${from}` } });
      res.end();
      return;
    }
    if (from === undefined || from === '' || from === '0') {
      for (const obj of this.objects.get(collection)?.values() ?? []) this.send(watcher, { type: 'ADDED', object: obj });
    } else {
      for (const h of this.history) if (h.rv > Number(from) && h.collection === collection) this.send(watcher, { type: h.type, object: h.object });
    }
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
  }

  private create(req: RecordedRequest, res: http.ServerResponse, resource: Resource, namespace?: string): void {
    const body = JSON.parse(req.body) as Obj;
    if (resource.plural === 'leases' && !this.validLease(body, res)) return;
    body.metadata ??= {};
    if (!body.metadata.name && body.metadata.generateName) body.metadata.name = `${body.metadata.generateName}${this.rv + 1}`;
    const key = this.objectKey(resource, namespace, body.metadata.name);
    if (this.objects.get(this.collectionId(resource))?.has(key)) return this.status(res, 409, 'AlreadyExists', `${resource.plural} "${body.metadata.name}" already exists`);
    const stored = this.store(resource, { ...body, metadata: { ...body.metadata, namespace } }, undefined);
    this.record(this.collectionId(resource), 'ADDED', stored);
    this.json(res, 201, stored);
  }

  private validLease(body: Obj, res: http.ServerResponse): boolean {
    for (const field of ['renewTime', 'acquireTime']) {
      const v = body.spec?.[field];
      if (v !== undefined && !MICRO.test(v)) {
        this.status(res, 400, 'BadRequest', `parsing time "${v}" as "2006-01-02T15:04:05.000000Z07:00"`);
        return false;
      }
    }
    if (body.spec?.leaseDurationSeconds !== undefined && !(body.spec.leaseDurationSeconds > 0)) {
      this.status(res, 422, 'Invalid', 'leaseDurationSeconds must be greater than 0');
      return false;
    }
    return true;
  }

  private store(resource: Resource, obj: Obj, existing: Obj | undefined): Obj {
    const collection = this.collectionId(resource);
    if (!this.objects.has(collection)) this.objects.set(collection, new Map());
    const stored: Obj = {
      ...obj,
      apiVersion: resource.group ? `${resource.group}/${resource.version}` : resource.version,
      kind: resource.kind,
      metadata: {
        ...obj.metadata,
        uid: existing?.metadata.uid ?? `uid-${this.rv + 1}`,
        creationTimestamp: existing?.metadata.creationTimestamp ?? '2026-01-01T00:00:00Z',
        resourceVersion: String(++this.rv),
        managedFields: [{ manager: 'fake', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} }],
      },
    };
    this.objects.get(collection)!.set(this.objectKey(resource, obj.metadata?.namespace, obj.metadata?.name), stored);
    return stored;
  }

  private record(collection: string, type: string, object: Obj): void {
    const event = { rv: Number(object.metadata.resourceVersion), collection, type, object: structuredClone(object) };
    this.history.push(event);
    for (const w of this.watchers) {
      if (w.collection !== collection) continue;
      if (w.namespace !== undefined && object.metadata.namespace !== w.namespace) continue;
      this.send(w, { type, object });
    }
  }

  private send(w: Watcher, event: unknown): void {
    w.res.write(`${JSON.stringify(event)}\n`);
  }

  private parse(parts: string[]): { resource: Resource; namespace?: string; name?: string; subresource?: string } | undefined {
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api') [group, version, rest] = ['', parts[1], parts.slice(2)];
    else if (parts[0] === 'apis') [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
    else return undefined;
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const resource = this.resources.find((r) => r.group === group && r.version === version && r.plural === rest[0]);
    if (!resource) return undefined;
    return { resource, namespace, name: rest[1], subresource: rest[2] };
  }

  private resourceByPlural(plural: string): Resource {
    const r = this.resources.find((x) => x.plural === plural);
    if (!r) throw new Error(`unknown resource ${plural}`);
    return r;
  }

  private collectionId(r: Resource): string {
    return `${r.group}/${r.version}/${r.plural}`;
  }

  private objectKey(r: Resource, namespace: string | undefined, name: string): string {
    return r.namespaced ? `${namespace}/${name}` : name;
  }

  private notFound(res: http.ServerResponse, r: Resource, name: string): void {
    this.status(res, 404, 'NotFound', `${r.plural} "${name}" not found`);
  }

  private status(res: http.ServerResponse, code: number, reason: string, message: string): void {
    this.json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  }

  private json(res: http.ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }
}

function matchesLabels(obj: Obj, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return obj.metadata.labels?.[k] === v;
  });
}

function deepMerge(target: Obj, source: Obj): Obj {
  for (const [k, v] of Object.entries(source)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && target[k] && typeof target[k] === 'object' && !Array.isArray(target[k])) deepMerge(target[k], v);
    else target[k] = v;
  }
  return target;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Obj = target && typeof target === 'object' && !Array.isArray(target) ? (target as Obj) : {};
  for (const [k, v] of Object.entries(patch as Obj)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
