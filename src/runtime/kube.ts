// Kube: the operator's client. Bodies go out as the caller's JSON, byte for byte; nothing passes
// through client-node's typed serializer, which drops renamed and unknown fields. Every write
// asks for fieldValidation=Strict, so the apiserver refuses (400) a field it does not know or a
// duplicate instead of pruning it in silence; the warnings it still answers with (deprecated
// APIs, duplicate ports...) are logged with the object they concern.

import type { Configuration, KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { KubeApiError, WriteFencedError, isNotFound, parseStatus, type StatusBody } from './errors.js';
import type { KubeObject, ObjectList, WatchEvent } from './objects.js';
import { groupVersionPath, resourcePath, type ResourceRef } from './paths.js';
import { Resources } from './resources.js';
import { Transport, type HttpRequest, type TransportOptions } from './transport.js';

export interface KubeOptions extends TransportOptions {
  /** Field manager for server-side apply. Default 'berth'. */
  fieldManager?: string;
  /** Where the apiserver's warnings about a request are logged. */
  logger?: Logger;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  signal?: AbortSignal;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  /** Ask the server for BOOKMARK events, so a quiet watch still moves its resourceVersion. Default true. */
  allowWatchBookmarks?: boolean;
  /** Server-side end of the watch. */
  timeoutSeconds?: number;
  /** Give up on a connection that sends nothing for this long. Default 120 s. */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface ApplyOptions {
  fieldManager?: string;
  /** Take over fields other managers own. Default true: Berth is the authority on what it renders. */
  force?: boolean;
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
  signal?: AbortSignal;
}

export type PatchType = 'merge' | 'json' | 'strategic';

const PATCH_CONTENT_TYPES: Record<PatchType | 'apply', string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** Unknown or duplicate fields in a write are refused, not dropped. */
const FIELD_VALIDATION = 'Strict';

export class Kube {
  readonly transport: Transport;
  readonly fieldManager: string;
  private readonly log: Logger | undefined;
  private readonly kinds = new Map<string, ResourceRef>();
  private readonly missedAt = new Map<string, number>();
  /** Why writes must not be sent now, or undefined; set on views made by withWriteFence. */
  private fence: (() => string | undefined) | undefined;

  constructor(
    private readonly kc: KubeConfig,
    options: KubeOptions = {},
  ) {
    this.transport = new Transport(kc, options);
    this.fieldManager = options.fieldManager ?? 'berth';
    this.log = options.logger;
    for (const ref of Object.values(Resources)) this.register(ref);
  }

  /**
   * This client, sharing its connections and known kinds, but refusing every write while `fence`
   * gives a reason. The controllers of a leader write through such a view, so a leader that was
   * frozen past its lease sends nothing once it wakes; the lease itself and the webhook, which
   * serves on every replica, keep the client without a fence.
   */
  withWriteFence(fence: () => string | undefined): Kube {
    // A view, not a copy: the transport, its rate limit and the kinds found stay shared.
    const view = Object.create(this) as Kube;
    view.fence = fence;
    return view;
  }

  /** Namespace of the kubeconfig's current context, if it names one. */
  get defaultNamespace(): string | undefined {
    return this.kc.getContextObject(this.kc.getCurrentContext())?.namespace;
  }

  /** A typed client-node API client whose requests share this client's agent, limit and metrics. */
  api<T>(apiClass: new (config: Configuration) => T): T {
    return new apiClass(this.transport.configuration());
  }

  /** Makes a kind known without discovery (e.g. Berth's own custom resources). */
  register(ref: ResourceRef): void {
    this.kinds.set(kindKey(ref.group ? `${ref.group}/${ref.version}` : ref.version, ref.kind), ref);
  }

  /** The resource of an apiVersion and kind: registered, built in, or found by API discovery. */
  async resourceFor(apiVersion: string, kind: string): Promise<ResourceRef> {
    const key = kindKey(apiVersion, kind);
    const known = this.kinds.get(key);
    if (known) return known;
    // A kind that discovery did not know is asked for again after a while: its CRD may be
    // installed meanwhile. In between, misses fail fast instead of hammering discovery.
    const missed = this.missedAt.get(key);
    if (missed === undefined || performance.now() - missed > 10_000) {
      await this.discover(apiVersion);
      const found = this.kinds.get(key);
      if (found) return found;
      this.missedAt.set(key, performance.now());
    }
    throw new Error(`no resource for kind ${kind} in ${apiVersion}`);
  }

  /**
   * Sends a request and parses the JSON answer; a non-2xx answer throws KubeApiError. `about`
   * names the object in the log line of the apiserver's warnings.
   */
  async request<T>(req: HttpRequest, about?: KubeObject): Promise<T> {
    const refusal = req.method === 'GET' ? undefined : this.fence?.();
    if (refusal) throw new WriteFencedError(refusal);
    const res = await this.transport.request(req);
    if (res.warnings.length > 0) this.logWarnings(req, res.warnings, about);
    const text = res.body.toString('utf8');
    if (res.status < 200 || res.status > 299) {
      const retryAfter = Number(res.headers['retry-after']);
      throw new KubeApiError(res.status, req.method, req.path, parseStatus(text), Number.isFinite(retryAfter) ? retryAfter : undefined);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** GET one object from the apiserver (not the cache); undefined when it does not exist. */
  async get<T extends KubeObject = KubeObject>(ref: ResourceRef, name: string, namespace?: string, signal?: AbortSignal): Promise<T | undefined> {
    try {
      return await this.request<T>({ method: 'GET', path: resourcePath(ref, namespace, name), signal });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** One page of a list. */
  list<T extends KubeObject = KubeObject>(ref: ResourceRef, opts: ListOptions = {}): Promise<ObjectList<T>> {
    return this.request<ObjectList<T>>({
      method: 'GET',
      path: resourcePath(ref, opts.namespace),
      query: {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: opts.continue,
        resourceVersion: opts.resourceVersion,
      },
      signal: opts.signal,
    });
  }

  /**
   * Watches a collection, calling `onEvent` for ADDED, MODIFIED, DELETED and BOOKMARK. Resolves
   * when the server ends the watch. An ERROR event, or a non-200 answer, rejects with
   * KubeApiError (code 410 when the resourceVersion is too old).
   */
  async watch<T extends KubeObject = KubeObject>(ref: ResourceRef, opts: WatchOptions, onEvent: (event: WatchEvent<T>) => void): Promise<void> {
    const path = resourcePath(ref, opts.namespace);
    const req: HttpRequest = {
      method: 'GET',
      path,
      query: {
        watch: 'true',
        allowWatchBookmarks: opts.allowWatchBookmarks ?? true,
        resourceVersion: opts.resourceVersion,
        timeoutSeconds: opts.timeoutSeconds,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
      },
      signal: opts.signal,
    };
    const res = await this.transport.stream(
      req,
      (line) => {
        const event = JSON.parse(line) as { type: string; object: unknown };
        if (event.type === 'ERROR') {
          const status = event.object as StatusBody;
          throw new KubeApiError(status.code ?? 500, 'WATCH', path, status);
        }
        onEvent(event as WatchEvent<T>);
      },
      opts.idleTimeoutMs ?? 120_000,
    );
    if (res.status !== 200) throw new KubeApiError(res.status, 'WATCH', path, parseStatus(res.body.toString('utf8')));
  }

  /**
   * Server-side apply: PATCH with content type application/apply-patch+yaml and the object as
   * JSON (JSON is YAML). Returns the object as stored.
   */
  async apply<T extends KubeObject>(obj: T, opts: ApplyOptions = {}): Promise<T & KubeObject> {
    return this.applyTo<T & KubeObject>(obj, undefined, opts);
  }

  /** Server-side apply of `obj.status` to the status subresource. */
  async applyStatus<T extends KubeObject & { status?: unknown }>(obj: T, opts: ApplyOptions = {}): Promise<T & KubeObject> {
    const { apiVersion, kind, metadata, status } = obj;
    const body = { apiVersion, kind, metadata: { name: metadata?.name, namespace: metadata?.namespace }, status };
    return this.applyTo<T & KubeObject>(body, 'status', opts);
  }

  /**
   * JSON merge patch of the status subresource with `{status}`. With `resourceVersion` the patch
   * fails with 409 if the object changed since it was read.
   */
  async patchStatus<T extends KubeObject = KubeObject>(obj: KubeObject, status: unknown, opts: { resourceVersion?: string; signal?: AbortSignal } = {}): Promise<T> {
    const ref = await this.refOf(obj);
    const body: Record<string, unknown> = { status };
    if (opts.resourceVersion) body.metadata = { resourceVersion: opts.resourceVersion };
    return this.patch<T>(ref, obj.metadata?.name ?? '', obj.metadata?.namespace, body, 'merge', { subresource: 'status', signal: opts.signal });
  }

  /** PATCH with a merge, JSON or strategic-merge patch. */
  async patch<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    name: string,
    namespace: string | undefined,
    patch: unknown,
    type: PatchType,
    opts: { subresource?: string; fieldManager?: string; signal?: AbortSignal } = {},
  ): Promise<T> {
    return this.request<T>({
      method: 'PATCH',
      path: resourcePath(ref, namespace, name, opts.subresource),
      query: { fieldManager: opts.fieldManager ?? this.fieldManager, fieldValidation: FIELD_VALIDATION },
      headers: { 'Content-Type': PATCH_CONTENT_TYPES[type] },
      body: JSON.stringify(patch),
      signal: opts.signal,
    }, { kind: ref.kind, metadata: { name, namespace } });
  }

  /** POST the object as JSON. */
  async create<T extends KubeObject>(obj: T, opts: { signal?: AbortSignal } = {}): Promise<T & KubeObject> {
    const ref = await this.refOf(obj);
    return this.request<T>({
      method: 'POST',
      path: resourcePath(ref, namespaceOf(ref, obj)),
      query: { fieldManager: this.fieldManager, fieldValidation: FIELD_VALIDATION },
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(obj),
      signal: opts.signal,
    }, obj);
  }

  /** PUT the object as JSON; its metadata.resourceVersion makes this a compare-and-swap. */
  async replace<T extends KubeObject>(obj: T, opts: { subresource?: string; signal?: AbortSignal } = {}): Promise<T & KubeObject> {
    const ref = await this.refOf(obj);
    return this.request<T>({
      method: 'PUT',
      path: resourcePath(ref, namespaceOf(ref, obj), nameOf(obj), opts.subresource),
      query: { fieldManager: this.fieldManager, fieldValidation: FIELD_VALIDATION },
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(obj),
      signal: opts.signal,
    }, obj);
  }

  /** DELETE; false when the object was already gone. */
  async delete(ref: ResourceRef, name: string, namespace?: string, opts: DeleteOptions = {}): Promise<boolean> {
    const { signal, ...options } = opts;
    try {
      await this.request({
        method: 'DELETE',
        path: resourcePath(ref, namespace, name),
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'DeleteOptions', ...options }),
        signal,
      });
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  /** The resource of an object from its apiVersion and kind. */
  async refOf(obj: KubeObject): Promise<ResourceRef> {
    if (!obj.apiVersion || !obj.kind) throw new Error('object needs apiVersion and kind');
    return this.resourceFor(obj.apiVersion, obj.kind);
  }

  /** Closes idle connections. */
  close(): void {
    this.transport.close();
  }

  private async applyTo<T extends KubeObject>(obj: KubeObject, subresource: string | undefined, opts: ApplyOptions): Promise<T> {
    const ref = await this.refOf(obj);
    return this.request<T>({
      method: 'PATCH',
      path: resourcePath(ref, namespaceOf(ref, obj), nameOf(obj), subresource),
      query: {
        fieldManager: opts.fieldManager ?? this.fieldManager,
        force: opts.force ?? true,
        dryRun: opts.dryRun ? 'All' : undefined,
        fieldValidation: FIELD_VALIDATION,
      },
      headers: { 'Content-Type': PATCH_CONTENT_TYPES.apply },
      body: JSON.stringify(obj),
      signal: opts.signal,
    }, obj);
  }

  private logWarnings(req: HttpRequest, warnings: string[], about: KubeObject | undefined): void {
    const { name, namespace } = about?.metadata ?? {};
    const object = about ? `${about.kind ?? 'object'} ${namespace ? `${namespace}/` : ''}${name ?? ''}` : undefined;
    this.log?.warn({ verb: req.method, path: req.path, object, warnings }, 'the apiserver answered with warnings');
  }

  private async discover(apiVersion: string): Promise<void> {
    type ResourceList = { resources?: { name: string; kind: string; namespaced: boolean }[] };
    let list: ResourceList;
    try {
      list = await this.request<ResourceList>({ method: 'GET', path: groupVersionPath(apiVersion) });
    } catch (e) {
      if (isNotFound(e)) return; // the group or version is not served (yet)
      throw e;
    }
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    for (const r of list.resources ?? []) {
      if (r.name.includes('/')) continue; // subresources such as deployments/status
      this.register({ group, version, plural: r.name, kind: r.kind, namespaced: r.namespaced });
    }
  }
}

function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

function nameOf(obj: KubeObject): string {
  const name = obj.metadata?.name;
  if (!name) throw new Error(`${obj.kind ?? 'object'} has no metadata.name`);
  return name;
}

function namespaceOf(ref: ResourceRef, obj: KubeObject): string | undefined {
  if (!ref.namespaced) return undefined;
  const namespace = obj.metadata?.namespace;
  // Never default silently: an object landing in the wrong namespace is worse than an error.
  if (!namespace) throw new Error(`${obj.kind} ${obj.metadata?.name ?? ''} is namespaced but has no metadata.namespace`);
  return namespace;
}
