// Fargate pod sizing, as EKS Fargate does it:
//   - a container's request is its `requests` value (Kubernetes defaults a missing request to the
//     limit, so a limit alone counts too);
//   - the pod needs the larger of its init phase and its long-running phase. Long-running means
//     the app containers plus native sidecars (init containers with restartPolicy Always); an
//     init container runs next to the sidecars declared before it, so it needs its own request
//     plus theirs (Kubernetes' formula; without sidecars it is EKS's "largest init container");
//   - pod-level requests, when set, are the pod's request instead (Kubernetes' rule);
//   - 256 MiB of memory is added for the node's own processes, then the pod is rounded up to the
//     first row of the Fargate table (fewest vCPUs, then least memory) that holds both.
// Fargate's "GB" is 1024 MiB.
// An ECS task is different: it runs at exactly its task size (ECS has already checked that size
// against the Fargate table and that its containers fit), so a pod that carries one in annotation
// ecs.berth.dev/task-size is given that size verbatim, with no overhead added.

import type { Container, PodSpec, ResourceList } from '../api/kube.js';
import { FARGATE_SIZES, isFargateSize } from '../api/values.js';
import { MiB, cpuMillis, memoryBytes, quantityProblem } from './quantity.js';

/** Memory Fargate reserves in every pod for kubelet, kube-proxy and containerd. */
export const NODE_OVERHEAD_MIB = 256;

export interface FargatePodSize {
  /** 0.25, 0.5, 1, 2, 4, 8 or 16. */
  vcpu: number;
  /** In Fargate GB (1024 MiB): 0.5, 1, 2 … 120. */
  memoryGB: number;
  cpuMillis: number;
  memoryMiB: number;
  /** The CapacityProvisioned annotation, as EKS writes it: "0.25vCPU 0.5GB", "2vCPU 9GB". */
  capacityProvisioned: string;
}

/** What a pod asks for: millicores and bytes, before the 256 MiB is added. */
export interface PodRequest {
  cpuMillis: number;
  memoryBytes: number;
}

export type SizingResult =
  | { ok: true; request: PodRequest; size: FargatePodSize }
  | { ok: false; rule: 'SizeExceeded' | 'InvalidResources'; message: string };

/** The annotation that carries an ECS task's size onto its pods: "<cpu units>/<memory MiB>", e.g. "1024/2048". */
export const TASK_SIZE_ANNOTATION = 'ecs.berth.dev/task-size';

/** The annotation value for a task size; undefined when it is not a Fargate size. */
export function taskSizeAnnotation(cpuUnits: number, memoryMiB: number): string | undefined {
  return isFargateSize(cpuUnits, memoryMiB) ? `${cpuUnits}/${memoryMiB}` : undefined;
}

/** The Fargate size an annotation value names, or an error naming the rule it breaks. */
export function taskSizeOf(annotation: string): FargatePodSize | { error: string } {
  const match = /^([0-9]{1,6})\/([0-9]{1,7})$/.exec(annotation);
  const cpu = match ? Number(match[1]) : NaN;
  const memory = match ? Number(match[2]) : NaN;
  if (!match || !isFargateSize(cpu, memory)) {
    return { error: `annotation ${TASK_SIZE_ANNOTATION} "${annotation}" must be "<cpu units>/<memory MiB>" of a Fargate task size, for example "1024/2048"` };
  }
  return sizeOf((cpu * 1000) / 1024, memory);
}

