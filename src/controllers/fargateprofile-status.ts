// A FargateProfile's status as pure functions: its conditions from what the controller sees, and
// its counts with what a webhook admitted added on.

import { mergeConditions, sameConditions } from '../api/conditions.js';
import type { FargateProfile, FargateProfileRefusal, FargateProfileStatus } from '../api/fargateprofile.js';
import { MAX_RECENT_REFUSALS, type PendingOutcomes } from '../webhook/outcomes.js';

export interface ProfileObservation {
  profile: Pick<FargateProfile, 'metadata' | 'status'>;
  /** The profile's runtime class, or the operator's default. */
  runtimeClassName: string;
  runtimeClassExists: boolean;
}

export type ProfileConditions = Required<Pick<FargateProfileStatus, 'observedGeneration' | 'conditions'>>;

export function profileConditions(o: ProfileObservation, now: Date): ProfileConditions {
  const generation = o.profile.metadata.generation ?? 0;
  const active = o.runtimeClassExists
    ? { status: 'True' as const, reason: 'Active', message: `pods it selects run with RuntimeClass "${o.runtimeClassName}"` }
    : {
        status: 'False' as const,
        reason: 'RuntimeClassNotFound',
        message: `RuntimeClass "${o.runtimeClassName}" does not exist: the apiserver refuses the pods this profile selects until it is created`,
      };
  return {
    observedGeneration: generation,
    conditions: mergeConditions(o.profile.status?.conditions, [{ type: 'Active', ...active, observedGeneration: generation }], now),
  };
}

/** True when the stored status already says this. */
export function sameProfileConditions(status: FargateProfileStatus | undefined, next: ProfileConditions): boolean {
  return status?.observedGeneration === next.observedGeneration && sameConditions(status?.conditions, next.conditions);
}

export type ProfileCounts = Required<Pick<FargateProfileStatus, 'podsRouted' | 'podsRefused' | 'recentRefusals'>>;

/** The stored counts plus what is pending; refusals newest first, at most 20. */
export function addOutcomes(status: FargateProfileStatus | undefined, pending: PendingOutcomes): ProfileCounts {
  const fresh: FargateProfileRefusal[] = pending.refusals.map((r) => ({
    namespace: r.namespace.slice(0, 63),
    pod: r.pod.slice(0, 253),
    reason: r.reason.slice(0, 128),
    ...(r.message ? { message: r.message.slice(0, 1024) } : {}),
    time: r.time,
  }));
  // Stable sort: among refusals of the same second, the ones just recorded come first.
  const recentRefusals = [...fresh, ...(status?.recentRefusals ?? [])]
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.time === b.r.time ? a.i - b.i : a.r.time < b.r.time ? 1 : -1))
    .map(({ r }) => r)
    .slice(0, MAX_RECENT_REFUSALS);
  return {
    podsRouted: (status?.podsRouted ?? 0) + pending.routed,
    podsRefused: (status?.podsRefused ?? 0) + pending.refused,
    recentRefusals,
  };
}
