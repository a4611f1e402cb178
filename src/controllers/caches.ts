import type { ControllerRevision } from '../api/kube.js';
import type { Service } from '../api/service.js';
import type { TaskDefinition } from '../api/taskdefinition.js';
import { parseTaskDefinitionRef } from '../render/taskdefinition/revisions.js';
import { joinKey, ownerIndex, type Informer, type KubeObject, type Manager } from '../runtime/index.js';
import { Resources } from '../runtime/index.js';
import { ServiceRef, TaskDefinitionRef } from './resources.js';

/** Only children Berth made are cached: the operator never holds the whole cluster in memory. */
export const MANAGED_BY_BERTH = 'app.kubernetes.io/managed-by=berth';

/** The shared informers every controller reads from, built once when the operator starts. */
export interface Caches {
  taskDefinitions: Informer<TaskDefinition & KubeObject>;
  services: Informer<Service & KubeObject>;
  /** Indexed by owner: `owner` → 'namespace/taskdefinition'. */
  revisions: Informer<ControllerRevision & KubeObject>;
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
    services: manager.informer<Service & KubeObject>({ resource: ServiceRef, indexers: { family: (s) => familiesOf(s as Service) } }),
    revisions: manager.informer<ControllerRevision & KubeObject>({
      resource: Resources.ControllerRevision,
      labelSelector: MANAGED_BY_BERTH,
      indexers: { owner: ownerIndex('TaskDefinition', 'ecs.berth.dev') },
    }),
  };
}
