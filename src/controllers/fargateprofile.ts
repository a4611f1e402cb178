import type { FargateProfile } from '../api/fargateprofile.js';
import { type Kube, type Manager, type ReconcileContext, type ReconcileResult } from '../runtime/index.js';
import type { Caches } from './caches.js';
import { attempt, settle, type WriteFailure } from './failures.js';
import { profileConditions, sameProfileConditions } from './fargateprofile-status.js';

export interface FargateProfileControllerDeps {
  manager: Manager;
  kube: Kube;
  caches: Caches;
  /** The runtime class of profiles that name none. */
  defaultRuntimeClassName: string;
  now?: () => Date;
}

/**
 * Keeps each FargateProfile's Active condition: false while its RuntimeClass does not exist.
 * Profiles are immutable, so a profile only changes state when its RuntimeClass comes or goes.
 * The pod counts in the status are written by the replicas that admitted the pods
 * (fargateprofile-counts.ts).
 */
export function startFargateProfileController(deps: FargateProfileControllerDeps): void {
  const { caches } = deps;
  deps.manager
    .controller({ name: 'fargateprofile', kind: 'FargateProfile', workers: 1, reconcile: (_key, ctx) => reconcileFargateProfile(deps, ctx) })
    .watch(caches.fargateProfiles)
    .watch(caches.runtimeClasses, (rc) =>
      caches.fargateProfiles
        .list()
        .filter((p) => runtimeClassOf(p, deps.defaultRuntimeClassName) === rc.metadata?.name)
        .map((p) => p.metadata.name),
    );
}

export function runtimeClassOf(profile: FargateProfile, defaultRuntimeClassName: string): string {
  return profile.spec?.runtimeClassName ?? defaultRuntimeClassName;
}

export async function reconcileFargateProfile(deps: FargateProfileControllerDeps, ctx: ReconcileContext): Promise<ReconcileResult | void> {
  const profile = deps.caches.fargateProfiles.get(ctx.name);
  if (!profile || profile.metadata.deletionTimestamp) return;
  const runtimeClassName = runtimeClassOf(profile, deps.defaultRuntimeClassName);
  const runtimeClassExists = deps.caches.runtimeClasses.get(runtimeClassName) !== undefined;
  const next = profileConditions({ profile, runtimeClassName, runtimeClassExists }, deps.now?.() ?? new Date());
  if (sameProfileConditions(profile.status, next)) return;
  // A merge patch of these two fields only, conditioned on the version read: the counts next
  // to them are written by other replicas at the same time, so a 409 is expected and runs the
  // pass again. The status is the only write: a refused one cannot become a condition and is
  // logged by the controller as terminal.
  const failures: WriteFailure[] = [];
  await attempt(failures, { action: 'write the status of', kind: 'FargateProfile', name: profile.metadata.name }, () =>
    deps.kube.patchStatus(profile, next, { resourceVersion: profile.metadata.resourceVersion }));
  return settle(failures);
}
