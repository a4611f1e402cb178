import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { basename } from 'node:path';
import { metricSum, WRITE_METHODS } from '../bench/measure.js';
import { operatorCommand, waitUntilReady } from '../local/operator.js';
import { freePort } from '../local/ports.js';

// One `berth run` process that the chaos suite may SIGKILL at any moment. Its output goes to a
// log file in the cluster's directory, read when something fails.

export interface ChaosOperator {
  readonly pid: number;
  readonly log: string;
  /** The log's file name, in the cluster's log directory (kept when a run fails). */
  readonly logName: string;
  /** When the process was spawned (performance.now()). */
  readonly startedAt: number;
  alive(): boolean;
  /** The /metrics text, or undefined when the process does not answer. */
  metrics(): Promise<string | undefined>;
  /** kill -9: no shutdown hook runs, nothing is released or unregistered. */
  kill(): Promise<void>;
  /** SIGSTOP: frozen in the middle of whatever it was doing, as a stalled VM or a long GC pause. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** SIGTERM, as a clean stop; SIGKILL after 20 s. */
  stop(): Promise<void>;
}

export interface OperatorStart {
  kubeconfig: string;
  log: string;
  args: string[];
  /** Wait for /readyz before returning (a standby replica is ready too). */
  waitReady?: boolean;
}

export async function startOperator(options: OperatorStart): Promise<ChaosOperator> {
  const port = await freePort();
  const { command, args } = operatorCommand(options.kubeconfig, port, ['--qps', '0', ...options.args]);
  const fd = openSync(options.log, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  const startedAt = performance.now();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const url = `http://127.0.0.1:${port}`;
  const operator: ChaosOperator = {
    pid: child.pid ?? 0,
    log: options.log,
    logName: basename(options.log),
    startedAt,
    alive,
    metrics: () => fetch(`${url}/metrics`, { signal: AbortSignal.timeout(3000) }).then((r) => (r.ok ? r.text() : undefined), () => undefined),
    kill: async () => {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    stop: async () => {
      if (!alive()) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
  if (options.waitReady ?? true) {
    try {
      await waitUntilReady(port, alive, `its log is ${options.log}`);
    } catch (err) {
      // Nobody else holds it: left running, it would outlive the cluster it talks to.
      await operator.kill();
      throw err;
    }
  }
  return operator;
}

const LEASE_PATH = '/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}';
const DURATION_COUNT = 'rest_client_request_duration_seconds_count';

/** Answered writes (POST/PUT/PATCH/DELETE) other than the leader election's own Lease updates. */
export function controllerWrites(metrics: string): number {
  let total = 0;
  for (const verb of WRITE_METHODS) total += metricSum(metrics, DURATION_COUNT, { verb }) - metricSum(metrics, DURATION_COUNT, { verb, path: LEASE_PATH });
  return total;
}

/** leader_election_master_status of the replica: true while it leads. */
export function isLeading(metrics: string): boolean {
  return metricSum(metrics, 'leader_election_master_status') === 1;
}
