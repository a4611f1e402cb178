// The cpu and memory a routed pod gets, so that it holds exactly its Fargate size with requests
// equal to limits (Guaranteed QoS, as every EKS Fargate pod runs). The budget is the size less
// the 256 MiB Fargate keeps for the node's own processes; the isolated RuntimeClass is expected
// to carry that 256 MiB as its pod overhead, so a node reserves the whole size. An ECS task
// (annotation ecs.berth.dev/task-size) runs at its task size, so its budget is the whole size.
//
// Pod-level resources (the default, as for rendered task definitions): the pod's requests and
// limits are the budget and its containers share it, as containers share a Fargate VM; container
// limits above the budget are lowered to it.
//
// Container resources (for clusters without pod-level resources):
//   - app containers keep their requests and share what is left of the budget: equally among
//     those that asked for nothing, otherwise all of it to the first app container;
//   - native sidecars keep their requests; one that asked for nothing is left without, which
//     makes the pod Burstable (a note says so);
//   - init containers keep their requests, or, without one, get the budget less the sidecars
//     declared before them (what runs next to them);
//   - every value set is both request and limit.

import type { Container, PodSpec, ResourceList } from '../api/kube.js';
import { MiB, cpuMillis, formatCpu, formatMemory, memoryBytes } from './quantity.js';
import { NODE_OVERHEAD_MIB, containerRequest, isSidecar, type FargatePodSize } from './sizing.js';

/** The cpu/memory entries to write; other resources (ephemeral-storage, GPUs) are left alone. */
export interface ResourceSetting {
  requests?: ResourceList;
  limits?: ResourceList;
}

export interface FargateResources {
  pod?: ResourceSetting;
  /** By container name. */
  containers: Record<string, ResourceSetting>;
  /** By init container name (sidecars included). */
  initContainers: Record<string, ResourceSetting>;
  notes: string[];
}

type Resource = 'cpu' | 'memory';
const RESOURCES: Resource[] = ['cpu', 'memory'];

/** `overheadMiB`: what the size keeps for the node's own processes (none for an ECS task size). */
export function fargateResources(spec: PodSpec, size: FargatePodSize, podLevel: boolean, overheadMiB = NODE_OVERHEAD_MIB): FargateResources {
  const budget: Record<Resource, number> = { cpu: size.cpuMillis, memory: (size.memoryMiB - overheadMiB) * MiB };
  return podLevel ? podLevelResources(spec, budget) : containerResources(spec, budget);
}

function format(resource: Resource, value: number): string {
  return resource === 'cpu' ? formatCpu(value) : formatMemory(value);
}

function podLevelResources(spec: PodSpec, budget: Record<Resource, number>): FargateResources {
  const pod: ResourceSetting = { requests: {}, limits: {} };
  for (const r of RESOURCES) {
    pod.requests![r] = format(r, budget[r]);
    pod.limits![r] = format(r, budget[r]);
  }
  const clamp = (c: Container): ResourceSetting | undefined => {
    const limits: ResourceList = {};
    for (const r of RESOURCES) {
      const q = c.resources?.limits?.[r];
      const value = q === undefined ? undefined : r === 'cpu' ? cpuMillis(q) : memoryBytes(q);
      if (value !== undefined && value > budget[r]) limits[r] = format(r, budget[r]);
    }
    return Object.keys(limits).length > 0 ? { limits } : undefined;
  };
  return { pod, containers: byName(spec.containers, clamp), initContainers: byName(spec.initContainers ?? [], clamp), notes: [] };
}

function containerResources(spec: PodSpec, budget: Record<Resource, number>): FargateResources {
  const inits = spec.initContainers ?? [];
  const values = new Map<Container, Partial<Record<Resource, number>>>();
  const notes: string[] = [];
  for (const r of RESOURCES) {
    // sizePod has already parsed every quantity, so these are numbers.
    const req = (c: Container) => containerRequest(c, r) as number;
    const sidecars = inits.filter(isSidecar);
    const apps = spec.containers;
    for (const c of [...sidecars, ...apps]) set(values, c, r, req(c));
    const used = [...sidecars, ...apps].reduce((sum, c) => sum + req(c), 0);
    const slack = budget[r] - used;
    const empty = apps.filter((c) => req(c) === 0);
    if (empty.length > 0) {
      const unit = r === 'cpu' ? 1 : MiB;
      const share = Math.floor(slack / unit / empty.length) * unit;
      empty.forEach((c, i) => set(values, c, r, share + (i === 0 ? slack - share * empty.length : 0)));
    } else if (apps.length > 0) {
      set(values, apps[0], r, req(apps[0]) + slack);
    }
    for (const c of sidecars.filter((s) => req(s) === 0)) {
      notes.push(`sidecar "${c.name}" requests no ${r}; it is left without a ${r} limit, so the pod is Burstable rather than Guaranteed`);
    }
    let running = 0;
    for (const c of inits) {
      if (isSidecar(c)) running += values.get(c)?.[r] ?? 0;
      else set(values, c, r, req(c) > 0 ? req(c) : budget[r] - running);
    }
  }
  const setting = (c: Container): ResourceSetting | undefined => {
    const v = values.get(c) ?? {};
    const list: ResourceList = {};
    for (const r of RESOURCES) if ((v[r] ?? 0) > 0) list[r] = format(r, v[r]!);
    return Object.keys(list).length > 0 ? { requests: { ...list }, limits: { ...list } } : undefined;
  };
  return { containers: byName(spec.containers, setting), initContainers: byName(inits, setting), notes };
}

function set(values: Map<Container, Partial<Record<Resource, number>>>, c: Container, r: Resource, v: number): void {
  values.set(c, { ...values.get(c), [r]: v });
}

function byName(containers: readonly Container[], f: (c: Container) => ResourceSetting | undefined): Record<string, ResourceSetting> {
  const out: Record<string, ResourceSetting> = {};
  for (const c of containers) {
    const s = f(c);
    if (s) out[c.name] = s;
  }
  return out;
}
