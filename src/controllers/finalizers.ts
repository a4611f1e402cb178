import type { Kube, KubeObject, ResourceRef } from '../runtime/index.js';

// Finalizers are written with a merge patch that carries the resourceVersion read from the
// cache: if anyone changed the list meanwhile the apiserver answers 409 and the pass retries.

async function writeFinalizers(kube: Kube, ref: ResourceRef, obj: KubeObject, finalizers: string[]): Promise<void> {
  const { name, namespace, resourceVersion } = obj.metadata ?? {};
  await kube.patch(ref, name ?? '', namespace, { metadata: { finalizers, resourceVersion } }, 'merge');
}

export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata?.finalizers?.includes(finalizer) ?? false;
}

export async function addFinalizer(kube: Kube, ref: ResourceRef, obj: KubeObject, finalizer: string): Promise<void> {
  if (hasFinalizer(obj, finalizer)) return;
  await writeFinalizers(kube, ref, obj, [...(obj.metadata?.finalizers ?? []), finalizer]);
}

export async function removeFinalizer(kube: Kube, ref: ResourceRef, obj: KubeObject, finalizer: string): Promise<void> {
  if (!hasFinalizer(obj, finalizer)) return;
  await writeFinalizers(kube, ref, obj, (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer));
}
