import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ClusterState } from '../local/cluster.js';
import { runKubectl } from '../local/kubectl.js';
import type { NodePools } from '../local/nodepools.js';
import { projectRoot } from '../local/paths.js';
import { freePort } from '../local/ports.js';
import { WEBHOOK_CONFIGURATION_NAME } from '../webhook/registration.js';
import { until } from './measure.js';

// B3's cluster: one ordinary node and one isolated node (the pods never leave their scheduling
// gate, so nodes only have to exist for the RuntimeClass), the CRDs, the operator serving its
// pod webhook on 127.0.0.1, and a FargateProfile that takes every pod of one namespace.

export const WEBHOOK_NAMESPACE = 'b3-webhook';
export const PLAIN_NAMESPACE = 'b3-plain';

export const B3_POOLS: NodePools = {
  pools: [
    { name: 'general', count: 1, zones: ['zone-a'], isolated: false, spotEvery: 0, instanceTypes: [{ name: 'm5.xlarge', arch: 'amd64', cpu: '4', memory: '16Gi', gpus: 0, pods: 110 }] },
    { name: 'isolated', count: 1, zones: ['zone-a'], isolated: true, spotEvery: 0, instanceTypes: [{ name: 'fargate', arch: 'amd64', cpu: '16', memory: '120Gi', gpus: 0, pods: 110 }] },
  ],
};

export interface BenchOperator {
  pid: number;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/** The pod webhook as the apiserver reaches it: its URL and the CA it trusts. */
export interface WebhookEndpoint {
  url: string;
  ca: string;
}

export function kubectl(state: ClusterState, args: string[], stdin?: string): Promise<string> {
  return runKubectl(state.bins.kubectl, state.kubeconfig, args, stdin);
}

export async function installCrds(state: ClusterState): Promise<void> {
  const dir = join(projectRoot(), 'crds');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  for (const file of files) await kubectl(state, ['apply', '--server-side', '-f', join(dir, file)]);
  await kubectl(state, ['wait', '--for=condition=Established', '--timeout=60s', ...files.map((f) => `crd/${f.replace(/\.yaml$/, '')}`)]);
}

export async function startOperator(state: ClusterState): Promise<BenchOperator> {
  const port = await freePort();
  const args = ['run', '--kubeconfig', state.kubeconfig, '--probe-address', `127.0.0.1:${port}`, '--qps', '0', '--webhook-address', '127.0.0.1:0', '--log-level', 'warn'];
  const child: ChildProcess = spawn(process.execPath, [join(projectRoot(), 'dist/cli/main.js'), ...args], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  try {
    await until('the operator to be ready', async () => {
      if (child.exitCode !== null) throw new Error(`the operator exited with ${child.exitCode}`);
      return fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    }, 60000, 200);
  } catch (err) {
    // Nobody else holds it: left running, it would outlive the cluster it talks to.
    child.kill('SIGKILL');
    throw err;
  }
  return {
    pid: child.pid ?? 0,
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
    // SIGTERM, and SIGKILL if it has not exited 20 s later: the cluster goes next anyway.
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 20000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    }),
  };
}

/**
 * Namespaces for both arms and a profile that takes every pod of the webhook one; returns once a
 * server-side dry run there comes back routed, and with the webhook's URL and CA.
 */
export async function prepareArms(state: ClusterState): Promise<WebhookEndpoint> {
  for (const name of [WEBHOOK_NAMESPACE, PLAIN_NAMESPACE]) await kubectl(state, ['create', 'namespace', name]);
  const profile = { apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'FargateProfile', metadata: { name: 'b3' }, spec: { selectors: [{ namespace: WEBHOOK_NAMESPACE }] } };
  await kubectl(state, ['apply', '--server-side', '-f', '-'], stringify(profile));
  const probe = JSON.stringify(benchPod('probe', WEBHOOK_NAMESPACE));
  await until('the webhook to route pods', async () => {
    try {
      const out = JSON.parse(await kubectl(state, ['create', '--dry-run=server', '-o', 'json', '-f', '-'], probe));
      return out.spec?.runtimeClassName !== undefined;
    } catch {
      return false;
    }
  }, 120000, 500);
  const config = JSON.parse(await kubectl(state, ['get', 'mutatingwebhookconfiguration', WEBHOOK_CONFIGURATION_NAME, '-o', 'json']));
  const clientConfig = config.webhooks[0].clientConfig;
  return { url: clientConfig.url, ca: Buffer.from(clientConfig.caBundle, 'base64').toString('utf8') };
}

/**
 * The pod both arms create: one container with requests, held by a scheduling gate so that the
 * scheduler and kwok do no work for it that could differ between the arms.
 */
export function benchPod(name: string, namespace: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'b3' } },
    spec: {
      schedulingGates: [{ name: 'ecs.berth.dev/bench' }],
      containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
    },
  };
}

/** CPU seconds a process has used (user + system), from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
