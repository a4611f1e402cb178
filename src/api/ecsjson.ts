import { outputOnlyFields, SERVICE_FIELDS, TASK_DEFINITION_FIELDS } from './ecs-fields.js';
import { formatPath, type Path } from './rules.js';

// ECS JSON as people have it: register/create inputs, console exports with explicit nulls, and
// describe outputs with fields ECS computes. These helpers turn it into a spec; validation then
// decides whether the spec is acceptable.

/** Fields of a describe-task-definition response that ECS computes; they are not inputs. */
export const TASK_DEFINITION_OUTPUT_FIELDS = outputOnlyFields(TASK_DEFINITION_FIELDS);

/** Fields of a describe-services response that ECS computes; they are not inputs. */
export const SERVICE_OUTPUT_FIELDS = outputOnlyFields(SERVICE_FIELDS);

export interface EcsInput {
  /** The spec to validate. */
  spec: Record<string, unknown>;
  /** Paths that were dropped: explicit nulls and computed fields. */
  dropped: string[];
}

function dropNulls(value: unknown, path: Path, dropped: string[]): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map((v, i) => dropNulls(v, [...path, i], dropped));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null) dropped.push(formatPath([...path, key]));
    else out[key] = dropNulls(v, [...path, key], dropped);
  }
  return out;
}

function fromEcs(json: unknown, wrapper: string, computed: readonly string[]): EcsInput {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TypeError('ECS JSON must be an object');
  let body = json as Record<string, unknown>;
  const inner = body[wrapper];
  if (Object.keys(body).length === 1 && typeof inner === 'object' && inner !== null && !Array.isArray(inner)) body = inner as Record<string, unknown>;
  const dropped: string[] = [];
  const spec = dropNulls(body, ['spec'], dropped) as Record<string, unknown>;
  for (const field of computed) {
    if (field in spec) {
      delete spec[field];
      dropped.push(`spec.${field}`);
    }
  }
  return { spec, dropped };
}

/** A TaskDefinition spec from register-task-definition input or describe-task-definition output. */
export function taskDefinitionSpecFromEcs(json: unknown): EcsInput {
  return fromEcs(json, 'taskDefinition', TASK_DEFINITION_OUTPUT_FIELDS);
}

/** A Service spec from create-service input or one service of describe-services output. */
export function serviceSpecFromEcs(json: unknown): EcsInput {
  return fromEcs(json, 'service', SERVICE_OUTPUT_FIELDS);
}
