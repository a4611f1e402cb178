// An informer keeps an in-memory copy of one resource collection: a paginated list, then a
// watch from the list's resourceVersion, resumed after every disconnect and relisted only when
// the apiserver says the resourceVersion is too old (410). It never gives up. With a resync
// period it also delivers every cached object again as an update now and then, as client-go's
// shared informers do, so controllers look again at objects nothing changed (a failure they gave
// up on, drift an event never told them about).

import type { Logger } from 'pino';
import { isGone } from './errors.js';
import type { Kube } from './kube.js';
import type { RuntimeMetrics } from './metrics.js';
import { keyOf, type KubeObject } from './objects.js';
import { apiVersionOf, resourceName, type ResourceRef } from './paths.js';
import { Store, type IndexFunc } from './store.js';
import { Backoff, sleep } from './time.js';
import { IdleTimeoutError } from './transport.js';

export interface InformerOptions<T extends KubeObject> {
  resource: ResourceRef;
  /** Only this namespace; all namespaces when omitted. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Objects per list page. Default 500. */
  pageSize?: number;
  /**
   * Applied to every object before it is cached. Default: drop metadata.managedFields, which is
   * often half an object's size and never read by controllers.
   */
  transform?: (obj: T) => T;
  indexers?: Record<string, IndexFunc<T>>;
  logger?: Logger;
  metrics?: RuntimeMetrics;
  /** Shortest server-side watch duration; each watch asks for 1–2× this. Default 300 s. */
  minWatchTimeoutSeconds?: number;
  /** A watch connection silent for this long is dropped and resumed. Default 120 s. */
  idleTimeoutMs?: number;
  /**
   * Retry delay after a failed list or watch. Default 800 ms doubling to 5 s: client-go's 30 s cap
   * leaves the watches away for up to half a minute after a long apiserver outage ends; at 5 s
   * they are back within a few seconds, for one request per informer every 5 s while it lasts.
   */
  backoff?: { initialMs: number; maxMs: number };
  /** Label for logs and metrics. Default: the resource name, plus the namespace if any. */
  name?: string;
  /**
   * Deliver every cached object again as an update (old and new the same object) about this
   * often: each round waits the period times a random factor in [0.9, 1.1), as controller-runtime
   * does, so informers and replicas do not all resync at once. Omit or 0 for never.
   */
  resyncPeriodMs?: number;
}

/** Called synchronously from the informer; keep them trivial (enqueue keys). */
export interface InformerHandlers<T extends KubeObject> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
}

export class Informer<T extends KubeObject = KubeObject> {
  readonly name: string;
  readonly store: Store<T>;
  private readonly handlers = new Set<InformerHandlers<T>>();
  private readonly log: Logger | undefined;
  private readonly backoff: Backoff;
  private readonly abort = new AbortController();
  private readonly syncWaiters: (() => void)[] = [];
  private resourceVersion: string | undefined;
  private synced = false;
  private running: Promise<void> | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private readonly gauges = { resource: '', size: () => this.store.size };

  constructor(
    private readonly kube: Kube,
    private readonly options: InformerOptions<T>,
  ) {
    this.name = options.name ?? resourceName(options.resource) + (options.namespace ? `/${options.namespace}` : '');
    this.store = new Store<T>(options.indexers);
    this.log = options.logger?.child({ informer: this.name });
    this.gauges.resource = this.name;
    const b = options.backoff ?? { initialMs: 800, maxMs: 5_000 };
    this.backoff = new Backoff(b.initialMs, b.maxMs);
  }

  /** Registers handlers; returns a function that removes them. */
  on(handlers: InformerHandlers<T>): () => void {
    this.handlers.add(handlers);
    return () => this.handlers.delete(handlers);
  }

  /** Starts listing and watching in the background. Calling it again does nothing. */
  start(): void {
    if (this.running) return;
    this.options.metrics?.trackInformer(this.gauges);
    this.running = this.run();
  }

