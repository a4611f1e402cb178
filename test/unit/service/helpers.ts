import type { DaemonSet, Deployment, Pod, PodCondition } from '../../../src/api/kube.js';
import type { Service, ServiceSpec } from '../../../src/api/service.js';
import { LABEL_DEPLOYMENT, deploymentId, deploymentLabelValue } from '../../../src/ecs/ids.js';
import type { ReplicaSetLike, ServiceObservation, TaskDefinitionTarget } from '../../../src/ecs/observation.js';
import { deriveServiceStatus, type ServiceStatusResult } from '../../../src/ecs/status.js';

export const UID = '6f1c2a4e-0000-4000-8000-000000000001';
export const T0 = Date.parse('2026-03-01T10:00:00Z');

/** `seconds` after T0. */
export function at(seconds: number): Date {
  return new Date(T0 + seconds * 1000);
}

export function iso(seconds: number): string {
  return at(seconds).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function service(spec: Partial<ServiceSpec> = {}, generation = 1): Service {
  return {
    apiVersion: 'ecs.berth.dev/v1alpha1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop', uid: UID, generation },
    spec: { taskDefinition: 'web', desiredCount: 3, ...spec },
  };
}

/** The id Berth gives a deployment of web:<revision> in the test Service. */
export function idOf(revision: number, token?: string | number): string {
  return deploymentId(UID, `web:${revision}`, token);
}

export interface PodOptions {
  revision: number;
  /** Defaults to the deployment of that revision without a restart token. */
  deployment?: string;
  ready?: boolean;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  restarts?: number;
  waiting?: string;
  created?: number;
  deleting?: boolean;
  unschedulable?: string;
}

export function pod(name: string, o: PodOptions): Pod {
  const ready = o.ready ?? true;
  const phase = o.phase ?? (ready ? 'Running' : 'Pending');
  const conditions: PodCondition[] = [{ type: 'Ready', status: ready ? 'True' : 'False' }];
  if (o.unschedulable) conditions.push({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: o.unschedulable });
  const labels = {
    'app.kubernetes.io/name': 'web',
    'app.kubernetes.io/managed-by': 'berth',
    'ecs.berth.dev/family': 'web',
    'ecs.berth.dev/revision': String(o.revision),
    'ecs.berth.dev/service': 'web',
    [LABEL_DEPLOYMENT]: deploymentLabelValue(o.deployment ?? idOf(o.revision)),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels, creationTimestamp: iso(o.created ?? 0), ...(o.deleting ? { deletionTimestamp: iso(999) } : {}) },
    spec: { containers: [{ name: 'app', image: 'example/web:1' }], ...(o.unschedulable ? {} : { nodeName: 'node-a' }) },
    status: {
      phase,
      conditions,
      ...(o.created !== undefined ? { startTime: iso(o.created) } : {}),
      containerStatuses: [
        {
          name: 'app',
          ready,
          restartCount: o.restarts ?? 0,
          state: o.waiting ? { waiting: { reason: o.waiting } } : ready ? { running: {} } : { waiting: { reason: 'ContainerCreating' } },
        },
      ],
    },
  };
}

/** `count` pods web-<revision>-<i> of one revision. */
export function pods(count: number, o: PodOptions & { prefix?: string }): Pod[] {
  return Array.from({ length: count }, (_, i) => pod(`${o.prefix ?? `web-${o.revision}`}-${i}`, o));
}

/** The Deployment as the cache shows it once the apiserver has seen the template of `id`. */
export function deploymentRunning(id: string, replicas: number): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', generation: 2 },
    spec: {
      replicas,
      selector: { matchLabels: { 'ecs.berth.dev/service': 'web' } },
      template: { metadata: { labels: { [LABEL_DEPLOYMENT]: deploymentLabelValue(id) } }, spec: { containers: [] } },
    },
    status: { observedGeneration: 2 },
  };
}

export function daemonSetRunning(id: string, nodes: number): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'web', namespace: 'shop', generation: 1 },
    spec: {
      selector: { matchLabels: { 'ecs.berth.dev/service': 'web' } },
      template: { metadata: { labels: { [LABEL_DEPLOYMENT]: deploymentLabelValue(id) } }, spec: { containers: [] } },
    },
    status: { observedGeneration: 1, currentNumberScheduled: nodes, numberMisscheduled: 0, desiredNumberScheduled: nodes, numberReady: nodes },
  };
}

export function replicaSet(id: string, replicas: number): ReplicaSetLike {
  return {
    metadata: { name: `web-${deploymentLabelValue(id).slice(0, 6)}`, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: { replicas, template: { metadata: { labels: { [LABEL_DEPLOYMENT]: deploymentLabelValue(id) } } } },
  };
}

export interface World {
  target?: TaskDefinitionTarget;
  /** The one workload, or `workloads` for a Service with one per capacity provider. */
  workload?: Deployment | DaemonSet;
  workloads?: (Deployment | DaemonSet)[];
  workloadNames?: string[];
  replicaSets?: ReplicaSetLike[];
  pods?: Pod[];
  problem?: ServiceObservation['problem'];
}

/**
 * A Service whose status passes from one derivation to the next, as the controller writes it
 * back: each `pass` observes a world at a time and keeps the resulting status.
 */
export class Scenario {
  svc: Service;
  last?: ServiceStatusResult;

  constructor(spec: Partial<ServiceSpec> = {}) {
    this.svc = service(spec);
  }

  pass(world: World, seconds: number): ServiceStatusResult {
    const result = deriveServiceStatus({
      service: this.svc,
      target: world.target,
      problem: world.problem,
      workloads: world.workloads ?? (world.workload ? [world.workload] : []),
      ...(world.workloadNames ? { workloadNames: world.workloadNames } : {}),
      replicaSets: world.replicaSets,
      pods: world.pods ?? [],
      now: at(seconds),
    });
    this.svc = { ...this.svc, status: result.status };
    this.last = result;
    return result;
  }

  /** Changes the spec as a user would (the generation moves on). */
  update(spec: Partial<ServiceSpec>): void {
    this.svc = { ...this.svc, metadata: { ...this.svc.metadata, generation: (this.svc.metadata.generation ?? 1) + 1 }, spec: { ...this.svc.spec, ...spec } };
  }
}

export function condition(result: ServiceStatusResult, type: string) {
  return result.status.conditions?.find((c) => c.type === type);
}

export function deploymentsOf(result: ServiceStatusResult) {
  return (result.status.deployments ?? []).map((d) => ({ id: d.id, status: d.status, taskDefinition: d.taskDefinition, rolloutState: d.rolloutState }));
}

export function messages(result: ServiceStatusResult): string[] {
  return result.events.map((e) => e.message);
}
