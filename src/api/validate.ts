import type { z } from 'zod';
import { FARGATE_PROFILE_KIND, FargateProfileSpec } from './fargateprofile.js';
import { UnsafeJson, withoutNullFields } from './ecsjson.js';
import { API_VERSION } from './resource.js';
import { formatIssues, formatPath, type Rule } from './rules.js';
import { SERVICE_KIND, ServiceSpec, serviceRootRules } from './service.js';
import { TASK_DEFINITION_KIND, TaskDefinitionSpec, taskDefinitionRootRules } from './taskdefinition.js';

// Offline validation of whole objects: the same schema and rules the CRDs enforce at admission,
// with messages that start with the path of the field, e.g. for `berth import` and tests.

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };

interface KindCheck {
  spec: z.ZodType;
  rootRules: readonly Rule<never>[];
}

const KINDS: Record<string, KindCheck> = {
  [TASK_DEFINITION_KIND]: { spec: TaskDefinitionSpec, rootRules: taskDefinitionRootRules as readonly Rule<never>[] },
  [SERVICE_KIND]: { spec: ServiceSpec, rootRules: serviceRootRules as readonly Rule<never>[] },
  [FARGATE_PROFILE_KIND]: { spec: FargateProfileSpec, rootRules: [] },
};

/** Validates a spec of one kind alone; error paths start with "spec". */
export function validateSpec<S extends z.ZodType>(schema: S, spec: unknown): Validation<z.output<S>> {
  const result = schema.safeParse(spec);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, errors: formatIssues(result.error.issues, ['spec']) };
}

/**
 * Validates a TaskDefinition, Service or FargateProfile object as the apiserver would on create:
 * envelope, spec schema, spec rules and the rules that relate spec to metadata.
 */
export function validateResource(input: unknown): Validation<unknown> {
  if (typeof input !== 'object' || input === null) return { ok: false, errors: ['the object must be a mapping'] };
  // The apiserver drops a field whose value is null before it validates (no field of Berth's
  // kinds is nullable), so `memory: null` is "no memory"; a null in a list stays and is refused
  // at its index. The value returned is the object as the apiserver would store it.
  let object: object;
  try {
    object = withoutNullFields(input, []) as object;
  } catch (err) {
    if (err instanceof UnsafeJson) return { ok: false, errors: [err.message] };
    throw err;
  }
  const o = object as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown }; spec?: unknown };
  const check = typeof o.kind === 'string' ? KINDS[o.kind] : undefined;
  if (o.apiVersion !== API_VERSION || check === undefined) {
    return { ok: false, errors: [`apiVersion/kind must be ${API_VERSION} with kind ${Object.keys(KINDS).join(', ')}`] };
  }
  if (typeof o.metadata?.name !== 'string' || o.metadata.name === '') return { ok: false, errors: ['metadata.name: Required value'] };
  if (o.spec === undefined) return { ok: false, errors: ['spec: Required value'] };
  const spec = validateSpec(check.spec, o.spec);
  if (!spec.ok) return spec;
  const errors: string[] = [];
  for (const rule of check.rootRules as readonly Rule<unknown>[]) {
    for (const path of rule.find(object)) errors.push(`${formatPath(path) || '<root>'}: ${rule.message}`);
  }
  return errors.length === 0 ? { ok: true, value: object } : { ok: false, errors };
}