  /** Stops the watch and waits for the loop to end. The cache keeps its content. */
  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.resyncTimer);
    for (const w of this.syncWaiters.splice(0)) w();
    await this.running;
    this.options.metrics?.untrackInformer(this.gauges);
  }

  /** True once the first full list is in the cache. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true when synced, or false if the informer is stopped first. */
  waitForSync(): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.abort.signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => this.syncWaiters.push(() => resolve(this.synced)));
  }

  get(name: string, namespace?: string): T | undefined {
    return this.store.getByName(name, namespace);
  }

  list(namespace?: string): T[] {
    return this.store.list(namespace);
  }

  byIndex(index: string, value: string): T[] {
    return this.store.byIndex(index, value);
  }

  /** Delivers every cached object to the handlers again, as an update from itself to itself. */
  private resync(): void {
    for (const obj of this.store.list()) this.emit('update', obj, obj);
  }

  /** The resourceVersion the next watch resumes from. */
  get lastResourceVersion(): string | undefined {
    return this.resourceVersion;
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    let relistReason = 'initial';
    let lastWasGone = false;
    while (!signal.aborted) {
      try {
        if (this.resourceVersion === undefined) {
          this.options.metrics?.informerRelists.inc({ resource: this.name, reason: relistReason });
          await this.relist(relistReason);
          this.backoff.reset();
        }
        const { events, ms } = await this.watchOnce();
        lastWasGone = false;
        this.options.metrics?.informerWatchRestarts.inc({ resource: this.name, reason: 'closed' });
        if (events > 0) {
          this.backoff.reset();
        } else if (ms < 1000) {
          // A proxy that ends every watch at once would otherwise make this a busy loop.
          await sleep(this.backoff.next(), signal);
        }
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) {
          this.log?.info({ resourceVersion: this.resourceVersion }, 'resourceVersion expired; relisting');
          this.options.metrics?.informerWatchRestarts.inc({ resource: this.name, reason: 'expired' });
          this.resourceVersion = undefined;
          relistReason = 'expired';
          // Relist at once the first time; back off if the relist itself keeps expiring.
          if (!lastWasGone) {
            lastWasGone = true;
            continue;
          }
        } else if (err instanceof IdleTimeoutError) {
          this.log?.info('watch went silent; resuming');
          this.options.metrics?.informerWatchRestarts.inc({ resource: this.name, reason: 'idle' });
          continue;
        } else {
          this.options.metrics?.informerWatchRestarts.inc({ resource: this.name, reason: 'error' });
          if (this.resourceVersion === undefined) relistReason = 'error';
          this.log?.warn({ err }, 'list or watch failed; retrying');
        }
        await sleep(this.backoff.next(), signal);
      }
    }
  }

  private async relist(reason: string): Promise<void> {
    const { resource, namespace, labelSelector, fieldSelector } = this.options;
    const items: T[] = [];
    let resourceVersion: string | undefined;
    let continueToken: string | undefined;
    do {
      const page = await this.kube.list<T>(resource, {
        namespace,
        labelSelector,
        fieldSelector,
        limit: this.options.pageSize ?? 500,
        continue: continueToken,
        signal: this.abort.signal,
      });
      // Every page of a paginated list is one snapshot: the first page's version is the list's.
      resourceVersion ??= page.metadata.resourceVersion;
      for (const item of page.items) items.push(this.prepare(item));
      continueToken = page.metadata.continue || undefined;
    } while (continueToken);

    const seen = new Set<string>();
    for (const obj of items) {
      const key = keyOf(obj);
      seen.add(key);
      const old = this.store.set(obj);
      if (!old) this.emit('add', obj);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.emit('update', obj, old);
    }
    for (const key of this.store.keys()) {
      if (seen.has(key)) continue;
      const old = this.store.delete(key)!;
      this.emit('delete', old);
    }
    this.resourceVersion = resourceVersion;
    this.log?.info({ objects: items.length, reason, resourceVersion }, 'listed');
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
      this.scheduleResync();
    }
  }

  private async watchOnce(): Promise<{ events: number; ms: number }> {
    const { resource, namespace, labelSelector, fieldSelector } = this.options;
    const start = performance.now();
    const minTimeout = this.options.minWatchTimeoutSeconds ?? 300;
    let events = 0;
    await this.kube.watch<T>(
      resource,
      {
        namespace,
        labelSelector,
        fieldSelector,
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        // As client-go's reflector: spread watch ends so many clients do not reconnect together.
        timeoutSeconds: Math.floor(minTimeout * (1 + Math.random())),
        idleTimeoutMs: this.options.idleTimeoutMs ?? 120_000,
        signal: this.abort.signal,
      },
      (event) => {
        events++;
        const resourceVersion = event.object.metadata?.resourceVersion;
        if (event.type !== 'BOOKMARK') {
          const obj = this.prepare(event.object);
          if (event.type === 'DELETED') {
            const old = this.store.delete(keyOf(obj));
            this.emit('delete', old ?? obj);
          } else {
            const old = this.store.set(obj);
            if (old) this.emit('update', obj, old);
            else this.emit('add', obj);
          }
        }
        if (resourceVersion) this.resourceVersion = resourceVersion;
      },
    );
    return { events, ms: performance.now() - start };
  }

  private scheduleResync(): void {
    const period = this.options.resyncPeriodMs;
    if (!period || this.abort.signal.aborted) return;
    this.resyncTimer = setTimeout(() => {
      this.log?.debug({ objects: this.store.size }, 'resync');
      this.resync();
      this.scheduleResync();
    }, period * (0.9 + Math.random() / 5));
    this.resyncTimer.unref();
  }

  // List items come without apiVersion and kind; set them so cached objects look like watched ones.
  private prepare(obj: T): T {
    obj.apiVersion ??= apiVersionOf(this.options.resource);
    obj.kind ??= this.options.resource.kind;
    if (this.options.transform) return this.options.transform(obj);
    if (obj.metadata?.managedFields) delete obj.metadata.managedFields;
    return obj;
  }

  private emit(type: 'add' | 'update' | 'delete', obj: T, old?: T): void {
    for (const h of this.handlers) {
      try {
        if (type === 'add') h.add?.(obj);
        else if (type === 'update') h.update?.(old!, obj);
        else h.delete?.(obj);
      } catch (err) {
        this.log?.error({ err, event: type, key: keyOf(obj) }, 'informer handler threw');
      }
    }
  }
}
