import { isEssential, type ContainerDefinition } from '../api/container.js';
import type { ResourceRequirements } from '../api/kube.js';
import type { TaskDefinitionSpec } from '../api/taskdefinition.js';
import { parseCpu, parseMemory } from '../api/values.js';
import type { ContainerRole } from './dependencies.js';
import { containerPath, RenderError, type IgnoredField } from './findings.js';
import { cpuQuantity, gibibytes, isExactSize, mebibytes } from './quantities.js';

// ECS container cpu is a relative share (Docker cpu-shares), so it becomes a request only;
// container memory is a hard limit, memoryReservation a soft one (the request). Task cpu and
// memory bound the whole task, which is what pod-level resources express (PodLevelResources:
// beta and on by default since Kubernetes 1.34).

export interface ResourcePlan {
  /** Pod-level resources, when the task sets cpu or memory and pod-level resources are on. */
  pod?: ResourceRequirements;
  /** Container resources, by container definition index. */
  containers: ResourceRequirements[];
}

export interface ResourceOptions {
  /** Put task cpu/memory on the pod (true) or spread them over essential containers (false). */
  podLevelResources: boolean;
}

export function planResources(
  spec: TaskDefinitionSpec,
  roles: readonly ContainerRole[],
  options: ResourceOptions,
  ignored: IgnoredField[],
): ResourcePlan {
  const defs = spec.containerDefinitions;
  const containers = defs.map((def, i) => containerResources(def, i, ignored));
  const taskCpu = spec.cpu === undefined ? 0 : parseCpu(spec.cpu);
  const taskMemory = spec.memory === undefined ? 0 : parseMemory(spec.memory);
  exactSize('$.cpu', spec.cpu, taskCpu, 'CPU units');
  exactSize('$.memory', spec.memory, taskMemory, 'MiB');
  checkFits(defs, taskCpu, taskMemory);

  // Kubernetes has no pod-level ephemeral storage; the first essential long-running container
  // asks for all of it, so the pod's total request is the task's.
  if (spec.ephemeralStorage) {
    const first = defs.findIndex((def, i) => roles[i] === 'app' && isEssential(def));
    const target = first === -1 ? roles.indexOf('app') : first;
    addTo(containers[target], 'requests', 'ephemeral-storage', gibibytes(spec.ephemeralStorage.sizeInGiB));
  }

  if (options.podLevelResources && (taskCpu || taskMemory)) {
    return { pod: podResources(taskCpu, taskMemory), containers: containers.map(limitsFirst) };
  }
  spreadCpu(defs, roles, containers, taskCpu, ignored);
  spreadMemory(defs, roles, containers, taskMemory, ignored);
  return { containers: containers.map(limitsFirst) };
}

// The order kubectl shows; it keeps rendered objects easy to compare by eye.
function limitsFirst(r: ResourceRequirements): ResourceRequirements {
  const out: ResourceRequirements = {};
  if (r.limits) out.limits = r.limits;
  if (r.requests) out.requests = r.requests;
  return out;
}

const UNHONOURED_RESOURCE = {
  GPU: 'not honoured: GPU sharing (NVIDIA MPS) needs a device plugin configured for it; no GPU is requested',
  InferenceAccelerator: 'not honoured: Elastic Inference accelerators have no Kubernetes equivalent',
  NeuronDevice: 'not honoured: Neuron devices are requested through the Neuron device plugin\'s resources, set by hand',
} as const;

function containerResources(def: ContainerDefinition, i: number, ignored: IgnoredField[]): ResourceRequirements {
  const out: ResourceRequirements = {};
  if (def.cpu) addTo(out, 'requests', 'cpu', cpuQuantity(def.cpu));
  if (def.memory) addTo(out, 'limits', 'memory', mebibytes(def.memory));
  const reserved = def.memoryReservation || def.memory;
  if (reserved) addTo(out, 'requests', 'memory', mebibytes(reserved));
  (def.resourceRequirements ?? []).forEach((req, j) => {
    if (req.type === 'GPU' && req.value !== undefined) {
      // Extended resources take their request from the limit.
      addTo(out, 'limits', 'nvidia.com/gpu', req.value);
    } else {
      ignored.push({ path: containerPath(i, 'resourceRequirements', j), reason: UNHONOURED_RESOURCE[req.type] });
    }
  });
  return out;
}

function podResources(taskCpu: number, taskMemory: number): ResourceRequirements {
  const pod: ResourceRequirements = {};
  for (const kind of ['limits', 'requests'] as const) {
    if (taskCpu) addTo(pod, kind, 'cpu', cpuQuantity(taskCpu));
    if (taskMemory) addTo(pod, kind, 'memory', mebibytes(taskMemory));
  }
  return pod;
}

