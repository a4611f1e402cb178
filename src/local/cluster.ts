import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ensureBinaries, type BinaryPaths, type Progress } from './binaries.js';
import { adminKubeconfig, componentSpecs, type ComponentSpec, type Ports } from './components.js';
import { probe } from './http-probe.js';
import { runKubectl } from './kubectl.js';
import { kwokStagesYaml } from './kwok-stages.js';
import { DEFAULT_NODE_POOLS, renderNodes, renderRuntimeClass, type NodePools } from './nodepools.js';
import { clusterDir } from './paths.js';
import { ensurePki, pkiPaths } from './pki.js';
import { freePorts } from './ports.js';
import { isAlive, logTail, startDetached, stopProcess, type ProcessRecord } from './processes.js';

/** What `berth local up` leaves behind for `env`, `status` and `down` (the file state.json). */
export interface ClusterState {
  name: string;
  dir: string;
  kubeconfig: string;
  /** Holds kubectl and helm of the cluster's release, for PATH. */
  binDir: string;
  bins: BinaryPaths;
  ports: Ports;
  processes: ProcessRecord[];
  nodes: number;
  createdAt: string;
}

export interface UpOptions {
  name: string;
  pools?: NodePools;
  progress?: Progress;
  /** Seconds to wait for each component. */
  timeoutSeconds?: number;
}

const stateFile = (name: string) => join(clusterDir(name), 'state.json');

export function readState(name: string): ClusterState | undefined {
  const file = stateFile(name);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
}

function writeState(state: ClusterState): void {
  writeFileSync(stateFile(state.name), JSON.stringify(state, null, 2));
}

/**
 * Records a process started next to the cluster (the operator, under `npm start`) so that
 * `status` shows it and `down` stops it with the rest.
 */
export function attachProcess(name: string, record: ProcessRecord): ClusterState {
  const state = readState(name);
  if (!state) throw new Error(`no cluster "${name}"`);
  state.processes = [...state.processes.filter((p) => p.name !== record.name), record];
  writeState(state);
  return state;
}

const CONTROL_PLANE = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'];

/** True when every component is alive and the apiserver answers /readyz. */
export async function isHealthy(state: ClusterState): Promise<boolean> {
  // Attached processes (the operator) may come and go; the control plane may not.
  const alive = (name: string) => state.processes.some((p) => p.name === name && isAlive(p.pid));
  if (!CONTROL_PLANE.every(alive)) return false;
  const pki = pkiPaths(join(state.dir, 'pki'));
  const ready = await probe(`https://127.0.0.1:${state.ports.apiserver}/readyz`, tlsFromPki(pki));
  return ready.status === 200;
}

function tlsFromPki(pki: ReturnType<typeof pkiPaths>) {
  return { ca: readFileSync(pki.caCert), cert: readFileSync(pki.adminCert), key: readFileSync(pki.adminKey) };
}

/**
 * Starts the control plane and the fake node pools, or returns the running one unchanged. A
 * half-dead cluster from an earlier run is stopped and started afresh.
 */
export async function up(options: UpOptions): Promise<{ state: ClusterState; reused: boolean }> {
  const say = options.progress ?? (() => {});
  const previous = readState(options.name);
  if (previous && (await isHealthy(previous))) return { state: previous, reused: true };
  if (previous) {
    say('An earlier cluster of this name is not healthy; starting it afresh.');
    await down(options.name);
  }

  const bins = await ensureBinaries(say);
  const dir = clusterDir(options.name);
  for (const sub of ['logs', 'bin']) mkdirSync(join(dir, sub), { recursive: true });
  const pki = await ensurePki(join(dir, 'pki'));
  const [etcd, etcdPeer, apiserver, controllerManager, scheduler, kwok] = await freePorts(6);
  const ports: Ports = { etcd, etcdPeer, apiserver, controllerManager, scheduler, kwok };
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, adminKubeconfig(pki, apiserver), { mode: 0o600 });
  const stagesFile = join(dir, 'kwok-stages.yaml');
  writeFileSync(stagesFile, kwokStagesYaml());
  const binDir = join(dir, 'bin');
  for (const tool of ['kubectl', 'helm'] as const) {
    rmSync(join(binDir, tool), { force: true });
    symlinkSync(bins[tool], join(binDir, tool));
  }
  const pools = options.pools ?? DEFAULT_NODE_POOLS;
  const state: ClusterState = {
    name: options.name, dir, kubeconfig, binDir, bins, ports, processes: [],
    nodes: pools.pools.reduce((n, p) => n + p.count, 0), createdAt: new Date().toISOString(),
  };

  try {
    for (const spec of specsOf(state)) {
      say(`starting ${spec.name} on 127.0.0.1:${portOf(spec)}`);
      const record = startDetached(spec.name, spec.binary, spec.args, join(dir, 'logs', `${spec.name}.log`));
      state.processes.push(record);
      writeState(state);
      await waitReady(spec, record, tlsFromPki(pki), options.timeoutSeconds ?? 120);
    }
    say(`creating ${state.nodes} fake nodes and RuntimeClass berth-isolated`);
    await bootstrap(state, pools, options.timeoutSeconds ?? 120);
  } catch (err) {
    await down(options.name, { keepLogs: true });
    throw err;
  }
  return { state, reused: false };
}

