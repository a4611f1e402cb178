import { loadavg } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { down, up } from '../local/cluster.js';
import { Kube } from '../runtime/index.js';
import { concurrentCreates, sequentialCreates, type CreateLatencies } from './b3-creates.js';
import { reviewLoad, type ReviewLatencies } from './b3-reviews.js';
import { B3_POOLS, PLAIN_NAMESPACE, WEBHOOK_NAMESPACE, cpuSeconds, installCrds, prepareArms, startOperator } from './b3-setup.js';
import { coreCount, metricSum, percentile, ratio, sampleLoad } from './measure.js';

// B3: what the pod webhook adds to pod admission. Pods are created in a namespace a
// FargateProfile selects (the apiserver calls the mutating and the validating webhook, and
// RuntimeClass admission adds the isolated pool's scheduling) and in one no profile selects (the
// webhook is never called), by the same client in the same run on a cluster of B3's own; then the
// webhook server alone takes AdmissionReviews at a fixed rate, against a request it does not
// serve on the same connections.

export interface B3Options {
  /** Pods per arm in each create phase (default 200). */
  pods?: number;
  /** Creates in flight in the concurrent phase (default 16). */
  concurrency?: number;
  /** AdmissionReviews per second sent straight to the webhook (default 50). */
  rate?: number;
  /** How long the reviews are sent (default 10). */
  seconds?: number;
  progress: (line: string) => void;
}

/** Runs B3 on a cluster of its own and returns its section of bench/RESULTS.md. */
export async function runB3(options: B3Options): Promise<string> {
  const { progress } = options;
  const pods = options.pods ?? 200;
  const concurrency = options.concurrency ?? 16;
  const rate = options.rate ?? 50;
  const seconds = options.seconds ?? 10;
  const name = `bench-b3-${process.pid}`;
  // Before B3's own cluster adds to it: what else the machine is doing.
  const loadBefore = loadavg()[0];
  progress(`B3: starting cluster ${name}`);
  const { state } = await up({ name, pools: B3_POOLS, progress: (l) => progress(`  ${l}`) });
  try {
    await installCrds(state);
    const operator = await startOperator(state);
    try {
      progress('B3: waiting for the webhook to route pods');
      const endpoint = await prepareArms(state);
      const kc = new KubeConfig();
      kc.loadFromFile(state.kubeconfig);
      const kube = new Kube(kc, { qps: 0 });
      const load = sampleLoad();
      try {
        const calls = await operator.metrics();
        progress(`B3: ${pods} pods per namespace, one create at a time`);
        const sequential = await sequentialCreates(kube, pods, progress);
        progress(`B3: ${pods} pods per namespace, ${concurrency} creates in flight`);
        const concurrent = await concurrentCreates(kube, pods, concurrency, progress);

        progress(`B3: ${rate} AdmissionReviews/s to ${endpoint.url} for ${seconds} s`);
        const before = { metrics: await operator.metrics(), cpu: cpuSeconds(operator.pid) };
        const callsPerPod = {
          mutate: (requests(before.metrics, 'mutate') - requests(calls, 'mutate')) / (2 * pods),
          validate: (requests(before.metrics, 'validate') - requests(calls, 'validate')) / (2 * pods),
        };
        const reviews = await reviewLoad(endpoint, rate, seconds, progress);
        const after = { metrics: await operator.metrics(), cpu: cpuSeconds(operator.pid) };

        const serverSide = handlerMs(before.metrics, after.metrics);
        const cpuMsPerReview = ((after.cpu - before.cpu) * 1000) / Math.max(1, reviews.review.length + reviews.floor.length);
        const machine = { date: new Date().toISOString().slice(0, 10), cores: coreCount(), loadBefore, loadDuring: load.stop() };
        return report({ pods, concurrency, rate, seconds, sequential, concurrent, reviews, serverSideMs: serverSide, cpuMsPerReview, callsPerPod, machine });
      } finally {
        load.stop();
        kube.close();
      }
    } finally {
      await operator.stop();
    }
  } finally {
    progress(`B3: stopping cluster ${name}`);
    await down(name);
  }
}

function requests(metrics: string, webhook: string): number {
  return metricSum(metrics, 'berth_admission_requests_total', { webhook });
}

// The mean time the webhook spent per mutating review, from its own histogram.
function handlerMs(before: string, after: string): number {
  const labels = { webhook: 'mutate' };
  const sum = metricSum(after, 'berth_admission_duration_seconds_sum', labels) - metricSum(before, 'berth_admission_duration_seconds_sum', labels);
  const count = metricSum(after, 'berth_admission_duration_seconds_count', labels) - metricSum(before, 'berth_admission_duration_seconds_count', labels);
  return count > 0 ? (sum / count) * 1000 : NaN;
}