/** Sizes a pod: at its task size when it has one, else as EKS Fargate does. */
export function sizePod(spec: PodSpec, taskSize?: FargatePodSize): SizingResult {
  const request = podRequest(spec);
  if ('error' in request) return { ok: false, rule: 'InvalidResources', message: request.error };
  if (taskSize) {
    if (request.cpuMillis <= taskSize.cpuMillis && request.memoryBytes <= taskSize.memoryMiB * MiB) return { ok: true, request, size: taskSize };
    return {
      ok: false,
      rule: 'SizeExceeded',
      message: `the pod needs ${request.cpuMillis / 1000} vCPU and ${round2(request.memoryBytes / MiB / 1024)} GB, more than its task size ${taskSize.capacityProvisioned}`,
    };
  }
  const size = fargateSizeFor(request);
  if (!size) {
    const largest = FARGATE_SIZES[FARGATE_SIZES.length - 1];
    const gb = (request.memoryBytes / MiB + NODE_OVERHEAD_MIB) / 1024;
    return {
      ok: false,
      rule: 'SizeExceeded',
      message: `the pod needs ${request.cpuMillis / 1000} vCPU and ${round2(gb)} GB (including ${NODE_OVERHEAD_MIB} MiB for the node's own processes), beyond the largest Fargate size of ${largest.cpu / 1024} vCPU and ${largest.memory[largest.memory.length - 1] / 1024} GB`,
    };
  }
  return { ok: true, request, size };
}

/** The smallest Fargate size that holds the request plus the 256 MiB overhead. */
export function fargateSizeFor(request: PodRequest): FargatePodSize | undefined {
  const neededBytes = request.memoryBytes + NODE_OVERHEAD_MIB * MiB;
  for (const row of FARGATE_SIZES) {
    const millis = (row.cpu * 1000) / 1024;
    if (millis < request.cpuMillis) continue;
    const mib = row.memory.find((m) => m * MiB >= neededBytes);
    if (mib !== undefined) return sizeOf(millis, mib);
  }
  return undefined;
}

function sizeOf(millis: number, mib: number): FargatePodSize {
  const vcpu = millis / 1000;
  const memoryGB = mib / 1024;
  return { vcpu, memoryGB, cpuMillis: millis, memoryMiB: mib, capacityProvisioned: `${vcpu}vCPU ${memoryGB}GB` };
}

export function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

/**
 * A container's request for cpu (millicores) or memory (bytes), a limit standing in for a missing
 * request. `path` (spec.containers[0]) names the container in errors.
 */
export function containerRequest(c: Container, resource: 'cpu' | 'memory', path = `container "${c.name}"`): number | { error: string } {
  return listRequest(c.resources?.requests, c.resources?.limits, resource, path);
}

export function podRequest(spec: PodSpec): PodRequest | { error: string } {
  const cpu = phaseMax(spec, 'cpu');
  const memory = phaseMax(spec, 'memory');
  if (typeof cpu !== 'number') return cpu;
  if (typeof memory !== 'number') return memory;
  return { cpuMillis: cpu, memoryBytes: memory };
}

function phaseMax(spec: PodSpec, resource: 'cpu' | 'memory'): number | { error: string } {
  const podLevel = listRequest(spec.resources?.requests, spec.resources?.limits, resource, 'spec');
  if (typeof podLevel !== 'number' || podLevel > 0) return podLevel;
  let sidecars = 0;
  let initPeak = 0;
  for (const [i, c] of (spec.initContainers ?? []).entries()) {
    const r = containerRequest(c, resource, `spec.initContainers[${i}]`);
    if (typeof r !== 'number') return r;
    if (isSidecar(c)) sidecars += r;
    else initPeak = Math.max(initPeak, r + sidecars);
  }
  let running = sidecars;
  for (const [i, c] of spec.containers.entries()) {
    const r = containerRequest(c, resource, `spec.containers[${i}]`);
    if (typeof r !== 'number') return r;
    running += r;
  }
  return Math.max(initPeak, running);
}

function listRequest(requests: ResourceList | undefined, limits: ResourceList | undefined, resource: 'cpu' | 'memory', owner: string): number | { error: string } {
  const fromRequests = requests?.[resource] !== undefined;
  const q: unknown = fromRequests ? requests?.[resource] : limits?.[resource];
  if (q === undefined) return 0;
  const path = `${owner}.resources.${fromRequests ? 'requests' : 'limits'}.${resource}`;
  const problem = quantityProblem(q);
  if (problem) return { error: `${path}: invalid ${resource} quantity: ${problem}` };
  const value = resource === 'cpu' ? cpuMillis(q) : memoryBytes(q);
  if (value === undefined || value < 0) return { error: `${path}: invalid ${resource} quantity '${String(q)}': it must not be negative` };
  return value;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
