import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { readState, type ClusterState } from '../../src/local/cluster.js';
import { runKubectl } from '../../src/local/kubectl.js';

/** The control plane the global setup started for this run. */
export function testCluster(): ClusterState {
  const name = process.env.BERTH_TEST_CLUSTER;
  const state = name ? readState(name) : undefined;
  if (!state) throw new Error('no test cluster: integration tests run under the jest "integration" project');
  return state;
}

export function kubectl(args: string[], stdin?: string): Promise<string> {
  const cluster = testCluster();
  return runKubectl(cluster.bins.kubectl, cluster.kubeconfig, args, stdin);
}

/** kubectl ... -o json, parsed. */
export async function kubectlJson<T = any>(args: string[]): Promise<T> {
  return JSON.parse(await kubectl([...args, '-o', 'json'])) as T;
}

/** Applies objects (server-side) from plain values. */
export function apply(objects: object[], namespace?: string): Promise<string> {
  const ns = namespace ? ['-n', namespace] : [];
  return kubectl(['apply', '--server-side', '--field-manager=berth-test', ...ns, '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
}

export function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(testCluster().kubeconfig);
  return kc;
}

/** A fresh namespace for one test, usable at once (its default ServiceAccount exists). */
export async function newNamespace(prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kubectl(['create', 'namespace', name]);
  await waitFor(`the default ServiceAccount in ${name}`, async () => {
    try {
      await kubectl(['get', 'serviceaccount', 'default', '-n', name]);
      return true;
    } catch {
      return false;
    }
  });
  return name;
}

/**
 * Deletes a namespace's Services and TaskDefinitions, then the namespace. Call it while an
 * operator still runs: it releases the TaskDefinitions' finalizer, so the namespace goes at once
 * and its tasks stop loading the nodes other tests use.
 */
export async function removeNamespace(name: string): Promise<void> {
  await kubectl(['delete', 'services.ecs.berth.dev', '--all', '-n', name, '--wait=true', '--timeout=60s']);
  await kubectl(['delete', 'taskdefinitions.ecs.berth.dev', '--all', '-n', name, '--wait=true', '--timeout=60s']);
  await kubectl(['delete', 'namespace', name, '--wait=false']);
}

/** Polls until `check` returns a truthy value, which it returns; fails with `what` and the last value. */
export async function waitFor<T>(what: string, check: () => Promise<T>, timeoutMs = 60000, intervalMs = 250): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await check();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function yamlDocs(text: string): any[] {
  return text.split(/^---$/m).map((d) => parse(d)).filter(Boolean);
}

/**
 * Watches with kubectl, one line of custom columns per change, until `done` accepts the lines
 * seen so far; returns them. Every status write shows up, however short-lived.
 */
export function watchLines(args: string[], columns: string, done: (lines: string[]) => boolean, timeoutMs = 120000): Promise<string[]> {
  const cluster = testCluster();
  return new Promise((resolve, reject) => {
    const child = spawn(cluster.bins.kubectl, ['--kubeconfig', cluster.kubeconfig, 'get', ...args, '--watch', '--no-headers', '-o', `custom-columns=${columns}`]);
    const lines: string[] = [];
    let buffer = '';
    const finish = (err?: Error) => {
      clearTimeout(timer);
      child.kill();
      if (err) reject(err);
      else resolve(lines);
    };
    const timer = setTimeout(() => finish(new Error(`timed out watching ${args.join(' ')}; saw:\n${lines.join('\n')}`)), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      lines.push(...parts);
      if (done(lines)) finish();
    });
  });
}
