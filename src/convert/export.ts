import { FARGATE_PROFILE_KIND } from '../api/fargateprofile.js';
import { ECS_NAME_PATTERN } from '../api/fields.js';
import type { ObjectMeta } from '../api/kube.js';
import { TASK_DEFINITION_KIND } from '../api/taskdefinition.js';
import { validateResource } from '../api/validate.js';
import { TASK_DEFINITION_REF_PATTERN } from '../api/values.js';
import type { Finding, Message } from './findings.js';
import {
  ANNOTATION_ORIGINAL_NAME,
  ANNOTATION_ORIGINAL_TASK_DEFINITION,
  kubernetesName,
  SERVICE_NAME_MAX,
  TASK_DEFINITION_NAME_MAX,
  taskDefinitionReference,
} from './names.js';
import { parseDocuments } from './text.js';
import { isObject } from '../api/json.js';

// `berth export` without the I/O: TaskDefinition and Service resources (as kubectl prints
// them) back to register-task-definition and create-service input. The spec already is that
// input; export gives back the ECS names import had to change and leaves out what only
// Kubernetes knows.

type Meta = Pick<ObjectMeta, 'annotations'> & { name: string };
type Spec = Record<string, unknown>;

export interface ExportResult {
  /** One ECS JSON object per resource, in input order; empty when there is any error. */
  objects: Record<string, unknown>[];
  messages: Message[];
}

/**
 * The ECS name of a resource: the one kept by import, while the name rule still turns it into
 * metadata.name (a copy saved under another name is that other name); else the spec's own.
 */
function ecsName(metadata: Meta, written: unknown, maxLength: number): string {
  const original = metadata.annotations?.[ANNOTATION_ORIGINAL_NAME];
  if (original !== undefined && new RegExp(ECS_NAME_PATTERN).test(original) && kubernetesName(original, maxLength) === metadata.name) return original;
  return typeof written === 'string' ? written : metadata.name;
}

/** The taskDefinition as written before import, while it still refers to the same revision. */
function taskDefinitionAsWritten(metadata: Meta, reference: string): string {
  const original = metadata.annotations?.[ANNOTATION_ORIGINAL_TASK_DEFINITION];
  if (original === undefined || !new RegExp(TASK_DEFINITION_REF_PATTERN).test(original)) return reference;
  return taskDefinitionReference(original) === reference ? original : reference;
}

const KUBERNETES_ONLY = 'dropped: Kubernetes-only settings have no ECS field';

/** RegisterTaskDefinition input. Task cpu and memory are strings there, as ECS's API wants them. */
export function taskDefinitionToEcs(metadata: Meta, spec: Spec): { json: Spec; warnings: Finding[] } {
  const { family, kubernetes, ...rest } = spec;
  const json: Spec = { family: ecsName(metadata, family, TASK_DEFINITION_NAME_MAX), ...rest };
  for (const field of ['cpu', 'memory']) {
    if (typeof json[field] === 'number') json[field] = String(json[field]);
  }
  const warnings = kubernetes === undefined ? [] : [{ path: 'spec.kubernetes', message: KUBERNETES_ONLY }];
  return { json, warnings };
}

/** CreateService input. */
export function serviceToEcs(metadata: Meta, spec: Spec): { json: Spec; warnings: Finding[] } {
  const { serviceName, autoScaling, forceNewDeployment, kubernetes, ...rest } = spec;
  const json: Spec = { serviceName: ecsName(metadata, serviceName, SERVICE_NAME_MAX), ...rest };
  if (typeof rest.taskDefinition === 'string') json.taskDefinition = taskDefinitionAsWritten(metadata, rest.taskDefinition);
  const warnings: Finding[] = [];
  if (autoScaling !== undefined) {
    warnings.push({ path: 'spec.autoScaling', message: 'dropped: Application Auto Scaling is set up apart from the service (register-scalable-target, put-scaling-policy)' });
  }
  if (forceNewDeployment !== undefined) {
    warnings.push({ path: 'spec.forceNewDeployment', message: 'dropped: CreateService has none; use update-service --force-new-deployment' });
  }
  if (kubernetes !== undefined) warnings.push({ path: 'spec.kubernetes', message: KUBERNETES_ONLY });
  return { json, warnings };
}


/** The objects of a stream; `kubectl get … -o yaml` without a name prints a List. */
function objectsIn(documents: readonly unknown[]): unknown[] {
  return documents.flatMap((d) => (isObject(d) && Array.isArray(d.items) && typeof d.kind === 'string' && d.kind.endsWith('List') ? d.items : [d]));
}

export function exportResources(file: string, text: string): ExportResult {
  const messages: Message[] = [];
  const error = (path: string, message: string) => messages.push({ severity: 'error', file, path, message });
  let objects: unknown[];
  try {
    objects = objectsIn(parseDocuments(text));
  } catch (err) {
    error('', `not valid YAML or JSON: ${(err as Error).message}`);
    return { objects: [], messages };
  }
  if (objects.length === 0) error('', 'no TaskDefinition or Service in the input');

  const out: Record<string, unknown>[] = [];
  objects.forEach((object, i) => {
    const o = isObject(object) ? object : {};
    const meta: Meta = isObject(o.metadata) ? (o.metadata as Meta) : { name: '' };
    const label = typeof o.kind === 'string' && typeof meta.name === 'string' && meta.name !== '' ? `${o.kind}/${meta.name}` : `object ${i + 1}`;
    if (o.kind === FARGATE_PROFILE_KIND) {
      error(label, 'a FargateProfile has no ECS form: it is an EKS object (aws eks create-fargate-profile)');
      return;
    }
    const valid = validateResource(object);
    if (!valid.ok) {
      for (const e of valid.errors) error(label, e);
      return;
    }
    const spec = (valid.value as { spec: Spec }).spec;
    const converted = o.kind === TASK_DEFINITION_KIND ? taskDefinitionToEcs(meta, spec) : serviceToEcs(meta, spec);
    for (const w of converted.warnings) messages.push({ severity: 'warning', file, path: label, message: `${w.path}: ${w.message}` });
    out.push(converted.json);
  });
  const failed = messages.some((m) => m.severity === 'error');
  return { objects: failed ? [] : out, messages };
}
