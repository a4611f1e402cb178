import { mergeConditions, type ConditionInput } from '../../api/conditions.js';
import type { TaskDefinition, TaskDefinitionStatus } from '../../api/taskdefinition.js';
import { fieldsIgnoredCondition, type IgnoredField } from '../findings.js';
import { revisionList, taskDefinitionArn, type StoredRevision } from './revisions.js';

/** What the controller learned in one pass, from which the status follows. */
export interface TaskDefinitionObservation {
  td: TaskDefinition;
  /** Every registered revision, including one registered in this pass. */
  stored: StoredRevision[];
  deregistered: ReadonlySet<number>;
  /** Parts of the deregistration annotation that are not revision numbers. */
  invalidDeregistrations: string[];
  /** Why the current spec cannot be registered (ECS would refuse it), or undefined. */
  refusal?: { path: string; message: string };
  /** The apiserver refused a write of this pass (the revision, the finalizer): its words. */
  writeFailure?: string;
  /** Fields of the current spec that are accepted but not honoured. */
  ignored: IgnoredField[];
  /** Services that still use a revision while the TaskDefinition is being deleted. */
  blockingServices: string[];
}

export function taskDefinitionStatus(o: TaskDefinitionObservation, now: Date): TaskDefinitionStatus {
  const { td } = o;
  const generation = td.metadata.generation;
  const latest = o.stored.reduce((n, r) => Math.max(n, r.revision), 0);
  const conditions: ConditionInput[] = [accepted(o, latest), fieldsIgnoredCondition(o.ignored)];
  if (td.metadata.deletionTimestamp) {
    conditions.push(o.blockingServices.length > 0
      ? { type: 'Deleting', status: 'True', reason: 'InUse', message: `DELETE_IN_PROGRESS: waiting for ${o.blockingServices.sort().join(', ')} to stop using it` }
      : { type: 'Deleting', status: 'True', reason: 'Unused', message: 'no Service uses it; deleting' });
  }
  return {
    observedGeneration: generation,
    ...(latest > 0 ? { revision: latest, taskDefinitionArn: taskDefinitionArn(td.metadata.namespace ?? 'default', td.metadata.name, latest) } : {}),
    revisions: revisionList(o.stored, o.deregistered),
    conditions: mergeConditions(td.status?.conditions, conditions.map((c) => ({ ...c, observedGeneration: generation })), now),
  };
}

function accepted(o: TaskDefinitionObservation, latest: number): ConditionInput {
  if (o.refusal) return { type: 'Accepted', status: 'False', reason: 'Invalid', message: `${o.refusal.path}: ${o.refusal.message}` };
  if (o.writeFailure) return { type: 'Accepted', status: 'False', reason: 'ApplyFailed', message: o.writeFailure };
  if (o.invalidDeregistrations.length > 0) {
    return { type: 'Accepted', status: 'False', reason: 'InvalidDeregistration', message: `metadata.annotations[ecs.berth.dev/deregistered-revisions]: not revision numbers: ${o.invalidDeregistrations.join(', ')}` };
  }
  return { type: 'Accepted', status: 'True', reason: 'Registered', message: `revision ${latest} is the latest` };
}

