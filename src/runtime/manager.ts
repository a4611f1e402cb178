// The manager runs one operator process: shared informers, controllers, leader election, the
// probe server, and the order in which they start and stop.
//
// Informers start at once on every replica, so standbys keep warm caches and are ready; only
// the controllers' workers wait for leadership. Stopping drains the workers before the lease is
// released, so two leaders never reconcile at the same time.

import type { Logger } from 'pino';
import { Controller, type ControllerOptions } from './controller.js';
import { EventRecorder, type EventRecorderOptions } from './events.js';
import { Informer, type InformerOptions } from './informer.js';
import type { Kube } from './kube.js';
import { LeaderElector, type LeaderElectionOptions } from './leader.js';
import type { RuntimeMetrics } from './metrics.js';
import type { KubeObject } from './objects.js';
import { resourceName } from './paths.js';
import { startProbeServer, type ProbeServer } from './server.js';

export interface ManagerOptions {
  kube: Kube;
  logger: Logger;
  metrics: RuntimeMetrics;
  /** Omit to run without election (one replica, local runs, tests). */
  leaderElection?: Omit<LeaderElectionOptions, 'logger' | 'metrics' | 'onStartedLeading' | 'onStoppedLeading'>;
  /** Serve /metrics, /healthz and /readyz. Omit for none. */
  probes?: { host?: string; port: number };
  /** How long stop() waits for running reconciles. Default 30 s. */
  shutdownTimeoutMs?: number;
  /**
   * Every informer delivers its whole cache again about this often, so every object is
   * reconciled again (controller-runtime's SyncPeriod, 10 hours by default there too). 0: never.
   */
  resyncPeriodMs?: number;
}

/** controller-runtime's default SyncPeriod. */
export const DEFAULT_RESYNC_PERIOD_MS = 10 * 60 * 60 * 1000;

/** Why the manager stopped: asked to, or it lost the lease (exit non-zero and restart). */
export type StopReason = 'stopped' | 'leadership-lost';

export class Manager {
  /**
   * The client controllers and events write with: with leader election, its writes are refused
   * whenever this process is not sure it leads (LeaderElector.writeRefusal).
   */
  readonly kube: Kube;
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private readonly controllers: Controller[] = [];
  private readonly elector: LeaderElector | undefined;
  private probes: ProbeServer | undefined;
  private started = false;
  private stopping: Promise<void> | undefined;
  private resolveDone!: (reason: StopReason) => void;
  /** Resolves once the manager has stopped, with the reason. */
  readonly done: Promise<StopReason>;

  constructor(private readonly options: ManagerOptions) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    if (options.leaderElection) {
      const elector = new LeaderElector(options.kube, {
        ...options.leaderElection,
        logger: options.logger,
        metrics: options.metrics,
        onStartedLeading: () => this.startControllers(),
        onStoppedLeading: () => void this.stop('leadership-lost'),
      });
      this.elector = elector;
      this.kube = options.kube.withWriteFence(() => elector.writeRefusal());
    } else {
      this.kube = options.kube;
    }
  }

  /**
   * An informer for a resource. Asking twice for the same resource, namespace and selectors
   * returns the same informer, so controllers share one cache and one watch; the first call's
   * other options (indexers, transform) are the ones that count.
   */
  informer<T extends KubeObject = KubeObject>(options: Omit<InformerOptions<T>, 'logger' | 'metrics'>): Informer<T> {
    const id = [resourceName(options.resource), options.namespace, options.labelSelector, options.fieldSelector].join('|');
    let informer = this.informers.get(id) as Informer<T> | undefined;
    if (!informer) {
      informer = new Informer<T>(this.options.kube, {
        resyncPeriodMs: this.options.resyncPeriodMs ?? DEFAULT_RESYNC_PERIOD_MS,
        ...options,
        logger: this.options.logger,
        metrics: this.options.metrics,
      });
      this.informers.set(id, informer as unknown as Informer<KubeObject>);
      if (this.started) informer.start();
    }
    return informer;
  }

  controller(options: Omit<ControllerOptions, 'logger' | 'metrics'>): Controller {
    if (this.started) throw new Error('add controllers before start()');
    const controller = new Controller({ ...options, logger: this.options.logger, metrics: this.options.metrics });
    this.controllers.push(controller);
    return controller;
  }

  /** An event recorder reporting as this process. */
  events(options: Omit<EventRecorderOptions, 'logger'> = {}): EventRecorder {
    return new EventRecorder(this.kube, { instance: this.options.leaderElection?.identity, ...options, logger: this.options.logger });
  }

  /** Base URL of the probe server once started, e.g. 'http://127.0.0.1:8080'. */
  get probeUrl(): string | undefined {
    return this.probes?.url;
  }

  isLeader(): boolean {
    return this.elector ? this.elector.isLeader() : this.started;
  }

  /** Informers whose first list has not finished. */
  notReady(): string[] {
    return [...this.informers.values()].filter((i) => !i.hasSynced()).map((i) => i.name);
  }

  /** Starts the probe server, the informers and the election (or the controllers, without one). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.options.probes) {
      this.probes = await startProbeServer({
        ...this.options.probes,
        registry: this.options.metrics.registry,
        notReady: () => this.notReady(),
      });
      this.options.logger.info({ url: this.probes.url }, 'serving /metrics, /healthz and /readyz');
    }
    for (const informer of this.informers.values()) informer.start();
    if (this.elector) this.elector.start();
    else this.startControllers();
  }

  /** start(), then wait until stopped. */
  async run(): Promise<StopReason> {
    await this.start();
    return this.done;
  }

  /** Drains the controllers, releases the lease, stops the informers and the probe server. */
  stop(reason: StopReason = 'stopped'): Promise<void> {
    this.stopping ??= this.shutdown(reason);
    return this.stopping;
  }

  private startControllers(): void {
    for (const c of this.controllers) {
      c.start().catch((err: unknown) => this.options.logger.error({ err, controller: c.name }, 'controller failed to start'));
    }
  }

  private async shutdown(reason: StopReason): Promise<void> {
    const log = this.options.logger;
    log.info({ reason }, 'stopping');
    const timeout = this.options.shutdownTimeoutMs ?? 30_000;
    await Promise.all(this.controllers.map((c) => c.stop(timeout)));
    await this.elector?.stop();
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
    await this.probes?.close();
    this.options.kube.close();
    log.info({ reason }, 'stopped');
    this.resolveDone(reason);
  }
}
