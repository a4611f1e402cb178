// Kubernetes Events (core/v1) about Berth's objects, with client-go's correlation: an event
// identical to a recent one bumps that one's count instead of creating another object, and a
// per-object token bucket keeps a hot loop from flooding the apiserver.

import type { Logger } from 'pino';
import { isNotFound } from './errors.js';
import type { Kube } from './kube.js';
import type { KubeObject } from './objects.js';
import { TokenBucket } from './ratelimit.js';
import { Resources } from './resources.js';
import { apiTime } from './time.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  /** `source.component` and `reportingComponent`. Default 'berth'. */
  component?: string;
  /** `reportingInstance`, e.g. the pod name. */
  instance?: string;
  logger?: Logger;
  /** Distinct recent events remembered for aggregation. Default 4096. */
  cacheSize?: number;
  /** Events one object may get in a burst, then one per `refillSeconds`. Defaults 25 and 300 (client-go's). */
  burst?: number;
  refillSeconds?: number;
}

interface Recorded {
  name: string;
  namespace: string;
  count: number;
}

const MAX_MESSAGE = 1024;

export class EventRecorder {
  private readonly component: string;
  private readonly instance: string | undefined;
  private readonly cacheSize: number;
  private readonly recent = new Map<string, Recorded>();
  private readonly limits = new Map<string, TokenBucket>();
  private readonly inflight = new Map<string, Promise<void>>();
  private sequence = 0;

  constructor(
    private readonly kube: Kube,
    private readonly options: EventRecorderOptions = {},
  ) {
    this.component = options.component ?? 'berth';
    this.instance = options.instance;
    this.cacheSize = options.cacheSize ?? 4096;
  }

  /**
   * Records an event about `obj` (which needs apiVersion, kind and metadata.name). Never throws:
   * an event that cannot be written is logged and dropped, as events are best effort.
   */
  record(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const meta = obj.metadata ?? {};
    const involved = {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
    };
    const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 3)}...` : message;
    const objectKey = [involved.kind, involved.namespace, involved.name, involved.uid].join('\u0000');
    if (!this.allow(objectKey)) {
      this.options.logger?.debug({ reason, object: involved.name }, 'event dropped by the per-object rate limit');
      return Promise.resolve();
    }
    const key = [objectKey, type, reason, text].join('\u0000');
    // Same key in flight: chain, so the second one patches what the first one created.
    const previous = this.inflight.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.write(key, involved, type, reason, text));
    this.inflight.set(key, next);
    void next.finally(() => {
      if (this.inflight.get(key) === next) this.inflight.delete(key);
    });
    return next;
  }

  private async write(key: string, involved: Record<string, string | undefined>, type: EventType, reason: string, message: string): Promise<void> {
    const now = apiTime();
    try {
      const seen = this.recent.get(key);
      if (seen) {
        try {
          await this.kube.patch(Resources.Event, seen.name, seen.namespace, { count: seen.count + 1, lastTimestamp: now }, 'merge');
          seen.count++;
          this.remember(key, seen);
          return;
        } catch (e) {
          // The apiserver expires events (one hour by default); start a new one.
          if (!isNotFound(e)) throw e;
          this.recent.delete(key);
        }
      }
      // Cluster-scoped objects get their events in 'default', as client-go does.
      const namespace = involved.namespace || 'default';
      const name = `${involved.name}.${this.uniqueSuffix()}`;
      await this.kube.create({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: involved,
        type,
        reason,
        message,
        source: { component: this.component },
        reportingComponent: this.component,
        reportingInstance: this.instance,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      });
      this.remember(key, { name, namespace, count: 1 });
    } catch (err) {
      this.options.logger?.warn({ err, reason, object: involved.name }, 'could not record event');
    }
  }

  private allow(objectKey: string): boolean {
    let bucket = this.limits.get(objectKey);
    if (!bucket) {
      bucket = new TokenBucket(1 / (this.options.refillSeconds ?? 300), this.options.burst ?? 25);
      this.limits.set(objectKey, bucket);
      if (this.limits.size > this.cacheSize) this.limits.delete(this.limits.keys().next().value!);
    }
    return bucket.tryTake();
  }

  // Least recently used goes first: Map keeps insertion order, so re-inserting marks as recent.
  private remember(key: string, value: Recorded): void {
    this.recent.delete(key);
    this.recent.set(key, value);
    if (this.recent.size > this.cacheSize) this.recent.delete(this.recent.keys().next().value!);
  }

  // client-go names events '<object>.<unix nanoseconds in hex>'; a sequence keeps names unique
  // within one millisecond.
  private uniqueSuffix(): string {
    this.sequence = (this.sequence + 1) % 1_000_000;
    return (BigInt(Date.now()) * 1_000_000n + BigInt(this.sequence)).toString(16);
  }
}
