import { createHash } from 'node:crypto';
import { canonicalJson } from '../render/taskdefinition/revisions.js';
import type { Kube, KubeObject } from '../runtime/index.js';

/**
 * The hash of what Berth last applied, kept on the object. When the cached object carries the
 * hash of the desired one there is nothing to send, so a converged operator writes nothing; when
 * anything differs the whole desired object is applied and the apiserver sorts out the diff.
 */
export const APPLIED_HASH_ANNOTATION = 'ecs.berth.dev/applied-hash';

export function withAppliedHash<T extends KubeObject>(desired: T): T {
  const hash = createHash('sha256').update(canonicalJson(desired)).digest('hex').slice(0, 16);
  const metadata = desired.metadata ?? {};
  return { ...desired, metadata: { ...metadata, annotations: { ...metadata.annotations, [APPLIED_HASH_ANNOTATION]: hash } } };
}

/** Server-side applies `desired` unless `current` already holds exactly it; true when it wrote. */
export async function applyIfChanged(kube: Kube, desired: KubeObject, current: KubeObject | undefined, fieldManager?: string): Promise<boolean> {
  const stamped = withAppliedHash(desired);
  const hash = stamped.metadata?.annotations?.[APPLIED_HASH_ANNOTATION];
  if (current && current.metadata?.annotations?.[APPLIED_HASH_ANNOTATION] === hash) return false;
  await kube.apply(stamped, fieldManager ? { fieldManager } : {});
  return true;
}
