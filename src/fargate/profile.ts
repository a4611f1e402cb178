// Which FargateProfile a pod belongs to, exactly as EKS decides:
//   - a selector matches when its namespace matches and every one of its labels matches one of
//     the pod's labels (key and value); `*` and `?` are wildcards in all three;
//   - a profile matches when any of its selectors does;
//   - of several matching profiles, the alphanumerically first name wins;
//   - a pod labelled ecs.berth.dev/fargate-profile: <name> takes that profile, which must still
//     match it.

import type { FargateProfile } from '../api/fargateprofile.js';
import { toLabelValue } from '../placement/labels.js';
import { wildcardMatch } from '../placement/wildcard.js';

/** Pod label naming the profile a pod runs under (set on routing; a pod may set it to choose one). */
export const FARGATE_PROFILE_LABEL = 'ecs.berth.dev/fargate-profile';

/** The parts of a FargateProfile matching reads. */
export type ProfileLike = Pick<FargateProfile, 'metadata' | 'spec'>;

export interface PodIdentity {
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

export type ProfileMatch =
  | { matched: true; profile: ProfileLike; selectorIndex: number; pinned: boolean }
  | { matched: false; reason: string; pinned?: string };

export function matchProfile(pod: PodIdentity, profiles: readonly ProfileLike[]): ProfileMatch {
  const pin = pod.labels[FARGATE_PROFILE_LABEL];
  if (pin !== undefined) return matchPinned(pod, profiles, pin);
  for (const profile of sortByName(profiles)) {
    const selectorIndex = matchingSelector(pod, profile);
    if (selectorIndex >= 0) return { matched: true, profile, selectorIndex, pinned: false };
  }
  return { matched: false, reason: `no FargateProfile selects namespace "${pod.namespace}" with the pod's labels` };
}

/** Every profile that matches the pod, in the order EKS considers them, for `berth profile match`. */
export function matchingProfiles(pod: PodIdentity, profiles: readonly ProfileLike[]): { profile: ProfileLike; selectorIndex: number }[] {
  return sortByName(profiles)
    .map((profile) => ({ profile, selectorIndex: matchingSelector(pod, profile) }))
    .filter((m) => m.selectorIndex >= 0);
}

/**
 * True when some selector of some profile could match pods of the namespace: the namespaces the
 * admission webhook has to see.
 */
export function selectsNamespace(namespace: string, profiles: readonly ProfileLike[]): boolean {
  return profiles.some((p) => p.spec.selectors.some((s) => wildcardMatch(s.namespace, namespace)));
}

/** The index of the first selector of the profile that matches the pod, or -1. */
export function matchingSelector(pod: PodIdentity, profile: ProfileLike): number {
  return profile.spec.selectors.findIndex((s) => {
    if (!wildcardMatch(s.namespace, pod.namespace)) return false;
    return Object.entries(s.labels ?? {}).every(([key, value]) =>
      Object.entries(pod.labels).some(([k, v]) => wildcardMatch(key, k) && wildcardMatch(value, v)),
    );
  });
}

function matchPinned(pod: PodIdentity, profiles: readonly ProfileLike[], pin: string): ProfileMatch {
  const profile = profiles.find((p) => p.metadata.name === pin) ?? profiles.find((p) => toLabelValue(p.metadata.name) === pin);
  if (!profile) return { matched: false, pinned: pin, reason: `the pod is pinned by ${FARGATE_PROFILE_LABEL} to FargateProfile "${pin}", which does not exist` };
  const selectorIndex = matchingSelector(pod, profile);
  if (selectorIndex < 0) {
    return {
      matched: false,
      pinned: pin,
      reason: `the pod is pinned by ${FARGATE_PROFILE_LABEL} to FargateProfile "${profile.metadata.name}", but none of its selectors matches namespace "${pod.namespace}" with the pod's labels`,
    };
  }
  return { matched: true, profile, selectorIndex, pinned: true };
}

// Plain code-unit order: profile names are lowercase DNS names, where it is alphanumeric order.
function sortByName(profiles: readonly ProfileLike[]): ProfileLike[] {
  return [...profiles].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}
