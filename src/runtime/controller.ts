// A controller: informer events become keys in a work queue, and N workers run the reconcile
// function for one key at a time. Errors retry with per-key backoff; nothing a reconcile does
// can stop the other keys or the process.

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { TerminalError } from './errors.js';
import type { Informer } from './informer.js';
import type { RuntimeMetrics } from './metrics.js';
import { joinKey, keyOf, splitKey, type KubeObject } from './objects.js';
import { groupOf } from './store.js';
import { within } from './time.js';
import { WorkQueue } from './workqueue.js';

export interface ReconcileResult {
  /** Run this key again after so many milliseconds (polling, drift checks). */
  requeueAfter?: number;
  /** Run this key again after its backoff, without counting an error (e.g. after a 409). */
  requeue?: boolean;
}

export interface ReconcileContext {
  key: string;
  /** Undefined for cluster-scoped objects. */
  namespace?: string;
  name: string;
  reconcileID: string;
  /** Carries controller, namespace, name and reconcileID. */
  log: Logger;
  /** Aborts when the controller stops and the shutdown deadline has passed. */
  signal: AbortSignal;
}

/**
 * Reads the state of the world for `key` and makes it right. Throw to retry with backoff, throw
 * TerminalError to give up on this key until it changes, return `{ requeueAfter }` to poll.
 */
export type Reconciler = (key: string, ctx: ReconcileContext) => Promise<ReconcileResult | void>;

/** Maps an object seen by an informer to the keys of the objects to reconcile. */
export type KeyMapper<T extends KubeObject> = (obj: T) => string[];

export interface ControllerOptions {
  /** Unique: names the queue, the metrics and the log lines. */
  name: string;
  reconcile: Reconciler;
  logger: Logger;
  metrics?: RuntimeMetrics;
  /** Concurrent reconciles (of different keys). Default 1, as controller-runtime. */
  workers?: number;
  /** Kind of the reconciled object, added to log lines as `{ <Kind>: { name, namespace } }`. */
  kind?: string;
  /** Per-key retry backoff. Defaults 5 ms doubling to 1000 s. */
  backoff?: { baseDelayMs: number; maxDelayMs: number };
}

interface Source {
  informer: Informer<KubeObject>;
  map: KeyMapper<KubeObject>;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly sources: Source[] = [];
  private readonly workers: number;
  private readonly abort = new AbortController();
  private readonly log: Logger;
  private started = false;
  private stopped = false;
  private loops: Promise<void> | undefined;

  constructor(private readonly options: ControllerOptions) {
    this.name = options.name;
    this.workers = Math.max(1, options.workers ?? 1);
    this.log = options.logger.child({ controller: options.name });
    this.queue = new WorkQueue({
      name: options.name,
      metrics: options.metrics,
      baseDelayMs: options.backoff?.baseDelayMs,
      maxDelayMs: options.backoff?.maxDelayMs,
    });
  }

  /**
   * Reconciles the keys `map` gives for every object the informer adds, changes or deletes.
   * The default map is the object's own key. `changed`, when given, says which updates count
   * (nodes change their status every few seconds; a controller may care only for their labels).
   */
  watch<T extends KubeObject>(informer: Informer<T>, map: KeyMapper<T> = (obj) => [keyOf(obj)], changed?: (oldObj: T, newObj: T) => boolean): this {
    const source = { informer, map } as unknown as Source;
    this.sources.push(source);
    const enqueue = (obj: T) => {
      if (!this.started) return; // start() replays the cache, so nothing is lost
      for (const key of map(obj)) this.queue.add(key);
    };
    informer.on({
      add: enqueue,
      // Both versions: a changed owner or label must reach the old key too.
      update: (oldObj, newObj) => {
        if (changed && !changed(oldObj, newObj)) return;
        enqueue(oldObj);
        enqueue(newObj);
      },
      delete: enqueue,
    });
    return this;
  }

  /** Queues a key directly (e.g. from a webhook or a timer). */
  enqueue(key: string): void {
    this.queue.add(key);
  }