function portOf(spec: ComponentSpec): string {
  return new URL(spec.ready.url).port;
}

async function waitReady(spec: ComponentSpec, record: ProcessRecord, tls: ReturnType<typeof tlsFromPki>, timeoutSeconds: number): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    if (!isAlive(record.pid)) {
      throw new Error(`${spec.name} exited during start-up; its log is ${record.log}:\n${logTail(record.log)}`);
    }
    const client = spec.ready.kind === 'apiserver' ? tls : { insecure: spec.ready.kind === 'insecure-https' };
    const { status, body } = await probe(spec.ready.url, client);
    if (status === 200 && (spec.ready.kind !== 'etcd' || body.includes('"health":"true"'))) return;
    if (Date.now() > deadline) {
      throw new Error(`${spec.name} was not ready after ${timeoutSeconds}s (${spec.ready.url}); its log is ${record.log}:\n${logTail(record.log)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function bootstrap(state: ClusterState, pools: NodePools, timeoutSeconds: number): Promise<void> {
  const kubectl = (args: string[], stdin?: string) => runKubectl(state.bins.kubectl, state.kubeconfig, args, stdin);
  const isolated = pools.pools.filter((p) => p.isolated).map((p) => p.name);
  const objects = [renderRuntimeClass(isolated), ...renderNodes(pools)];
  await kubectl(['apply', '--server-side', '--field-manager=berth-local', '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
  if (state.nodes > 0) await kubectl(['wait', '--for=condition=Ready', 'nodes', '--all', `--timeout=${timeoutSeconds}s`]);
  // Pods are refused until the service-account controller has created the namespace's default account.
  await waitFor(async () => {
    try {
      await kubectl(['get', 'serviceaccount', 'default', '-n', 'default']);
      return true;
    } catch {
      return false;
    }
  }, timeoutSeconds, 'the default ServiceAccount');
}

async function waitFor(check: () => Promise<boolean>, timeoutSeconds: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutSeconds}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The command lines of a running cluster's components, as `up` started them. */
function specsOf(state: ClusterState): ComponentSpec[] {
  const pki = pkiPaths(join(state.dir, 'pki'));
  return componentSpecs({ dir: state.dir, bins: state.bins, pki, ports: state.ports, kubeconfig: state.kubeconfig, stagesFile: join(state.dir, 'kwok-stages.yaml') });
}

/**
 * Stops one component of a running cluster and starts it again with the same command line (the
 * same ports and data directory), as an upgrade does; returns once it is ready again. It gets
 * SIGTERM, and SIGKILL after 10 s; `downMs` keeps it stopped that much longer, as an outage.
 */
export async function restartComponent(
  name: string,
  component: ComponentSpec['name'],
  options: { timeoutSeconds?: number; downMs?: number } = {},
): Promise<ClusterState> {
  const state = readState(name);
  if (!state) throw new Error(`no cluster "${name}"`);
  const spec = specsOf(state).find((s) => s.name === component);
  const old = state.processes.find((p) => p.name === component);
  if (!spec || !old) throw new Error(`cluster "${name}" has no ${component}`);
  await stopProcess(old.pid);
  if (options.downMs) await new Promise((r) => setTimeout(r, options.downMs));
  const record = startDetached(spec.name, spec.binary, spec.args, old.log);
  state.processes = state.processes.map((p) => (p.name === component ? record : p));
  writeState(state);
  await waitReady(spec, record, tlsFromPki(pkiPaths(join(state.dir, 'pki'))), options.timeoutSeconds ?? 120);
  return state;
}

/** Stops every component (last started first) and removes the cluster's directory (keeping the logs after a failed start). */
export async function down(name: string, options: { keepLogs?: boolean } = {}): Promise<boolean> {
  const state = readState(name);
  if (!state) return false;
  for (const p of [...state.processes].reverse()) await stopProcess(p.pid);
  if (options.keepLogs) {
    rmSync(join(state.dir, 'etcd'), { recursive: true, force: true });
    rmSync(stateFile(name), { force: true });
  } else {
    rmSync(state.dir, { recursive: true, force: true });
  }
  return true;
}

/** The shell lines that point kubectl and helm at the cluster. */
export function envLines(state: ClusterState): string[] {
  return [`export KUBECONFIG=${state.kubeconfig}`, `export PATH=${state.binDir}:$PATH`];
}
