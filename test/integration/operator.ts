import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../src/local/ports.js';
import { kubectl, testCluster, waitFor } from './cluster.js';

const repo = process.cwd();

/** Installs (or updates) Berth's CRDs from crds/ and waits until the apiserver serves them. */
export async function installCrds(): Promise<void> {
  const files = readdirSync(join(repo, 'crds')).filter((f) => f.endsWith('.yaml'));
  for (const file of files) await kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=berth-test', '-f', join(repo, 'crds', file)]);
  await kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...files.map((f) => `crd/${f.replace(/\.yaml$/, '')}`)]);
}

/** The operator, running as its own process exactly as `berth run` does. */
export interface OperatorProcess {
  probeUrl: string;
  logs(): string;
  metrics(): Promise<string>;
  stop(): Promise<number | null>;
}

export async function startOperator(extraArgs: string[] = []): Promise<OperatorProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn('node', [join(repo, 'dist/cli/main.js'), 'run', '--kubeconfig', testCluster().kubeconfig, '--probe-address', `127.0.0.1:${port}`, '--qps', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const probeUrl = `http://127.0.0.1:${port}`;
  await waitFor('the operator to be ready', async () => {
    if (child.exitCode !== null) throw new Error(`the operator exited with ${child.exitCode}:\n${output}`);
    try {
      return (await fetch(`${probeUrl}/readyz`)).ok;
    } catch {
      return false;
    }
  });
  return {
    probeUrl,
    logs: () => output,
    metrics: async () => (await fetch(`${probeUrl}/metrics`)).text(),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Sum of a counter's samples whose labels include all of `labels`. */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
