// Leader election on a coordination.k8s.io/v1 Lease, following client-go's leaderelection:
// acquire with jittered retries, renew every retry period, give up leadership when no renewal
// succeeded within the renew deadline, release the lease on a clean stop.

import type { Logger } from 'pino';
import type { Kube } from './kube.js';
import type { RuntimeMetrics } from './metrics.js';
import type { KubeObject } from './objects.js';
import { Resources } from './resources.js';
import { microTime, sleep } from './time.js';

export interface LeaderElectionOptions {
  namespace: string;
  /** Lease name; also the `name` label of leader_election_master_status. */
  name: string;
  /** Unique per process, e.g. pod name plus a random suffix. */
  identity: string;
  /** How long standbys wait after the last observed renewal before taking over. Default 8 s. */
  leaseDurationMs?: number;
  /** How long the leader keeps retrying a renewal before it stops leading. Default 6 s. */
  renewDeadlineMs?: number;
  /** Pause between attempts. Default 2 s. */
  retryPeriodMs?: number;
  logger?: Logger;
  metrics?: RuntimeMetrics;
  onStartedLeading?: () => void;
  /** Called when leadership is lost (renewals failed), not after stop(). */
  onStoppedLeading?: () => void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

// client-go's JitterFactor: acquisition attempts are spread over 1–2.2 retry periods.
const JITTER = 1.2;

export class LeaderElector {
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly abort = new AbortController();
  private readonly log: Logger | undefined;
  private lease: Lease | undefined;
  private observed: LeaseSpec = {};
  private observedRaw = '';
  // Monotonic local time of the last change we saw. Comparing the lease's renewTime with our
  // own clock would make election depend on clock skew between nodes.
  private observedAt = 0;
  private leading = false;
  // Monotonic local time of our last successful write of the lease.
  private renewedAt = 0;
  private running: Promise<void> | undefined;

  constructor(
    private readonly kube: Kube,
    private readonly options: LeaderElectionOptions,
  ) {
    // Shorter than client-go's 15 s / 10 s, so that a standby takes over within about 15 s of the
    // leader's death (the lease, plus noticing the last renewal at its jittered polls), with the
    // same 2 s renewals.
    this.leaseDurationMs = options.leaseDurationMs ?? 8_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 6_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (this.leaseDurationMs <= this.renewDeadlineMs) throw new Error('leaseDuration must be greater than renewDeadline');
    if (this.renewDeadlineMs <= JITTER * this.retryPeriodMs) throw new Error('renewDeadline must be greater than retryPeriod*1.2');
    this.log = options.logger?.child({ lease: `${options.namespace}/${options.name}`, identity: options.identity });
    options.metrics?.leaderStatus.set({ name: options.name }, 0);
  }

  isLeader(): boolean {
    return this.leading;
  }

  /**
   * Why this process must not write now, or undefined. A leader renewed within the renew deadline
   * still holds the lease, as standbys wait the longer lease duration before taking over; past
   * it (a process frozen by a stop signal, a starved event loop) another may lead already.
   */
  writeRefusal(): string | undefined {
    if (!this.leading) return 'this process does not lead';
    const since = performance.now() - this.renewedAt;
    if (since >= this.renewDeadlineMs) return `the lease was last renewed ${Math.round(since / 1000)} s ago, past the renew deadline`;
    return undefined;
  }

  /** Starts campaigning in the background. */
  start(): void {
    this.running ??= this.run().catch((err: unknown) => {
      // Only a bug lands here; leading on without renewing would be worse than stopping.
      this.log?.error({ err }, 'leader election failed');
      if (this.leading) {
        this.setLeading(false);
        this.options.onStoppedLeading?.();
      }
    });
  }

