import { join } from 'node:path';
import type { ClusterState } from '../local/cluster.js';
import type { Kube } from '../runtime/index.js';
import { startOperator, type ChaosOperator } from './operator.js';
import type { Random } from './random.js';

// What every scenario gets, and the row it gives back.

export interface ChaosContext {
  cluster: ClusterState;
  kube: Kube;
  random: Random;
  progress: (line: string) => void;
  /** How long the fleet may take to converge after one fault. */
  convergeTimeoutMs: number;
}

export interface ScenarioResult {
  /** The table's first column, e.g. "kill -9 the operator during rollouts". */
  title: string;
  /** Faults injected, e.g. "22 kills". */
  runs: string;
  /** ECS deployments started (or pod creations, for the webhook) that were checked. */
  checked: string;
  lost: number;
  duplicated: number;
  orphaned: number;
  /** What `times` measures, e.g. "recovery (restart → converged)". */
  timeLabel: string;
  times: number[];
  /** The longest a time may be, when the scenario has a bound. */
  boundMs?: number;
  /** Every other invariant that failed, with what was seen. */
  failures: string[];
  /** Details for the report, one line each. */
  notes: string[];
}

export function passed(r: ScenarioResult): boolean {
  const withinBound = r.boundMs === undefined || r.times.every((t) => t <= r.boundMs!);
  return r.lost === 0 && r.duplicated === 0 && r.orphaned === 0 && r.failures.length === 0 && withinBound && r.times.length > 0;
}

let operatorCount = 0;

/** `berth run` against the chaos cluster, logging to the cluster's log directory. */
export function operator(ctx: ChaosContext, args: string[], waitReady = true): Promise<ChaosOperator> {
  const log = join(ctx.cluster.dir, 'logs', `operator-${++operatorCount}.log`);
  return startOperator({ kubeconfig: ctx.cluster.kubeconfig, log, args: ['--log-level', 'info', ...args], waitReady });
}
