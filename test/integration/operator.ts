import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writes } from '../../src/bench/measure.js';
import { freePort } from '../../src/local/ports.js';
import { operatorCommand, waitUntilReady } from '../../src/local/operator.js';
import { kubectl, kubectlJson, testCluster, waitFor } from './cluster.js';

const repo = process.cwd();

/** Installs (or updates) Berth's CRDs from crds/ and waits until the apiserver serves them. */
export async function installCrds(): Promise<void> {
  const files = readdirSync(join(repo, 'crds')).filter((f) => f.endsWith('.yaml'));
  for (const file of files) await kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=berth-test', '-f', join(repo, 'crds', file)]);
  // A CRD created a moment ago may have no conditions yet, which `kubectl wait` takes for an error.
  const established = async (name: string) => {
    const crd = await kubectlJson<{ status?: { conditions?: { type: string; status: string }[] } }>(['get', 'crd', name]);
    return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
  };
  for (const name of files.map((f) => f.replace(/\.yaml$/, ''))) await waitFor(`CRD ${name} established`, () => established(name));
}

/** The operator, running as its own process exactly as `berth run` does. */
export interface OperatorProcess {
  probeUrl: string;
  logs(): string;
  metrics(): Promise<string>;
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash: nothing is cleaned up. */
  kill(): Promise<void>;
}

export async function startOperator(extraArgs: string[] = []): Promise<OperatorProcess> {
  const port = await freePort();
  const { command, args } = operatorCommand(testCluster().kubeconfig, port, ['--qps', '0', ...extraArgs]);
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await waitUntilReady(port, () => child.exitCode === null, 'its output is in the test log').catch((err: Error) => {
    throw new Error(`${err.message}\n${output}`);
  });
  const probeUrl = `http://127.0.0.1:${port}`;
  return {
    probeUrl,
    logs: () => output,
    metrics: async () => (await fetch(`${probeUrl}/metrics`)).text(),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}


/**
 * Restarts the operator once the cluster has settled and gives its metrics after its caches
 * synced and its first passes ran: what a converged restart costs. Settled means the running
 * operator has stopped writing: its write count held still for 3 s (a steady Service may still
 * have an event or a status to write on a loaded machine).
 */
export async function metricsAfterRestart(operator: { current(): OperatorProcess; restart(): Promise<OperatorProcess> }): Promise<string> {
  let last = -1;
  await waitFor('the operator to stop writing', async () => {
    const now = writes(await operator.current().metrics());
    const quiet = now === last;
    last = now;
    return quiet;
  }, 90_000, 3000);
  const restarted = await operator.restart();
  await new Promise((r) => setTimeout(r, 8000));
  return restarted.metrics();
}

/**
 * The CRDs and one operator process for a whole test file: started before its first test,
 * stopped (cleanly, exit 0) after its last.
 */
export function useOperator(extraArgs: string[] = []): { current(): OperatorProcess; restart(): Promise<OperatorProcess> } {
  let operator: OperatorProcess | undefined;
  beforeAll(async () => {
    await installCrds();
    operator = await startOperator(extraArgs);
  });
  afterAll(async () => {
    expect(await operator?.stop()).toBe(0);
  });
  return {
    current: () => operator!,
    restart: async () => {
      expect(await operator?.stop()).toBe(0);
      operator = await startOperator(extraArgs);
      return operator;
    },
  };
}

/**
 * Waits until the operator's berth-resources webhook answers in `namespace` (not only some
 * configuration left by one that died): a server dry run of a Service with a broken placement
 * expression goes through the webhooks, is refused by ours, and stores nothing.
 */
export async function resourceWebhookServed(namespace: string): Promise<void> {
  const probe = {
    apiVersion: 'ecs.berth.dev/v1alpha1',
    kind: 'Service',
    metadata: { name: 'probe' },
    spec: { taskDefinition: 'web', desiredCount: 1, placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t2.* and' }] },
  };
  const answer = () => kubectl(['create', '--dry-run=server', '-n', namespace, '-f', '-'], JSON.stringify(probe)).catch((err: Error) => err.message);
  await waitFor('the berth-resources webhook to answer', async () => (await answer()).includes('admission webhook "resources.ecs.berth.dev" denied the request'));
}
