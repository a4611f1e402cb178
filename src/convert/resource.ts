import type { ObjectMeta } from '../api/kube.js';
import { API_VERSION } from '../api/resource.js';
import type { SERVICE_KIND } from '../api/service.js';
import type { TASK_DEFINITION_KIND } from '../api/taskdefinition.js';
import type { Path } from '../api/rules.js';
import { jsonPath, type Finding } from './findings.js';
import { ANNOTATION_ORIGINAL_NAME, isKubernetesName, kubernetesName } from './names.js';

// The custom resources import writes: only what a user would put in a manifest.

export type ImportedKind = typeof TASK_DEFINITION_KIND | typeof SERVICE_KIND;

export interface ImportedResource {
  apiVersion: typeof API_VERSION;
  kind: ImportedKind;
  metadata: Pick<ObjectMeta, 'namespace' | 'annotations'> & { name: string };
  /** The ECS input as written (nulls and read-only fields gone), valid for the kind's schema. */
  spec: Record<string, unknown>;
}

/** Choices the user makes for every resource of one import. */
export interface ImportOptions {
  /** metadata.namespace; none leaves it to kubectl. */
  namespace?: string;
  /** metadata.name instead of the one derived from the ECS name (one resource only). */
  name?: string;
}

export function importedResource(
  kind: ImportedKind,
  name: string,
  options: ImportOptions,
  annotations: Record<string, string>,
  spec: Record<string, unknown>,
): ImportedResource {
  const metadata: ImportedResource['metadata'] = { name };
  if (options.namespace !== undefined) metadata.namespace = options.namespace;
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  return { apiVersion: API_VERSION, kind, metadata, spec };
}

export interface ResourceName {
  name?: string;
  /** ecs.berth.dev/original-name when the ECS name could not be kept. */
  annotations: Record<string, string>;
  /** False when the ECS name field must leave the spec, which requires it to equal metadata.name. */
  keepEcsName: boolean;
  warnings: Finding[];
  errors: Finding[];
}

/**
 * Names the resource after its ECS name (`spec[field]`: family, serviceName) by the rule of
 * names.ts, or after --name. The spec may keep the ECS name only when it equals metadata.name
 * (a CRD rule); when it cannot, the ECS name moves to an annotation, so that export can give
 * it back.
 */
export function nameResource(kind: ImportedKind, spec: Record<string, unknown>, field: string, base: Path, maxLength: number, options: ImportOptions): ResourceName {
  const at = jsonPath(base, field);
  const original = typeof spec[field] === 'string' ? spec[field] : undefined;
  const out: ResourceName = { annotations: {}, keepEcsName: true, warnings: [], errors: [] };
  if (options.name !== undefined && !isKubernetesName(options.name, maxLength)) {
    out.errors.push({
      path: '',
      message: `--name "${options.name}" is not a Kubernetes name: use lowercase letters, digits and "-", starting and ending with a letter or digit, at most ${maxLength} characters`,
    });
    return out;
  }
  let name: string;
  if (options.name !== undefined) name = options.name;
  else if (original !== undefined) name = kubernetesName(original, maxLength);
  else {
    out.errors.push({ path: at, message: `required: a ${kind} is named after its ${field}; add it, or name the ${kind} with --name` });
    return out;
  }
  out.name = name;
  if (original !== undefined && original !== name) {
    out.keepEcsName = false;
    out.annotations[ANNOTATION_ORIGINAL_NAME] = original;
    const how = options.name === undefined ? `"${original}" is not a Kubernetes name, so the ${kind} is "${name}"` : `--name makes the ${kind} "${name}"`;
    out.warnings.push({ path: at, message: `renamed: ${how}; the ${field} "${original}" is kept in annotation ${ANNOTATION_ORIGINAL_NAME}` });
  }
  return out;
}
