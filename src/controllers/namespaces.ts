import type { FargateProfile } from '../api/fargateprofile.js';
import { keyOf, Resources, type Kube, type Manager, type ReconcileContext, type ReconcileResult } from '../runtime/index.js';
import { desiredFargateLabel, FARGATE_NAMESPACE_LABEL } from '../webhook/scope.js';
import type { Caches } from './caches.js';
import { attempt, settle, type WriteFailure } from './failures.js';

export interface NamespaceLabelDeps {
  manager: Manager;
  kube: Kube;
  caches: Caches;
  /** Never labelled: kube-system and the operator's own namespace. */
  excludedNamespaces: readonly string[];
}

/**
 * Keeps ecs.berth.dev/fargate=true on exactly the namespaces some FargateProfile selects
 * (wildcards included), so the pod webhook sees those and no others. A profile change can change
 * any namespace, so it queues them all; each pass looks at one namespace.
 */
export function startNamespaceLabelController(deps: NamespaceLabelDeps): void {
  const { caches } = deps;
  deps.manager
    .controller({ name: 'namespace-labels', kind: 'Namespace', workers: 2, reconcile: (_key, ctx) => reconcileNamespaceLabel(deps, ctx) })
    .watch(caches.namespaces)
    .watch(caches.fargateProfiles, () => caches.namespaces.list().map(keyOf));
}

export async function reconcileNamespaceLabel(deps: NamespaceLabelDeps, ctx: ReconcileContext): Promise<ReconcileResult | void> {
  const ns = deps.caches.namespaces.get(ctx.name);
  if (!ns || ns.metadata?.deletionTimestamp) return;
  const profiles = deps.caches.fargateProfiles.list() as FargateProfile[];
  const want = desiredFargateLabel(ctx.name, profiles, deps.excludedNamespaces);
  const have = ns.metadata?.labels?.[FARGATE_NAMESPACE_LABEL];
  if (want === have) return;
  // A merge patch sets or removes exactly this label, whoever else labels the namespace. A
  // refusal (a policy on namespaces) ends the pass as terminal, like every controller's writes.
  const failures: WriteFailure[] = [];
  await attempt(failures, { action: 'label', kind: 'Namespace', name: ctx.name }, () =>
    deps.kube.patch(Resources.Namespace, ctx.name, undefined, { metadata: { labels: { [FARGATE_NAMESPACE_LABEL]: want ?? null } } }, 'merge'));
  if (failures.length > 0) return settle(failures);
  ctx.log.info({ label: want ? `${FARGATE_NAMESPACE_LABEL}=true` : `${FARGATE_NAMESPACE_LABEL}-` }, want ? 'a FargateProfile selects the namespace; labelled it' : 'no FargateProfile selects the namespace any more; unlabelled it');
}
