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

/**
 * Server-side apply that writes only when needed. The hash says whether Berth's own wish
 * changed; the generation says whether someone else changed the spec since (kubectl edit,
 * kubectl scale, kubectl set image): then Berth applies again, which restores the fields it owns
 * and leaves the fields of other managers alone. Generations are remembered from Berth's own
 * applies since start, so after a restart the hash alone decides and a converged cluster gets
 * no writes.
 */
export class Applier {
  /** The generation of each object (by uid) right after Berth last applied it. */
  private readonly generations = new Map<string, number>();

  constructor(private readonly kube: Kube) {}

  /** Applies `desired` unless `current` already holds exactly it; true when it wrote. */
  async apply(desired: KubeObject, current: KubeObject | undefined, fieldManager?: string): Promise<boolean> {
    const stamped = withAppliedHash(desired);
    if (current && this.holds(current, stamped)) return false;
    const applied = await this.kube.apply(stamped, fieldManager ? { fieldManager } : {});
    const { uid, generation } = applied.metadata ?? {};
    if (uid && generation !== undefined) this.generations.set(uid, generation);
    return true;
  }

  /** Drops what is remembered of an object Berth deleted. */
  forget(obj: KubeObject): void {
    if (obj.metadata?.uid) this.generations.delete(obj.metadata.uid);
  }

  private holds(current: KubeObject, stamped: KubeObject): boolean {
    const hash = stamped.metadata?.annotations?.[APPLIED_HASH_ANNOTATION];
    if (current.metadata?.annotations?.[APPLIED_HASH_ANNOTATION] !== hash) return false;
    const mine = current.metadata?.uid ? this.generations.get(current.metadata.uid) : undefined;
    const generation = current.metadata?.generation;
    // A cache that has not caught up with Berth's own write shows an older generation: no drift.
    return mine === undefined || generation === undefined || generation <= mine;
  }
}