// ECS refuses a task definition whose containers reserve more than the task has; the apiserver
// would refuse the pod for the same reason (container requests above the pod's).
function checkFits(defs: readonly ContainerDefinition[], taskCpu: number, taskMemory: number): void {
  const cpu = defs.reduce((sum, def) => sum + (def.cpu ?? 0), 0);
  if (taskCpu && cpu > taskCpu) {
    throw new RenderError('$.cpu', `the containers reserve ${cpu} CPU units, more than the task's ${taskCpu}`);
  }
  const memory = defs.reduce((sum, def) => sum + (def.memoryReservation || def.memory || 0), 0);
  if (taskMemory && memory > taskMemory) {
    throw new RenderError('$.memory', `the containers reserve ${memory} MiB, more than the task's ${taskMemory} MiB`);
  }
  defs.forEach((def, i) => {
    if (def.memory && def.memoryReservation && def.memoryReservation > def.memory) {
      throw new RenderError(containerPath(i, 'memoryReservation'), `${def.memoryReservation} MiB is more than the container's memory limit of ${def.memory} MiB`);
    }
    if (taskMemory && def.memory && def.memory > taskMemory) {
      throw new RenderError(containerPath(i, 'memory'), `${def.memory} MiB is more than the task's ${taskMemory} MiB`);
    }
  });
}

// A string size ("99999999999999999999999") can hold more digits than a number keeps: no task is
// that large (ECS's largest is 192 vCPU), and rounding it would render a size nobody asked for.
function exactSize(path: string, written: number | string | undefined, value: number, unit: string): void {
  if (!isExactSize(value)) throw new RenderError(path, `${JSON.stringify(written)} is larger than any task: at most 2^53-1 ${unit} can be counted exactly`);
}

// Without pod-level resources the task's cpu and memory go to the essential long-running
// containers that have none of their own, as request and limit; containers that set their own
// keep them. What cannot be placed that way is reported.
function spreadCpu(
  defs: readonly ContainerDefinition[],
  roles: readonly ContainerRole[],
  containers: ResourceRequirements[],
  taskCpu: number,
  ignored: IgnoredField[],
): void {
  if (!taskCpu) return;
  const targets = spreadTargets(defs, roles, (def) => !def.cpu);
  const free = taskCpu - defs.reduce((sum, def) => sum + (def.cpu ?? 0), 0);
  shares(free, targets.length).forEach((units, k) => {
    const quantity = cpuQuantity(units);
    addTo(containers[targets[k]], 'requests', 'cpu', quantity);
    addTo(containers[targets[k]], 'limits', 'cpu', quantity);
  });
  ignored.push({ path: '$.cpu', reason: spreadReason('CPU', defs, targets, free > 0) });
}

function spreadMemory(
  defs: readonly ContainerDefinition[],
  roles: readonly ContainerRole[],
  containers: ResourceRequirements[],
  taskMemory: number,
  ignored: IgnoredField[],
): void {
  if (!taskMemory) return;
  const targets = spreadTargets(defs, roles, (def) => !def.memory && !def.memoryReservation);
  const free = taskMemory - defs.reduce((sum, def) => sum + (def.memoryReservation || def.memory || 0), 0);
  shares(free, targets.length).forEach((mib, k) => {
    addTo(containers[targets[k]], 'requests', 'memory', mebibytes(mib));
    addTo(containers[targets[k]], 'limits', 'memory', mebibytes(mib));
  });
  ignored.push({ path: '$.memory', reason: spreadReason('memory', defs, targets, free > 0) });
}

function spreadTargets(defs: readonly ContainerDefinition[], roles: readonly ContainerRole[], lacks: (def: ContainerDefinition) => boolean): number[] {
  return defs.flatMap((def, i) => (roles[i] !== 'init' && isEssential(def) && lacks(def) ? [i] : []));
}

/** `total` split into `n` whole parts, the first ones taking the remainder. */
function shares(total: number, n: number): number[] {
  if (total <= 0 || n === 0) return [];
  const base = Math.floor(total / n);
  return Array.from({ length: n }, (_, k) => base + (k < total % n ? 1 : 0)).filter((v) => v > 0);
}

function spreadReason(what: string, defs: readonly ContainerDefinition[], targets: number[], free: boolean): string {
  if (targets.length === 0 || !free) {
    return `approximated: pod-level resources are off and every container sets its own ${what}, so the task-wide limit is not enforced`;
  }
  const names = targets.map((i) => defs[i].name).join(', ');
  return `approximated: pod-level resources are off; the task ${what} not reserved by containers is split over ${names} as their requests and limits`;
}

function addTo(r: ResourceRequirements, kind: 'limits' | 'requests', name: string, quantity: string): void {
  r[kind] = { ...r[kind], [name]: quantity };
}