  /**
   * Waits for every watched informer to sync, queues every cached object once, then starts the
   * workers. Resolves when the workers run; stop() ends them.
   */
  async start(): Promise<void> {
    if (this.started || this.stopped) return;
    const synced = await Promise.all(this.sources.map((s) => s.informer.waitForSync()));
    if (this.stopped || synced.includes(false)) return;
    this.started = true;
    for (const { informer, map } of this.sources) {
      for (const obj of informer.list()) for (const key of map(obj)) this.queue.add(key);
    }
    this.options.metrics?.maxConcurrentReconciles.set({ controller: this.name }, this.workers);
    this.options.metrics?.activeWorkers.set({ controller: this.name }, 0);
    this.loops = Promise.all(Array.from({ length: this.workers }, () => this.work())).then(() => undefined);
    this.log.info({ workers: this.workers }, 'controller started');
  }

  /**
   * Stops taking keys and waits up to `deadlineMs` for running reconciles; after that their
   * signal aborts and they get a short moment to notice.
   */
  async stop(deadlineMs = 30_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.shutDown();
    const drained = await within(this.queue.drain(), deadlineMs);
    this.abort.abort();
    if (!drained && this.loops) await within(this.loops, 1000);
    this.log.info({ drained }, 'controller stopped');
  }

  private async work(): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      try {
        await this.reconcileKey(key);
      } catch (err) {
        // Only a bug in the bookkeeping itself lands here; keep the worker alive.
        this.log.error({ err, key }, 'worker failed');
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async reconcileKey(key: string): Promise<void> {
    const controller = this.name;
    const metrics = this.options.metrics;
    const { namespace, name } = splitKey(key);
    const reconcileID = randomUUID();
    const fields: Record<string, unknown> = { namespace, name, reconcileID };
    if (this.options.kind) fields[this.options.kind] = { name, namespace };
    const log = this.log.child(fields);
    metrics?.activeWorkers.inc({ controller });
    const start = performance.now();
    let result: 'success' | 'error' | 'requeue' | 'requeue_after' = 'success';
    try {
      const res = await this.options.reconcile(key, { key, namespace, name, reconcileID, log, signal: this.abort.signal });
      if (res?.requeueAfter !== undefined && res.requeueAfter > 0) {
        this.queue.forget(key);
        this.queue.addAfter(key, res.requeueAfter);
        result = 'requeue_after';
      } else if (res?.requeue) {
        this.queue.addRateLimited(key);
        result = 'requeue';
      } else {
        this.queue.forget(key);
      }
    } catch (err) {
      result = 'error';
      metrics?.reconcileErrors.inc({ controller });
      if (err instanceof TerminalError) {
        metrics?.terminalReconcileErrors.inc({ controller });
        this.queue.forget(key);
        log.error({ err }, 'reconcile failed for good; not retrying');
      } else {
        this.queue.addRateLimited(key);
        log.error({ err, retries: this.queue.numRequeues(key) }, 'reconcile failed; retrying');
      }
    } finally {
      metrics?.reconcileTime.observe({ controller }, (performance.now() - start) / 1000);
      metrics?.reconcileTotal.inc({ controller, result });
      metrics?.activeWorkers.dec({ controller });
    }
  }
}

/** Maps an object to the key of its controller owner of `kind` (same namespace). */
export function ownerKeys(kind: string, apiGroup?: string): KeyMapper<KubeObject> {
  return (obj) => {
    const owner = obj.metadata?.ownerReferences?.find(
      (o) => o.controller && o.kind === kind && (apiGroup === undefined || groupOf(o.apiVersion) === apiGroup),
    );
    return owner ? [joinKey(obj.metadata?.namespace, owner.name)] : [];
  };
}

/** Maps an object to the key named by one of its labels, in the object's namespace. */
export function labelKeys(label: string): KeyMapper<KubeObject> {
  return (obj) => {
    const value = obj.metadata?.labels?.[label];
    return value ? [joinKey(obj.metadata?.namespace, value)] : [];
  };
}
