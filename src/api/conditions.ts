import { z } from 'zod';
import { int, oneOf, text, timestamp } from './fields.js';
import type { Condition } from './kube.js';

export type { Condition };

// Status conditions as in the Kubernetes API conventions (metav1.Condition).

export const ConditionSchema: z.ZodType<Condition> = z
  .strictObject({
    type: text('The condition type in CamelCase, for example Ready.', 316),
    status: oneOf(['True', 'False', 'Unknown'], 'True, False or Unknown.'),
    observedGeneration: int('The metadata.generation the condition was computed from.', 0).optional(),
    lastTransitionTime: timestamp('When the status last changed.'),
    reason: text('A CamelCase word for the cause of the last transition.', 1024),
    message: text('A human-readable explanation.', 32768),
  })
  .describe('One aspect of the current state.');

export type ConditionStatus = Condition['status'];

/** The conditions list of a status: one entry per type (a list-map keyed by type). */
export function conditionsField(description: string) {
  return z
    .array(ConditionSchema)
    .max(32)
    .meta({ description, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });
}

/** What a controller decides; the helpers add the time. */
export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message?: string;
  observedGeneration?: number;
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** True when the condition exists and its status is True. */
export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/**
 * Returns a new list with `next` in place of the condition of the same type. lastTransitionTime
 * moves to `now` only when the status changes, so an unchanged condition writes nothing new and a
 * status patch built from it is a no-op. The order of the other conditions is kept; a new type is
 * appended.
 */
export function setCondition(conditions: readonly Condition[] | undefined, next: ConditionInput, now: Date): Condition[] {
  const list = conditions ?? [];
  const previous = findCondition(list, next.type);
  const condition: Condition = {
    type: next.type,
    status: next.status,
    ...(next.observedGeneration === undefined ? {} : { observedGeneration: next.observedGeneration }),
    lastTransitionTime: previous && previous.status === next.status ? previous.lastTransitionTime : formatTime(now),
    reason: next.reason,
    message: next.message ?? '',
  };
  if (!previous) return [...list, condition];
  return list.map((c) => (c.type === next.type ? condition : c));
}

/** Applies several conditions in order with the same clock reading. */
export function mergeConditions(conditions: readonly Condition[] | undefined, updates: readonly ConditionInput[], now: Date): Condition[] {
  let out = [...(conditions ?? [])];
  for (const update of updates) out = setCondition(out, update, now);
  return out;
}

/** Returns a new list without the condition of that type. */
export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

/** True when both lists hold the same conditions, ignoring order. */
export function sameConditions(a: readonly Condition[] | undefined, b: readonly Condition[] | undefined): boolean {
  const left = a ?? [];
  const right = b ?? [];
  if (left.length !== right.length) return false;
  return left.every((c) => {
    const other = findCondition(right, c.type);
    return (
      other !== undefined &&
      other.status === c.status &&
      other.reason === c.reason &&
      other.message === c.message &&
      other.observedGeneration === c.observedGeneration &&
      other.lastTransitionTime === c.lastTransitionTime
    );
  });
}

/** RFC 3339 with second precision, as the apiserver stores metav1.Time. */
export function formatTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