  /** Stops campaigning or renewing, and releases the lease if this process holds it. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    if (this.leading) {
      await this.release();
      this.setLeading(false);
    }
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    this.log?.info('waiting for leadership');
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal)) break;
      await sleep(this.retryPeriodMs * (1 + Math.random() * JITTER), signal);
    }
    if (signal.aborted) return;
    this.setLeading(true);
    this.log?.info('became leader');
    this.options.onStartedLeading?.();

    while (!signal.aborted) {
      if (!(await this.renew(signal))) {
        if (signal.aborted) return;
        this.setLeading(false);
        this.log?.error('lost leadership: the lease could not be renewed in time');
        this.options.onStoppedLeading?.();
        return;
      }
      await sleep(this.retryPeriodMs, signal);
    }
  }

  // Retries every retry period until one attempt succeeds or the renew deadline has passed.
  private async renew(signal: AbortSignal): Promise<boolean> {
    const deadline = performance.now() + this.renewDeadlineMs;
    while (!signal.aborted) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      const attempt = AbortSignal.any([signal, AbortSignal.timeout(Math.ceil(remaining))]);
      if (await this.tryAcquireOrRenew(attempt)) return true;
      // Another holder with a valid lease leads already: retrying until the deadline would only
      // keep this process acting as leader meanwhile.
      if (this.observed.holderIdentity && !this.holdsObserved() && this.observedValid()) return false;
      await sleep(Math.min(this.retryPeriodMs, Math.max(0, deadline - performance.now())), signal);
    }
    return false;
  }

  /** One attempt to take or keep the lease; true when this process holds it afterwards. */
  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const { namespace, name, identity } = this.options;
    const now = microTime();
    const desired: LeaseSpec = {
      holderIdentity: identity,
      // The API rejects 0; sub-second durations are only for tests.
      leaseDurationSeconds: Math.max(1, Math.round(this.leaseDurationMs / 1000)),
      acquireTime: now,
      renewTime: now,
    };

    // Fast path: while we hold a valid lease, update it from what we wrote last, without a GET.
    if (this.holdsObserved() && this.observedValid() && this.lease) {
      desired.acquireTime = this.observed.acquireTime;
      desired.leaseTransitions = this.observed.leaseTransitions;
      try {
        this.lease = await this.kube.replace<Lease>({ ...this.lease, spec: desired }, { signal });
        this.observe(desired);
        return true;
      } catch (err) {
        this.log?.debug({ err }, 'optimistic lease renewal failed');
      }
    }

    let current: Lease | undefined;
    try {
      current = await this.kube.get<Lease>(Resources.Lease, name, namespace, signal);
    } catch (err) {
      this.log?.warn({ err }, 'could not read the lease');
      return false;
    }
    if (!current) {
      try {
        desired.leaseTransitions = 0;
        this.lease = await this.kube.create<Lease>(
          { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: desired },
          { signal },
        );
        this.observe(desired);
        return true;
      } catch (err) {
        this.log?.debug({ err }, 'could not create the lease');
        return false;
      }
    }

    const old = current.spec ?? {};
    const raw = JSON.stringify(old);
    if (raw !== this.observedRaw) {
      this.observed = old;
      this.observedRaw = raw;
      this.observedAt = performance.now();
    }
    if (old.holderIdentity && this.observedValid() && !this.holdsObserved()) return false;

    if (this.holdsObserved()) {
      desired.acquireTime = old.acquireTime;
      desired.leaseTransitions = old.leaseTransitions;
    } else {
      desired.leaseTransitions = (old.leaseTransitions ?? 0) + 1;
    }
    try {
      // metadata.resourceVersion from the GET makes this a compare-and-swap: of two candidates
      // taking over an expired lease, only one succeeds.
      this.lease = await this.kube.replace<Lease>({ ...current, spec: desired }, { signal });
      this.observe(desired);
      return true;
    } catch (err) {
      this.log?.debug({ err }, 'could not update the lease');
      return false;
    }
  }

  // client-go's ReleaseOnCancel: an empty holder lets a standby take over at once.
  private async release(): Promise<void> {
    if (!this.lease || !this.holdsObserved()) return;
    const now = microTime();
    const spec: LeaseSpec = { leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: this.observed.leaseTransitions };
    try {
      this.lease = await this.kube.replace<Lease>({ ...this.lease, spec }, { signal: AbortSignal.timeout(this.renewDeadlineMs) });
      this.observe(spec);
      this.log?.info('released the lease');
    } catch (err) {
      this.log?.warn({ err }, 'could not release the lease; standbys take over when it expires');
    }
  }

  private observe(spec: LeaseSpec): void {
    this.observed = spec;
    this.observedRaw = JSON.stringify(spec);
    this.observedAt = performance.now();
    if (this.holdsObserved()) this.renewedAt = this.observedAt;
  }

  private holdsObserved(): boolean {
    return this.observed.holderIdentity === this.options.identity;
  }

  private observedValid(): boolean {
    const seconds = this.observed.leaseDurationSeconds ?? this.leaseDurationMs / 1000;
    return this.observedAt + seconds * 1000 > performance.now();
  }

  private setLeading(leading: boolean): void {
    this.leading = leading;
    this.options.metrics?.leaderStatus.set({ name: this.options.name }, leading ? 1 : 0);
  }
}
