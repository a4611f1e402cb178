// placementStrategy → scheduling preferences. ECS strategies are best effort, so they become
// ScheduleAnyway topology spread (a score, never a filter):
//
//   spread(attribute:ecs.availability-zone) → spread on topology.kubernetes.io/zone
//   spread(attribute:<other>)               → spread on that attribute's node label
//   spread(instanceId) / spread(host)       → spread on kubernetes.io/hostname
//   binpack(cpu | memory)                   → an annotation hint; packing is a scheduler profile
//                                             (NodeResourcesFit MostAllocated), the cluster's choice
//   random                                  → nothing
//
// A REPLICA service without strategies spreads by zone, as ECS's service scheduler does.

import type { TopologySpreadConstraint } from '../api/kube.js';
import type { PlacementStrategy } from '../api/service.js';
import { resolveAttribute } from './attributes.js';
import type { PlacementError, PlacementNote } from './constraints.js';
import { BINPACK_ANNOTATION, HOSTNAME_LABEL, TASK_GROUP_LABEL, ZONE_LABEL, toLabelValue } from './labels.js';

export type PlacementStrategyInput = PlacementStrategy;

export interface StrategyOptions {
  /** The ECS task group of the pods being placed; spread counts the pods of this group. */
  taskGroup: string;
  schedulingStrategy?: string;
  launchType?: string;
  /** Path of the strategy list in the Service, for messages. */
  path?: string;
  /** A scheduler whose profile packs nodes (MostAllocated); binpack pods are given to it when set. */
  binpackSchedulerName?: string;
}

export interface CompiledStrategy {
  topologySpreadConstraints: TopologySpreadConstraint[];
  annotations: Record<string, string>;
  schedulerName?: string;
  notes: PlacementNote[];
}

export type StrategyResult = ({ ok: true } & CompiledStrategy) | { ok: false; errors: PlacementError[] };

/** ECS's limit on the strategies of one service. */
export const MAX_STRATEGIES = 5;

export function compileStrategy(strategies: readonly PlacementStrategyInput[] | undefined, options: StrategyOptions): StrategyResult {
  const path = options.path ?? 'spec.placementStrategy';
  const list = strategies ?? [];
  const out: CompiledStrategy = { topologySpreadConstraints: [], annotations: {}, notes: [] };
  if (options.schedulingStrategy === 'DAEMON') {
    if (list.length > 0) return { ok: false, errors: [{ path, message: 'placement strategies are not supported with schedulingStrategy DAEMON' }] };
    return { ok: true, ...out };
  }
  if (options.launchType === 'FARGATE') {
    if (list.length > 0) out.notes.push({ path, message: 'placement strategies do not apply to FARGATE; its tasks are spread across zones' });
    out.topologySpreadConstraints.push(spreadOn(ZONE_LABEL, options.taskGroup));
    return { ok: true, ...out };
  }
  if (list.length > MAX_STRATEGIES) return { ok: false, errors: [{ path, message: `at most ${MAX_STRATEGIES} placement strategies are allowed` }] };
  if (list.length === 0) {
    out.topologySpreadConstraints.push(spreadOn(ZONE_LABEL, options.taskGroup));
    return { ok: true, ...out };
  }

  const errors: PlacementError[] = [];
  list.forEach((s, i) => applyOne(s, `${path}[${i}]`, options, out, errors));
  if (errors.length > 0) return { ok: false, errors };
  if (list.length > 1) {
    out.notes.push({ path, message: 'ECS applies strategies in order; Kubernetes weighs topology spread and node scores together, so the order is not kept' });
  }
  return { ok: true, ...out };
}

function applyOne(s: PlacementStrategyInput, path: string, options: StrategyOptions, out: CompiledStrategy, errors: PlacementError[]): void {
  // Typed input may still come from an unvalidated object; unknown types are reported.
  switch (s.type as string) {
    case 'random':
      out.notes.push({ path, message: 'random: the Kubernetes scheduler scores nodes instead of picking at random' });
      return;
    case 'spread': {
      const key = spreadKey(s.field, path, errors);
      if (key && !out.topologySpreadConstraints.some((c) => c.topologyKey === key)) out.topologySpreadConstraints.push(spreadOn(key, options.taskGroup));
      return;
    }
    case 'binpack': {
      const field = s.field?.toLowerCase();
      if (field !== 'cpu' && field !== 'memory') {
        errors.push({ path: `${path}.field`, message: `binpack takes field cpu or memory, found '${s.field ?? ''}'` });
        return;
      }
      if (out.annotations[BINPACK_ANNOTATION]) {
        out.notes.push({ path, message: `only the first binpack strategy is kept as the hint (${out.annotations[BINPACK_ANNOTATION]})` });
        return;
      }
      out.annotations[BINPACK_ANNOTATION] = field;
      if (options.binpackSchedulerName) {
        out.schedulerName = options.binpackSchedulerName;
        out.notes.push({ path, message: `binpack(${field}): pods go to scheduler ${options.binpackSchedulerName}, whose profile packs nodes by allocated resources rather than by ${field} alone` });
      } else {
        out.notes.push({ path, message: `binpack(${field}) is recorded as annotation ${BINPACK_ANNOTATION}; packing needs a scheduler profile with NodeResourcesFit MostAllocated, which the cluster chooses` });
      }
      return;
    }
    default:
      errors.push({ path: `${path}.type`, message: `unknown placement strategy type '${s.type}'; expected random, spread or binpack` });
  }
}

function spreadKey(field: string | undefined, path: string, errors: PlacementError[]): string | undefined {
  if (field === 'instanceId' || field === 'host') return HOSTNAME_LABEL;
  if (field?.startsWith('attribute:')) {
    const resolved = resolveAttribute(field.slice('attribute:'.length));
    if (resolved.ok) return resolved.label.labelKey;
    errors.push({ path: `${path}.field`, message: resolved.reason });
    return undefined;
  }
  errors.push({ path: `${path}.field`, message: `spread takes field instanceId, host or attribute:<name>, found '${field ?? ''}'` });
  return undefined;
}

/** Best-effort even spread of the task group's pods over the values of a node label. */
export function spreadOn(topologyKey: string, taskGroup: string): TopologySpreadConstraint {
  return {
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: { [TASK_GROUP_LABEL]: toLabelValue(taskGroup) } },
  };
}
