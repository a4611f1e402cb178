// Everything placement adds to a Service's pod template, from the Service's constraints and
// strategies and its task definition's constraints.

import type { Affinity, TopologySpreadConstraint } from '../api/kube.js';
import type { Expansion, KnownLabelValues } from './compile.js';
import { compileConstraints, locate, type PlacementConstraintInput, type PlacementError, type PlacementNote } from './constraints.js';
import { TASK_GROUP_LABEL, serviceTaskGroup, toLabelValue } from './labels.js';
import { compileStrategy, type PlacementStrategyInput } from './strategy.js';

export interface PlacementInput {
  serviceName: string;
  /** Defaults to ECS's `service:<serviceName>`. */
  taskGroup?: string;
  schedulingStrategy?: string;
  launchType?: string;
  placementConstraints?: readonly PlacementConstraintInput[];
  placementStrategy?: readonly PlacementStrategyInput[];
  /** The task definition's own memberOf constraints; they apply together with the service's. */
  taskDefinitionConstraints?: readonly PlacementConstraintInput[];
  knownLabelValues?: KnownLabelValues;
  binpackSchedulerName?: string;
}

export interface PodPlacement {
  /** Absent when nothing constrains the pods. */
  affinity?: Affinity;
  topologySpreadConstraints: TopologySpreadConstraint[];
  /** Pod labels the affinity and spread terms select on; the pods must carry them. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  schedulerName?: string;
  /** Non-empty when the result depends on node labels seen now: render again when they change. */
  expansions: Expansion[];
  matchesNothing: boolean;
  notes: PlacementNote[];
}

export type PlacementResult = ({ ok: true } & PodPlacement) | { ok: false; errors: PlacementError[] };

export const SERVICE_CONSTRAINTS_PATH = 'spec.placementConstraints';
export const TASK_DEFINITION_CONSTRAINTS_PATH = 'taskDefinition.spec.placementConstraints';
export const SERVICE_STRATEGY_PATH = 'spec.placementStrategy';

export function renderPlacement(input: PlacementInput): PlacementResult {
  const taskGroup = input.taskGroup ?? serviceTaskGroup(input.serviceName);
  const notes: PlacementNote[] = [];
  let constraints = [
    ...locate(input.taskDefinitionConstraints, TASK_DEFINITION_CONSTRAINTS_PATH),
    ...locate(input.placementConstraints, SERVICE_CONSTRAINTS_PATH),
  ];
  if (input.launchType === 'FARGATE' && constraints.length > 0) {
    notes.push({ path: constraints.map((c) => c.path).join(', '), message: 'placement constraints do not apply to FARGATE tasks and are ignored' });
    constraints = [];
  }

  const compiled = compileConstraints(constraints, { taskGroup, knownLabelValues: input.knownLabelValues });
  const strategy = compileStrategy(input.placementStrategy, {
    taskGroup,
    schedulingStrategy: input.schedulingStrategy,
    launchType: input.launchType,
    path: SERVICE_STRATEGY_PATH,
    binpackSchedulerName: input.binpackSchedulerName,
  });
  const errors = [...(compiled.ok ? [] : compiled.errors), ...(strategy.ok ? [] : strategy.errors)];
  if (!compiled.ok || !strategy.ok) return { ok: false, errors };

  const placement: PodPlacement = {
    topologySpreadConstraints: strategy.topologySpreadConstraints,
    labels: { [TASK_GROUP_LABEL]: toLabelValue(taskGroup) },
    annotations: strategy.annotations,
    expansions: compiled.expansions,
    matchesNothing: compiled.matchesNothing,
    notes: [...notes, ...compiled.notes, ...strategy.notes],
  };
  if (Object.keys(compiled.affinity).length > 0) placement.affinity = compiled.affinity;
  if (strategy.schedulerName) placement.schedulerName = strategy.schedulerName;
  return { ok: true, ...placement };
}

/** Label values per key across objects (nodes, pods), for wildcard and regex expansion. */
export function collectLabelValues(objects: Iterable<{ metadata?: { labels?: Record<string, string> } }>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const o of objects) {
    for (const [k, v] of Object.entries(o.metadata?.labels ?? {})) {
      const values = out.get(k) ?? new Set<string>();
      values.add(v);
      out.set(k, values);
    }
  }
  return out;
}
