// The webhook's metrics, on the operator's registry (served at /metrics by the probe server).

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

// Admission calls are expected to take milliseconds; the apiserver gives up at the timeout (5 s).
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class AdmissionMetrics {
  /** By webhook (mutate, validate, validate-berth), admission operation and result (routed, allowed, refused …). */
  readonly requests: Counter<'webhook' | 'operation' | 'result'>;
  readonly duration: Histogram<'webhook' | 'operation' | 'result'>;
  readonly certificateExpiry: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'berth_admission_requests_total',
      help: 'Admission requests the webhooks answered, by webhook (mutate, validate, validate-berth), operation and result (routed, allowed, refused, unmatched, ignored, invalid, unavailable, error).',
      labelNames: ['webhook', 'operation', 'result'],
      registers,
    });
    this.duration = new Histogram({
      name: 'berth_admission_duration_seconds',
      help: 'Time to answer an admission request, by webhook, operation and result.',
      labelNames: ['webhook', 'operation', 'result'],
      buckets: BUCKETS,
      registers,
    });
    this.certificateExpiry = new Gauge({
      name: 'berth_webhook_certificate_expiry_timestamp_seconds',
      help: 'When the serving certificate of the pod webhook expires (Unix time); it is renewed at two thirds of its life.',
      registers,
    });
  }
}
