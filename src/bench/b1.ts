import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { TaskDefinitionSpec } from '../api/taskdefinition.js';
import { down, up } from '../local/cluster.js';
import type { NodePools } from '../local/nodepools.js';
import { operatorCommand, waitUntilReady } from '../local/operator.js';
import { projectRoot } from '../local/paths.js';
import { freePort } from '../local/ports.js';
import { renderPodTemplate } from '../render/podtemplate.js';
import { Informer, Kube, Resources, type KubeObject } from '../runtime/index.js';
import { ServiceRef, TaskDefinitionRef, BERTH_RESOURCES } from '../controllers/resources.js';
import { inParallel, metricSum, ratio, seconds, until, writes } from './measure.js';

// B1: converge N Services, from creation until every Deployment exists and every Service's status
// says it runs its task in a steady state, against the same client creating the same Deployments
// directly, on the same cluster in the same run.

export interface B1Options {
  services: number;
  /** Requests in flight from the benchmark client. */
  concurrency: number;
  progress: (line: string) => void;
}

const FAMILY = 'bench';
const spec: TaskDefinitionSpec = {
  family: FAMILY,
  containerDefinitions: [{ name: 'app', image: 'nginx:1.27', cpu: 32, memory: 64, essential: true, portMappings: [{ containerPort: 80 }] }],
} as TaskDefinitionSpec;

/** Room for both runs' pods (110 a node), since the baseline's stay while Berth's start. */
function pools(services: number): NodePools {
  const count = Math.max(3, Math.ceil((2 * services) / 100));
  return { pools: [{ name: 'bench', count, zones: ['zone-a', 'zone-b', 'zone-c'], isolated: false, spotEvery: 0, instanceTypes: [{ name: 'm5.16xlarge', arch: 'amd64', cpu: '64', memory: '256Gi', gpus: 0, pods: 110 }] }] };
}

function directDeployment(namespace: string, i: number): KubeObject {
  const { template } = renderPodTemplate({ family: FAMILY, revision: 1, spec }, { service: `svc-${i}`, launchType: 'EC2' });
  const selector = { 'ecs.berth.dev/service': `svc-${i}` };
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: `svc-${i}`, namespace, labels: { 'app.kubernetes.io/managed-by': 'bench' } },
    spec: { replicas: 1, selector: { matchLabels: selector }, template: { ...template, metadata: { ...template.metadata, labels: { ...template.metadata?.labels, ...selector } } } },
  } as KubeObject;
}

async function installCrds(kube: Kube): Promise<void> {
  const dir = join(projectRoot(), 'crds');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) await kube.apply(parse(readFileSync(join(dir, file), 'utf8')));
  await until('the CRDs to be served', async () => {
    for (const ref of BERTH_RESOURCES) {
      try {
        await kube.list(ref, { limit: 1 });
      } catch {
        return false;
      }
    }
    return true;
  }, 60000, 250);
}

async function namespace(kube: Kube, name: string): Promise<void> {
  await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  await until(`the default ServiceAccount of ${name}`, async () => !!(await kube.get(Resources.ServiceAccount, 'default', name)), 60000, 250);
}

