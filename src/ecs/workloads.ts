import type { DaemonSet, Deployment } from '../api/kube.js';
import { LABEL_DEPLOYMENT, deploymentLabelValue } from './ids.js';

// The workloads of a Service: one named after it, or one per capacity provider. When the spec
// stops asking for one (a provider left the strategy, or the strategy came or went), it is
// retired as a rolling update retires old tasks: once every workload the spec asks for has all
// its tasks available, not before, so the service keeps its tasks meanwhile.

export type Workload = Deployment | DaemonSet;

/** Every workload the spec asks for exists, has seen its latest spec and runs deployment `id`, and no other is left. */
export function workloadsRun(workloads: readonly Workload[], names: readonly string[] | undefined, id: string): boolean {
  const wanted = names ?? workloads.map(nameOf);
  if (wanted.length === 0) return false;
  if (workloads.some((w) => !wanted.includes(nameOf(w)))) return false;
  return wanted.every((name) => {
    const w = workloads.find((x) => nameOf(x) === name);
    return w !== undefined && observed(w) && w.spec.template.metadata?.labels?.[LABEL_DEPLOYMENT] === deploymentLabelValue(id);
  });
}

/** The workloads the spec no longer asks for that can go now. */
export function workloadsToRetire(workloads: readonly Workload[], names: readonly string[]): Workload[] {
  const retiring = workloads.filter((w) => !names.includes(nameOf(w)));
  if (retiring.length === 0) return [];
  const replaced = names.every((name) => {
    const w = workloads.find((x) => nameOf(x) === name);
    return w !== undefined && available(w);
  });
  return replaced ? retiring : [];
}

function nameOf(w: Workload): string {
  return w.metadata.name ?? '';
}

// The workload controller has seen the latest spec.
function observed(w: Workload): boolean {
  const generation = w.metadata.generation;
  const seen = w.status?.observedGeneration;
  return generation === undefined || (seen !== undefined && seen >= generation);
}

function available(w: Workload): boolean {
  if (!observed(w)) return false;
  if (w.kind === 'DaemonSet') {
    const s = (w as DaemonSet).status;
    return (s?.numberAvailable ?? 0) >= (s?.desiredNumberScheduled ?? 0) && (s?.updatedNumberScheduled ?? 0) >= (s?.desiredNumberScheduled ?? 0);
  }
  const d = w as Deployment;
  const replicas = d.spec.replicas ?? 1;
  return (d.status?.availableReplicas ?? 0) >= replicas && (d.status?.updatedReplicas ?? 0) >= replicas;
}
