import { findCondition } from '../api/conditions.js';
import type { ControllerRevision } from '../api/kube.js';
import { formatIssues } from '../api/rules.js';
import type { Service } from '../api/service.js';
import { TaskDefinitionSpec, type TaskDefinition } from '../api/taskdefinition.js';
import { RenderError } from '../render/findings.js';
import { renderPodTemplate } from '../render/podtemplate.js';
import {
  IN_USE_FINALIZER, deregisteredRevisions, nextRevision, readControllerRevision, renderControllerRevision, type StoredRevision,
} from '../render/taskdefinition/revisions.js';
import { taskDefinitionStatus, type TaskDefinitionObservation } from '../render/taskdefinition/status.js';
import { isAlreadyExists, joinKey, type EventRecorder, type Kube, type Manager, type ReconcileContext, type ReconcileResult } from '../runtime/index.js';
import { familiesOf, type Caches } from './caches.js';
import { attempt, failedCondition, recordNewFailures, settle, type WriteFailure } from './failures.js';
import { addFinalizer, removeFinalizer } from './finalizers.js';
import { TaskDefinitionRef } from './resources.js';
import { StatusMemory } from './status.js';

export interface TaskDefinitionControllerDeps {
  manager: Manager;
  kube: Kube;
  caches: Caches;
  events: EventRecorder;
  now?: () => Date;
  /** The last status written per object, shared by the passes of one controller. */
  statuses: StatusMemory;
}

/**
 * Registers a revision for every change of a TaskDefinition's spec and reports them in its
 * status; holds deletion back while a Service still uses the family.
 */
export function startTaskDefinitionController(options: Omit<TaskDefinitionControllerDeps, 'statuses'>): void {
  const deps: TaskDefinitionControllerDeps = { ...options, statuses: new StatusMemory() };
  const { caches } = deps;
  deps.manager
    .controller({ name: 'taskdefinition', kind: 'TaskDefinition', workers: 2, reconcile: (key, ctx) => reconcileTaskDefinition(deps, ctx) })
    .watch(caches.taskDefinitions)
    .watch(caches.revisions, (cr) => {
      const family = cr.metadata?.labels?.['ecs.berth.dev/family'];
      return family ? [joinKey(cr.metadata?.namespace, family)] : [];
    })
    // A Service letting go of a family may unblock that TaskDefinition's deletion.
    .watch(caches.services, (svc) => familiesOf(svc as Service));
}

export async function reconcileTaskDefinition(deps: TaskDefinitionControllerDeps, ctx: ReconcileContext): Promise<ReconcileResult | void> {
  const { kube, caches, events, statuses } = deps;
  const now = deps.now?.() ?? new Date();
  const cached = caches.taskDefinitions.get(ctx.name, ctx.namespace);
  if (!cached) return statuses.forget(ctx.namespace, ctx.name);
  const td = statuses.fresh(cached) as TaskDefinition;
  const key = joinKey(ctx.namespace, ctx.name);
  const stored = caches.revisions.byIndex('owner', key).map(readControllerRevision).filter((r): r is StoredRevision => !!r);
  const blockingServices = caches.services.byIndex('family', key).map((s) => s.metadata?.name ?? '');
  const { revisions: deregistered, invalid } = deregisteredRevisions(td);
  const observation: TaskDefinitionObservation = { td, stored, deregistered, invalidDeregistrations: invalid, ignored: [], blockingServices };
  const failures: WriteFailure[] = [];
  const self = { kind: 'TaskDefinition', name: td.metadata.name };

  if (td.metadata.deletionTimestamp) {
    if (blockingServices.length === 0) {
      await attempt(failures, { action: 'remove the finalizer of', ...self }, () => removeFinalizer(kube, TaskDefinitionRef, td, IN_USE_FINALIZER));
      return settle(failures);
    }
    await statuses.write(kube, td, taskDefinitionStatus(observation, now));
    return;
  }
  const guarded = await attempt(failures, { action: 'add the finalizer to', ...self }, () => addFinalizer(kube, TaskDefinitionRef, td, IN_USE_FINALIZER).then(() => true));

  // The apiserver checked the schema; the deeper rules and the rendering decide whether ECS
  // would register this spec at all. No revision is registered before the finalizer is on.
  const parsed = TaskDefinitionSpec.safeParse(td.spec);
  if (!parsed.success) {
    observation.refusal = { path: 'spec', message: formatIssues(parsed.error.issues, ['spec']).join('; ') };
  } else {
    const next = nextRevision(parsed.data, stored);
    try {
      observation.ignored = renderPodTemplate({ family: td.metadata.name, revision: next ?? stored.length, spec: parsed.data }).ignored;
      if (next !== undefined && guarded) {
        const revision = renderControllerRevision(td, next, parsed.data);
        const registered = await attempt(failures, { action: 'register', kind: revision.kind, name: revision.metadata.name ?? '' }, () => register(kube, revision, parsed.data, now));
        if (registered) {
          stored.push(registered);
          await events.record(td, 'Normal', 'Registered', `registered revision ${next} of task definition ${td.metadata.name}`);
        }
      }
    } catch (err) {
      if (!(err instanceof RenderError)) throw err;
      observation.refusal = { path: `spec${err.path.slice(1)}`, message: err.detail };
    }
  }
  if (observation.refusal) await events.record(td, 'Warning', 'Invalid', `${observation.refusal.path}: ${observation.refusal.message}`);
  observation.writeFailure = failedCondition('Accepted', failures)?.message;
  await recordNewFailures(events, td, findCondition(td.status?.conditions, 'Accepted'), failures);
  await statuses.write(kube, td, taskDefinitionStatus(observation, now));
  return settle(failures);
}

async function register(kube: Kube, revision: ControllerRevision, spec: TaskDefinitionSpec, now: Date): Promise<StoredRevision> {
  try {
    const created = await kube.create(revision);
    return { revision: revision.revision, spec, registeredAt: created.metadata?.creationTimestamp ?? now.toISOString() };
  } catch (err) {
    // The cache lags behind our own create of a moment ago; the object is there.
    if (isAlreadyExists(err)) return { revision: revision.revision, spec };
    throw err;
  }
}
