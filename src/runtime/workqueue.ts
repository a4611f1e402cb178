// A work queue of object keys with client-go's guarantees: a key is queued at most once however
// often it is added, is never handed to two workers at once (a key added while it is processed
// runs again afterwards), and failures back off exponentially per key.

import type { QueueGauges, RuntimeMetrics } from './metrics.js';

export interface WorkQueueOptions {
  /** The `name` and `controller` label of the workqueue_* metrics. */
  name: string;
  metrics?: RuntimeMetrics;
  /** Per-key backoff: baseDelayMs · 2^failures, at most maxDelayMs. Defaults 5 ms and 1000 s (client-go's). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export class WorkQueue {
  readonly name: string;
  private items: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Map<string, number>();
  private readonly enqueuedAt = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private readonly drainWaiters: (() => void)[] = [];
  private closed = false;
  private readonly labels: { name: string; controller: string };
  private readonly gauges: QueueGauges;

  constructor(private readonly options: WorkQueueOptions) {
    this.name = options.name;
    this.labels = { name: options.name, controller: options.name };
    this.gauges = {
      name: options.name,
      unfinishedWorkSeconds: () => this.unfinishedWorkSeconds(),
      longestRunningProcessorSeconds: () => this.longestRunningProcessorSeconds(),
    };
    options.metrics?.trackQueue(this.gauges);
  }

  /** Keys waiting for a worker (not counting delayed or in-process ones). */
  get length(): number {
    return this.items.length - this.head;
  }

  get shuttingDown(): boolean {
    return this.closed;
  }

  add(key: string): void {
    if (this.closed || this.dirty.has(key)) return;
    this.options.metrics?.queueAdds.inc(this.labels);
    this.dirty.add(key);
    this.enqueuedAt.set(key, performance.now());
    // A key in process is queued again by done(), so that it never runs twice at once.
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Adds the key after `ms`. With several pending delays for one key, the earliest wins. */
  addAfter(key: string, ms: number): void {
    if (this.closed) return;
    if (ms <= 0) return this.add(key);
    const at = performance.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, timer });
  }

  /** Adds the key after its exponential backoff and counts a retry. */
  addRateLimited(key: string): void {
    if (this.closed) return;
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.options.metrics?.queueRetries.inc(this.labels);
    this.addAfter(key, this.backoffFor(n));
  }

  /** Clears the key's failure count: its next backoff starts again from the base delay. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key, marked as in process until done(key); undefined once shut down. */
  get(): Promise<string | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    if (this.length > 0) return Promise.resolve(this.take(this.pop()));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    this.options.metrics?.queueWorkDuration.observe(this.labels, (performance.now() - started) / 1000);
    if (this.dirty.has(key) && !this.closed) this.push(key);
    if (this.processing.size === 0) for (const w of this.drainWaiters.splice(0)) w();
  }

  /**
   * Stops accepting keys and handing them out: waiting get() calls resolve undefined, delayed
   * adds are dropped. Keys already in process finish; drain() waits for them.
   */
  shutDown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
    this.items = [];
    this.head = 0;
    this.dirty.clear();
    this.enqueuedAt.clear();
    this.options.metrics?.queueDepth.set(this.labels, 0);
    void this.drain().then(() => this.options.metrics?.untrackQueue(this.gauges));
  }

  /** Resolves when no key is in process. */
  drain(): Promise<void> {
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private backoffFor(failures: number): number {
    const base = this.options.baseDelayMs ?? 5;
    const max = this.options.maxDelayMs ?? 1_000_000;
    return Math.min(base * 2 ** Math.min(failures, 60), max);
  }

  private push(key: string): void {
    const waiter = this.waiters.shift();
    if (waiter) return waiter(this.take(key));
    this.items.push(key);
    this.options.metrics?.queueDepth.set(this.labels, this.length);
  }

  private pop(): string {
    const key = this.items[this.head++];
    // Compact now and then instead of shifting the array on every pop.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return key;
  }

  private take(key: string): string {
    this.dirty.delete(key);
    const now = performance.now();
    this.processing.set(key, now);
    const enqueued = this.enqueuedAt.get(key);
    this.enqueuedAt.delete(key);
    if (enqueued !== undefined) this.options.metrics?.queueDuration.observe(this.labels, (now - enqueued) / 1000);
    this.options.metrics?.queueDepth.set(this.labels, this.length);
    return key;
  }

  private unfinishedWorkSeconds(): number {
    const now = performance.now();
    let total = 0;
    for (const started of this.processing.values()) total += now - started;
    return total / 1000;
  }

  private longestRunningProcessorSeconds(): number {
    const now = performance.now();
    let longest = 0;
    for (const started of this.processing.values()) longest = Math.max(longest, now - started);
    return longest / 1000;
  }
}
