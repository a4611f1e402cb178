import type { ObjectMeta, OwnerReference } from '../../api/kube.js';
import { API_VERSION } from '../../api/resource.js';
import type { Service } from '../../api/service.js';
import { SERVICE_KIND } from '../../api/service.js';

// Every child is owned by its Service, so deleting the Service deletes them (garbage
// collection) and the controller is woken when one changes.

type Owner = Pick<Service, 'metadata'>;

/** The controller reference to the Service. */
export function ownerReference(svc: Owner): OwnerReference {
  return { apiVersion: API_VERSION, kind: SERVICE_KIND, name: svc.metadata.name, uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** Metadata of a child: name, the Service's namespace, labels, and the owner reference. */
export function childMetadata(svc: Owner, name: string, labels: Record<string, string>): ObjectMeta {
  return {
    name,
    ...(svc.metadata.namespace === undefined ? {} : { namespace: svc.metadata.namespace }),
    labels,
    ownerReferences: [ownerReference(svc)],
  };
}
