import type { ControllerRevision, OwnerReference } from '../../api/kube.js';
import { API_VERSION } from '../../api/resource.js';
import type { TaskDefinition, TaskDefinitionRevision, TaskDefinitionSpec } from '../../api/taskdefinition.js';
import { LABEL_FAMILY, LABEL_MANAGED_BY, LABEL_REVISION } from '../labels.js';

// ECS's revision model on Kubernetes: every change of a TaskDefinition's spec registers an
// immutable snapshot, a ControllerRevision named <family>-<revision> owned by the TaskDefinition.

/** Holds a TaskDefinition back from deletion while a Service still runs one of its revisions. */
export const IN_USE_FINALIZER = 'ecs.berth.dev/in-use-protection';

/**
 * Deregistration, ECS's DeregisterTaskDefinition: the revisions listed here (comma-separated
 * numbers, e.g. "1,2") are INACTIVE. Services already running one keep it; new references are
 * refused. `kubectl annotate td/web ecs.berth.dev/deregistered-revisions=1,2 --overwrite`.
 */
export const DEREGISTERED_ANNOTATION = 'ecs.berth.dev/deregistered-revisions';

/** A registered revision as read back from its ControllerRevision. */
export interface StoredRevision {
  revision: number;
  spec: TaskDefinitionSpec;
  registeredAt?: string;
}

export function revisionName(family: string, revision: number): string {
  return `${family}-${revision}`;
}

export function taskDefinitionArn(namespace: string, family: string, revision: number): string {
  return `arn:berth:ecs:${namespace}:task-definition/${family}:${revision}`;
}

export function ownerReference(td: TaskDefinition): OwnerReference {
  return { apiVersion: API_VERSION, kind: 'TaskDefinition', name: td.metadata.name, uid: td.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** The snapshot of `spec` as revision `revision`. */
export function renderControllerRevision(td: TaskDefinition, revision: number, spec: TaskDefinitionSpec): ControllerRevision {
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(td.metadata.name, revision),
      namespace: td.metadata.namespace,
      labels: { [LABEL_MANAGED_BY]: 'berth', [LABEL_FAMILY]: td.metadata.name, [LABEL_REVISION]: String(revision) },
      ownerReferences: [ownerReference(td)],
    },
    revision,
    data: { spec },
  };
}

/** Reads a ControllerRevision written by renderControllerRevision; anything else is skipped. */
export function readControllerRevision(cr: ControllerRevision): StoredRevision | undefined {
  const spec = (cr.data as { spec?: TaskDefinitionSpec } | undefined)?.spec;
  if (!spec || typeof cr.revision !== 'number') return undefined;
  return { revision: cr.revision, spec, registeredAt: cr.metadata?.creationTimestamp };
}

/** The deregistered revision numbers, or the text that could not be read. */
export function deregisteredRevisions(td: TaskDefinition): { revisions: Set<number>; invalid: string[] } {
  const raw = td.metadata.annotations?.[DEREGISTERED_ANNOTATION] ?? '';
  const revisions = new Set<number>();
  const invalid: string[] = [];
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const n = Number(part);
    if (Number.isInteger(n) && n > 0) revisions.add(n);
    else invalid.push(part);
  }
  return { revisions, invalid };
}

/** Key-order-independent JSON, so a spec read back from the apiserver compares equal to itself. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The revision to register for the current spec, or undefined when the latest already holds it. */
export function nextRevision(spec: TaskDefinitionSpec, stored: readonly StoredRevision[]): number | undefined {
  const latest = latestOf(stored);
  if (latest && canonicalJson(latest.spec) === canonicalJson(spec)) return undefined;
  return (latest?.revision ?? 0) + 1;
}

function latestOf(stored: readonly StoredRevision[]): StoredRevision | undefined {
  return stored.reduce<StoredRevision | undefined>((best, r) => (!best || r.revision > best.revision ? r : best), undefined);
}

/** The revisions list of the status, oldest first. */
export function revisionList(stored: readonly StoredRevision[], deregistered: ReadonlySet<number>): TaskDefinitionRevision[] {
  return [...stored]
    .sort((a, b) => a.revision - b.revision)
    .map((r) => ({
      revision: r.revision,
      status: deregistered.has(r.revision) ? ('INACTIVE' as const) : ('ACTIVE' as const),
      ...(r.registeredAt ? { registeredAt: r.registeredAt } : {}),
    }));
}

/** A parsed `taskDefinition` reference of a Service: `family` (latest ACTIVE) or `family:revision`. */
export interface TaskDefinitionRef {
  family: string;
  revision?: number;
}

export function parseTaskDefinitionRef(text: string): TaskDefinitionRef | undefined {
  const match = /^([A-Za-z0-9_-]{1,255})(?::([1-9][0-9]*))?$/.exec(text.trim());
  if (!match) return undefined;
  return { family: match[1], ...(match[2] ? { revision: Number(match[2]) } : {}) };
}

export function inactiveRevisionMessage(label: string): string {
  return `task definition ${label} is INACTIVE (deregistered) and cannot be used by a new deployment`;
}

export type Resolution =
  | { ok: true; revision: StoredRevision }
  | { ok: false; reason: 'NotFound' | 'Inactive' | 'NoActiveRevision'; message: string };

/**
 * Picks the revision a Service runs, as ECS does: `family` means the latest ACTIVE revision, and
 * `family:n` that revision. An INACTIVE revision is refused unless the Service already runs it
 * (`current`), which ECS allows to keep going.
 */
export function resolveRevision(ref: TaskDefinitionRef, stored: readonly StoredRevision[], deregistered: ReadonlySet<number>, current?: number): Resolution {
  const label = ref.revision === undefined ? ref.family : `${ref.family}:${ref.revision}`;
  if (ref.revision !== undefined) {
    const found = stored.find((r) => r.revision === ref.revision);
    if (!found) return { ok: false, reason: 'NotFound', message: `task definition ${label} is not registered` };
    if (deregistered.has(found.revision) && found.revision !== current) {
      return { ok: false, reason: 'Inactive', message: inactiveRevisionMessage(label) };
    }
    return { ok: true, revision: found };
  }
  const active = stored.filter((r) => !deregistered.has(r.revision));
  const latest = latestOf(active);
  if (latest) return { ok: true, revision: latest };
  if (stored.length > 0) return { ok: false, reason: 'NoActiveRevision', message: `task definition ${label} has no ACTIVE revision` };
  return { ok: false, reason: 'NotFound', message: `task definition ${label} is not registered` };
}