interface OperatorProcess {
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

async function startOperator(kubeconfig: string): Promise<OperatorProcess> {
  const port = await freePort();
  const { command, args } = operatorCommand(kubeconfig, port, ['--qps', '0', '--no-webhook', '--log-level', 'warn']);
  const child = spawn(command, args, { stdio: 'ignore' });
  await waitUntilReady(port, () => child.exitCode === null, 'B1 cannot measure without it');
  return {
    metrics: async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
    stop: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** Runs B1 on a cluster of its own and returns its section of bench/RESULTS.md. */
export async function runB1(options: B1Options): Promise<string> {
  const { services: n, concurrency, progress } = options;
  const name = `bench-b1-${process.pid}`;
  progress(`B1: starting cluster ${name} for ${n} Services`);
  const { state } = await up({ name, pools: pools(n), progress: (l) => progress(`  ${l}`) });
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(state.kubeconfig);
    const kube = new Kube(kc, { qps: 0 });
    for (const ref of BERTH_RESOURCES) kube.register(ref);
    await installCrds(kube);
    await namespace(kube, 'b1-direct');
    await namespace(kube, 'b1-berth');
    const indexes = Array.from({ length: n }, (_, i) => i);

    progress(`B1 baseline: creating ${n} Deployments directly`);
    const direct = new Informer<KubeObject & { status?: { availableReplicas?: number } }>(kube, { resource: Resources.Deployment, namespace: 'b1-direct' });
    direct.start();
    await direct.waitForSync();
    const baseStart = Date.now();
    await inParallel(indexes, concurrency, async (i) => void (await kube.create(directDeployment('b1-direct', i))));
    await until('every direct Deployment to be available', () => {
      const ready = direct.list().filter((d) => (d.status?.availableReplicas ?? 0) >= 1).length;
      return ready === n;
    }, 30 * 60000, 200);
    const baseMs = Date.now() - baseStart;
    direct.stop();
    progress(`B1 baseline: ${seconds(baseMs)}`);

    progress(`B1 Berth: creating 1 TaskDefinition and ${n} Services`);
    const operator = await startOperator(state.kubeconfig);
    const servicesCache = new Informer<KubeObject & { status?: { runningCount?: number; conditions?: { type: string; status: string }[] } }>(kube, { resource: ServiceRef, namespace: 'b1-berth' });
    const deployments = new Informer(kube, { resource: Resources.Deployment, namespace: 'b1-berth' });
    servicesCache.start();
    deployments.start();
    await Promise.all([servicesCache.waitForSync(), deployments.waitForSync()]);
    const berthStart = Date.now();
    await kube.create({ apiVersion: 'ecs.berth.dev/v1alpha1', kind: TaskDefinitionRef.kind, metadata: { name: FAMILY, namespace: 'b1-berth' }, spec } as KubeObject);
    await inParallel(indexes, concurrency, async (i) => void (await kube.create({
      apiVersion: 'ecs.berth.dev/v1alpha1', kind: ServiceRef.kind, metadata: { name: `svc-${i}`, namespace: 'b1-berth' },
      spec: { taskDefinition: FAMILY, desiredCount: 1, launchType: 'EC2' },
    } as KubeObject)));
    let lastReport = Date.now();
    await until('every Service to run its task in a steady state', () => {
      const steady = servicesCache.list().filter((s) => s.status?.runningCount === 1 && s.status.conditions?.some((c) => c.type === 'SteadyState' && c.status === 'True')).length;
      if (Date.now() - lastReport > 10000) {
        lastReport = Date.now();
        progress(`  ... ${steady}/${n} Services steady, ${deployments.list().length} Deployments, ${seconds(Date.now() - berthStart)}`);
      }
      return steady === n && deployments.list().length === n;
    }, 30 * 60000, 200);
    const berthMs = Date.now() - berthStart;
    progress(`B1 Berth: ${seconds(berthMs)}`);

    const converged = await operator.metrics();
    const writesPerService = writes(converged) / n;
    const reconciles = metricSum(converged, 'controller_runtime_reconcile_total', { controller: 'service' });
    progress('B1: watching the converged operator for 20 s');
    await new Promise((r) => setTimeout(r, 20000));
    const idle = await operator.metrics();
    const idleWrites = writes(idle) - writes(converged);
    const idleRequests = metricSum(idle, 'rest_client_requests_total') - metricSum(converged, 'rest_client_requests_total');
    await operator.stop();
    servicesCache.stop();
    deployments.stop();

    return [
      `## B1: converge ${n} Services`,
      '',
      `Command: \`npm run bench -- b1 --services ${n}\` (one Service = desiredCount 1; the client creates ${concurrency} objects at a time; the operator runs with --qps 0, as controller-runtime does by default).`,
      '',
      '| | time | ratio |',
      '|---|---|---|',
      `| baseline: ${n} Deployments created directly, until all are available | ${seconds(baseMs)} | 1.00× |`,
      `| Berth: 1 TaskDefinition + ${n} Services, until every Deployment exists and every Service reports runningCount 1 and SteadyState | ${seconds(berthMs)} | ${ratio(berthMs, baseMs)} |`,
      '',
      `- Operator writes per Service (POST/PUT/PATCH/DELETE, including status and Events): ${writesPerService.toFixed(2)}`,
      `- Service reconciles: ${reconciles} (${(reconciles / n).toFixed(2)} per Service)`,
      `- Converged operator over 20 s: ${idleWrites} writes, ${idleRequests} requests`,
      '',
    ].join('\n');
  } finally {
    progress(`B1: stopping cluster ${name}`);
    await down(name);
  }
}
