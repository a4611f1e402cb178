import type { FargateProfile } from '../api/fargateprofile.js';
import type { ControllerRevision, DaemonSet, Deployment, HorizontalPodAutoscaler, Pod, Service as KubeService, ServiceAccount } from '../api/kube.js';
import { LABEL_SERVICE } from '../render/labels.js';
import { selectorLabels } from '../render/service/names.js';
import type { Service } from '../api/service.js';
import type { TaskDefinition } from '../api/taskdefinition.js';
import { parseTaskDefinitionRef } from '../render/taskdefinition/revisions.js';
import { joinKey, ownerIndex, type Informer, type KubeObject, type Manager } from '../runtime/index.js';
import { Resources } from '../runtime/index.js';
import { FargateProfileRef, ServiceRef, TaskDefinitionRef } from './resources.js';

/** Only children Berth made are cached: the operator never holds the whole cluster in memory. */
export const MANAGED_BY_BERTH = 'app.kubernetes.io/managed-by=berth';

/** The shared informers every controller reads from, built once when the operator starts. */
export interface Caches {
  taskDefinitions: Informer<TaskDefinition & KubeObject>;
  services: Informer<Service & KubeObject>;
  /** Indexed by owner: `owner` → 'namespace/taskdefinition'. */
  revisions: Informer<ControllerRevision & KubeObject>;
  fargateProfiles: Informer<FargateProfile & KubeObject>;
  runtimeClasses: Informer<KubeObject>;
  /** Metadata only: the namespace labeller reads names and labels. */
  namespaces: Informer<KubeObject>;
  /** A Service's children, indexed by `owner` → 'namespace/service'. */
  deployments: Informer<Deployment & KubeObject>;
  daemonSets: Informer<DaemonSet & KubeObject>;
  kubeServices: Informer<KubeService & KubeObject>;
  autoscalers: Informer<HorizontalPodAutoscaler & KubeObject>;
  serviceAccounts: Informer<ServiceAccount & KubeObject>;
  /** ReplicaSets of Berth's Deployments, indexed by `owner` → 'namespace/deployment'. */
  replicaSets: Informer<KubeObject>;
  /** Berth's tasks, slimmed to what status derivation reads, indexed by `service` → 'namespace/<service label>'. */
  pods: Informer<Pod & KubeObject>;
  /** Node labels feed placement expressions that expand against the values seen now. */
  nodes: Informer<KubeObject>;
}

/** Every family a Service refers to or still runs, as 'namespace/family' keys. */
export function familiesOf(svc: Service): string[] {
  const refs = [svc.spec?.taskDefinition, svc.status?.taskDefinition, ...(svc.status?.deployments ?? []).map((d) => d.taskDefinition)];
  const families = new Set<string>();
  for (const ref of refs) {
    const family = ref ? parseTaskDefinitionRef(ref)?.family : undefined;
    if (family) families.add(joinKey(svc.metadata.namespace, family));
  }
  return [...families];
}

export function buildCaches(manager: Manager): Caches {
  return {
    taskDefinitions: manager.informer<TaskDefinition & KubeObject>({ resource: TaskDefinitionRef }),
    services: manager.informer<Service & KubeObject>({
      resource: ServiceRef,
      indexers: {
        family: (s) => familiesOf(s as Service),
        // The value of the ecs.berth.dev/service label on the Service's pods and ReplicaSets.
        selector: (s) => [joinKey(s.metadata?.namespace, selectorLabels(s as Service)[LABEL_SERVICE])],
      },
    }),
    revisions: manager.informer<ControllerRevision & KubeObject>({
      resource: Resources.ControllerRevision,
      labelSelector: MANAGED_BY_BERTH,
      indexers: { owner: ownerIndex('TaskDefinition', 'ecs.berth.dev') },
    }),
    fargateProfiles: manager.informer<FargateProfile & KubeObject>({ resource: FargateProfileRef }),
    runtimeClasses: manager.informer({ resource: Resources.RuntimeClass }),
    namespaces: manager.informer({ resource: Resources.Namespace, transform: metadataOnly }),
    deployments: manager.informer<Deployment & KubeObject>({ resource: Resources.Deployment, labelSelector: MANAGED_BY_BERTH, indexers: { owner: byService } }),
    daemonSets: manager.informer<DaemonSet & KubeObject>({ resource: Resources.DaemonSet, labelSelector: MANAGED_BY_BERTH, indexers: { owner: byService } }),
    kubeServices: manager.informer<KubeService & KubeObject>({ resource: Resources.Service, labelSelector: MANAGED_BY_BERTH, indexers: { owner: byService } }),
    autoscalers: manager.informer<HorizontalPodAutoscaler & KubeObject>({ resource: Resources.HorizontalPodAutoscaler, labelSelector: MANAGED_BY_BERTH, indexers: { owner: byService } }),
    serviceAccounts: manager.informer<ServiceAccount & KubeObject>({ resource: Resources.ServiceAccount, labelSelector: MANAGED_BY_BERTH }),
    replicaSets: manager.informer({ resource: Resources.ReplicaSet, labelSelector: LABEL_SERVICE, indexers: { owner: ownerIndex('Deployment', 'apps') } }),
    pods: manager.informer<Pod & KubeObject>({
      resource: Resources.Pod,
      labelSelector: LABEL_SERVICE,
      transform: slimPod,
      indexers: { service: (p) => { const v = p.metadata?.labels?.[LABEL_SERVICE]; return v ? [joinKey(p.metadata?.namespace, v)] : []; } },
    }),
    nodes: manager.informer({ resource: Resources.Node, transform: metadataOnly }),
  };
}

const byService = ownerIndex('Service', 'ecs.berth.dev');

/** A thousand Services mean thousands of pods: keep only what status derivation reads. */
function slimPod(pod: Pod & KubeObject): Pod & KubeObject {
  const { name, namespace, uid, resourceVersion, labels, ownerReferences, creationTimestamp, deletionTimestamp } = pod.metadata ?? {};
  const { phase, conditions, containerStatuses, initContainerStatuses, startTime } = pod.status ?? {};
  return {
    apiVersion: pod.apiVersion, kind: pod.kind,
    metadata: { name, namespace, uid, resourceVersion, labels, ownerReferences, creationTimestamp, deletionTimestamp },
    spec: { nodeName: pod.spec?.nodeName, containers: [] },
    status: { phase, conditions, containerStatuses, initContainerStatuses, startTime },
  } as Pod & KubeObject;
}

function metadataOnly(obj: KubeObject): KubeObject {
  const { name, uid, resourceVersion, labels, deletionTimestamp } = obj.metadata ?? {};
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name, uid, resourceVersion, labels, deletionTimestamp } };
}
