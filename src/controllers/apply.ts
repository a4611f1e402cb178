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

/** What one apply did, and the generation the owner keeps for the next pass. */
export interface Applied {
  wrote: boolean;
  /** The object's generation after Berth's apply (or still, when it wrote nothing); undefined for kinds without one. */
  generation?: number;
}

/**
 * Server-side apply that writes only when needed. The hash says whether Berth's own wish
 * changed; the generation says whether someone else changed the spec since (kubectl edit,
 * kubectl scale, kubectl set image): then Berth applies again, which restores the fields it owns
 * and leaves the fields of other managers alone.
 *
 * The generation after Berth's apply is not kept in memory but by the caller, in the owner's
 * status (Service status.children), as Kubernetes controllers keep observedGeneration: it
 * survives a restart, so an edit made while the operator was down is put back when it starts,
 * and a converged cluster still gets no writes. With no generation on record (the first pass of
 * an object applied before records were kept, or a status write lost) Berth applies once, which
 * a converged object turns into a no-op. Kinds without a generation (core Services) are judged
 * by the hash alone. Comparing desired ⊆ live instead would need every field's defaulting and
 * canonical form, and one mismatch would mean a write on every pass.
 */
export class Applier {
  constructor(private readonly kube: Kube) {}

  /**
   * Applies `desired` unless `current` already holds exactly it and its generation is the one
   * `recorded` after Berth's last apply.
   */
  async apply(desired: KubeObject, current: KubeObject | undefined, recorded: number | undefined): Promise<Applied> {
    const stamped = withAppliedHash(desired);
    if (current && holds(current, stamped, recorded)) return { wrote: false, generation: current.metadata?.generation === undefined ? undefined : recorded };
    const applied = await this.kube.apply(stamped);
    return { wrote: true, generation: applied.metadata?.generation };
  }

  /**
   * For an object that is only metadata and that several owners share (the task role's
   * ServiceAccount): each owner applies under its own field manager, so each keeps its own owner
   * reference, and only when the cached object lacks a label, annotation or owner reference it
   * asks for. No hash: the owners' objects differ in their owner reference, and their hashes
   * would take the annotation from each other on every pass.
   */
  async applyShared(desired: KubeObject, current: KubeObject | undefined, fieldManager: string): Promise<boolean> {
    if (current && coversMetadata(current, desired)) return false;
    await this.kube.apply(desired, { fieldManager });
    return true;
  }
}

function holds(current: KubeObject, stamped: KubeObject, recorded: number | undefined): boolean {
  const hash = stamped.metadata?.annotations?.[APPLIED_HASH_ANNOTATION];
  if (current.metadata?.annotations?.[APPLIED_HASH_ANNOTATION] !== hash) return false;
  const generation = current.metadata?.generation;
  if (generation === undefined) return true;
  // A cache that has not caught up with Berth's own write shows an older generation: no drift.
  return recorded !== undefined && generation <= recorded;
}

function coversMetadata(current: KubeObject, desired: KubeObject): boolean {
  const have = current.metadata ?? {};
  const want = desired.metadata ?? {};
  const within = (mine: Record<string, string> | undefined, theirs: Record<string, string> | undefined) =>
    Object.entries(mine ?? {}).every(([k, v]) => theirs?.[k] === v);
  return (
    within(want.labels, have.labels) &&
    within(want.annotations, have.annotations) &&
    (want.ownerReferences ?? []).every((ref) => (have.ownerReferences ?? []).some((o) => o.uid === ref.uid))
  );
}
