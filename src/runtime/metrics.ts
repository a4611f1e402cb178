// Every metric the runtime exports, created once per registry under the names and labels that
// controller-runtime and client-go use, so existing dashboards and alerts work unchanged.

import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';

// prometheus.ExponentialBuckets(10e-9, 10, 12): 1e-8 … 1e3 seconds.
const QUEUE_BUCKETS = Array.from({ length: 12 }, (_, i) => Number((1e-8 * 10 ** i).toPrecision(1)));
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0,
  3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
const REST_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

/** What a work queue reports at scrape time (in-flight work is only known then). */
export interface QueueGauges {
  readonly name: string;
  unfinishedWorkSeconds(): number;
  longestRunningProcessorSeconds(): number;
}

/** What an informer reports at scrape time. */
export interface InformerGauges {
  readonly resource: string;
  size(): number;
}

export class RuntimeMetrics {
  readonly restRequests: Counter<'code' | 'method' | 'host'>;
  readonly restDuration: Histogram<'verb' | 'host' | 'path'>;
  readonly restRateLimiter: Histogram<'verb' | 'host' | 'path'>;
  readonly restWarnings: Counter<'method' | 'host'>;

  readonly queueDepth: Gauge<'name' | 'controller'>;
  readonly queueAdds: Counter<'name' | 'controller'>;
  readonly queueDuration: Histogram<'name' | 'controller'>;
  readonly queueWorkDuration: Histogram<'name' | 'controller'>;
  readonly queueRetries: Counter<'name' | 'controller'>;

  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly terminalReconcileErrors: Counter<'controller'>;
  readonly reconcileTime: Histogram<'controller'>;
  readonly maxConcurrentReconciles: Gauge<'controller'>;
  readonly activeWorkers: Gauge<'controller'>;

  readonly leaderStatus: Gauge<'name'>;

  readonly informerRelists: Counter<'resource' | 'reason'>;
  readonly informerWatchRestarts: Counter<'resource' | 'reason'>;

  private readonly queues = new Set<QueueGauges>();
  private readonly informers = new Set<InformerGauges>();

  constructor(
    readonly registry: Registry,
    options: { processMetrics?: boolean } = {},
  ) {
    const registers = [registry];
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

    this.restRequests = new Counter({
      name: 'rest_client_requests_total',
      help: 'Number of HTTP requests, partitioned by status code, method, and host.',
      labelNames: ['code', 'method', 'host'],
      registers,
    });
    this.restDuration = new Histogram({
      name: 'rest_client_request_duration_seconds',
      help: 'Request latency in seconds. Broken down by verb, host and templated path.',
      labelNames: ['verb', 'host', 'path'],
      buckets: REST_BUCKETS,
      registers,
    });
    this.restRateLimiter = new Histogram({
      name: 'rest_client_rate_limiter_duration_seconds',
      help: 'Client side rate limiter latency in seconds. Broken down by verb, host and templated path.',
      labelNames: ['verb', 'host', 'path'],
      buckets: REST_BUCKETS,
      registers,
    });
    // client-go only logs warnings; counting them lets a test or an alert notice one.
    this.restWarnings = new Counter({
      name: 'berth_apiserver_warnings_total',
      help: 'Warning headers the apiserver answered requests with, by method and host.',
      labelNames: ['method', 'host'],
      registers,
    });

    const queueLabels = ['name', 'controller'] as const;
    this.queueDepth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: queueLabels, registers });
    this.queueAdds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: queueLabels, registers });
    this.queueDuration = new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested',
      labelNames: queueLabels,
      buckets: QUEUE_BUCKETS,
      registers,
    });
    this.queueWorkDuration = new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes.',
      labelNames: queueLabels,
      buckets: QUEUE_BUCKETS,
      registers,
    });
    this.queueRetries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: queueLabels, registers });
    const queues = this.queues;
    new Gauge({
      name: 'workqueue_unfinished_work_seconds',
      help: "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. Large values indicate stuck threads.",
      labelNames: queueLabels,
      registers,
      collect() {
        this.reset();
        for (const q of queues) this.set({ name: q.name, controller: q.name }, q.unfinishedWorkSeconds());
      },
    });
    new Gauge({
      name: 'workqueue_longest_running_processor_seconds',
      help: 'How many seconds has the longest running processor for workqueue been running.',
      labelNames: queueLabels,
      registers,
      collect() {
        this.reset();
        for (const q of queues) this.set({ name: q.name, controller: q.name }, q.longestRunningProcessorSeconds());
      },
    });

    this.reconcileTotal = new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.reconcileErrors = new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    });
    this.terminalReconcileErrors = new Counter({
      name: 'controller_runtime_terminal_reconcile_errors_total',
      help: 'Total number of terminal reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    });
    this.reconcileTime = new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: RECONCILE_BUCKETS,
      registers,
    });
    this.maxConcurrentReconciles = new Gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames: ['controller'],
      registers,
    });
    this.activeWorkers = new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller',
      labelNames: ['controller'],
      registers,
    });

    this.leaderStatus = new Gauge({
      name: 'leader_election_master_status',
      help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master.',
      labelNames: ['name'],
      registers,
    });

    this.informerRelists = new Counter({
      name: 'berth_informer_relists_total',
      help: 'Full lists an informer made, by resource and reason (initial, expired, error).',
      labelNames: ['resource', 'reason'],
      registers,
    });
    this.informerWatchRestarts = new Counter({
      name: 'berth_informer_watch_restarts_total',
      help: 'Watches an informer started again, by resource and reason (closed, idle, error).',
      labelNames: ['resource', 'reason'],
      registers,
    });
    const informers = this.informers;
    new Gauge({
      name: 'berth_informer_objects',
      help: 'Objects held in an informer cache.',
      labelNames: ['resource'],
      registers,
      collect() {
        this.reset();
        for (const i of informers) this.set({ resource: i.resource }, i.size());
      },
    });
  }

  /** Reports the queue's in-flight gauges until `untrackQueue`. */
  trackQueue(q: QueueGauges): void {
    this.queues.add(q);
  }

  untrackQueue(q: QueueGauges): void {
    this.queues.delete(q);
  }

  trackInformer(i: InformerGauges): void {
    this.informers.add(i);
  }

  untrackInformer(i: InformerGauges): void {
    this.informers.delete(i);
  }
}