interface Results {
  pods: number;
  concurrency: number;
  rate: number;
  seconds: number;
  sequential: CreateLatencies;
  concurrent: CreateLatencies;
  reviews: ReviewLatencies;
  serverSideMs: number;
  cpuMsPerReview: number;
  /** Webhook calls per pod created through it. */
  callsPerPod: { mutate: number; validate: number };
  machine: { date: string; cores: number; loadBefore: number; loadDuring: number };
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

function rows(label: string, base: number[], measured: number[]): string[] {
  const [p50, p99] = [percentile(base, 50), percentile(base, 99)];
  const [m50, m99] = [percentile(measured, 50), percentile(measured, 99)];
  return [
    `| ${label}, no webhook (baseline) | ${ms(p50)} | ${ms(p99)} | 1.00× | 1.00× |`,
    `| ${label}, through the webhook | ${ms(m50)} | ${ms(m99)} | ${ratio(m50, p50)} | ${ratio(m99, p99)} |`,
  ];
}

function report(r: Results): string {
  const wall = r.concurrent.wallMs;
  const throughput = (arm: 'webhook' | 'plain') => (wall ? `${((r.pods / wall[arm]) * 1000).toFixed(0)} pods/s` : 'n/a');
  return [
    '## B3: pod admission with and without the webhook',
    '',
    `Command: \`npm run bench -- b3 --pods ${r.pods} --concurrency ${r.concurrency} --rate ${r.rate} --seconds ${r.seconds}\` (${r.pods} pods per namespace and phase, ${r.concurrency} in flight in the concurrent phase; ${r.rate} reviews/s for ${r.seconds} s).`,
    `Bare pods (one container with requests, held by a scheduling gate so that no scheduling or kwok work differs) created by one client in namespace \`${WEBHOOK_NAMESPACE}\`, which a FargateProfile selects (mutating and validating webhook, then RuntimeClass admission), and in \`${PLAIN_NAMESPACE}\`, which none selects (the webhook is not called), alternating between them. The operator serves the webhook on 127.0.0.1 as its own process.`,
    '',
    '| pod CREATE, as the client sees it | p50 | p99 | ratio p50 | ratio p99 |',
    '|---|---|---|---|---|',
    ...rows('one at a time', r.sequential.plain, r.sequential.webhook),
    ...rows(`${r.concurrency} in flight`, r.concurrent.plain, r.concurrent.webhook),
    '',
    `Throughput with ${r.concurrency} in flight: ${throughput('plain')} without the webhook, ${throughput('webhook')} through it.`,
    `Webhook calls per pod created through it: ${r.callsPerPod.mutate.toFixed(2)} mutating${r.callsPerPod.mutate >= 1.5 ? ' (reinvocationPolicy IfNeeded: the apiserver calls it again once RuntimeClass admission has changed the routed pod)' : ''}, ${r.callsPerPod.validate.toFixed(2)} validating.`,
    '',
    `| AdmissionReview straight to the webhook server, ${r.rate}/s | p50 | p99 | ratio p50 | ratio p99 |`,
    '|---|---|---|---|---|',
    `| same server and connections, a path it does not serve (baseline: HTTPS round trip) | ${ms(percentile(r.reviews.floor, 50))} | ${ms(percentile(r.reviews.floor, 99))} | 1.00× | 1.00× |`,
    `| POST /mutate-pods (routes the pod: JSON patch) | ${ms(percentile(r.reviews.review, 50))} | ${ms(percentile(r.reviews.review, 99))} | ${ratio(percentile(r.reviews.review, 50), percentile(r.reviews.floor, 50))} | ${ratio(percentile(r.reviews.review, 99), percentile(r.reviews.floor, 99))} |`,
    '',
    `- Time in the handler, from the webhook's own histogram (berth_admission_duration_seconds, mutate): ${ms(r.serverSideMs)} mean.`,
    `- Operator CPU during the review load: ${r.cpuMsPerReview.toFixed(2)} ms per request (reviews and baseline requests together).`,
    `- Requests that failed or answered unexpectedly: ${r.reviews.errors}.`,
    '',
    machineNote(r.machine),
    '',
  ].join('\n');
}

// The ratios hold under load because the arms alternate, but the absolute timings do not.
function machineNote(m: Results['machine']): string {
  const before = m.loadBefore >= 0.5 ? `${m.loadBefore.toFixed(1)} before B3's cluster started (other work on the machine)` : `${m.loadBefore.toFixed(1)} before B3's cluster started`;
  return `- Measured ${m.date} on ${m.cores} cores at a load average of ${before} and about ${m.loadDuring.toFixed(1)} during the measurements, which slows both arms alike.`;
}
