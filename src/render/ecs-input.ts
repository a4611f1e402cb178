// ECS task definition JSON as people have it: the input of register-task-definition, but often
// the output of describe-task-definition instead, wrapped in {"taskDefinition": …} or not, with
// the fields ECS fills in on registration and, from console exports, explicit nulls. This turns
// any of those into RegisterTaskDefinition input, the shape of a TaskDefinition spec.

import { outputOnlyFields, TASK_DEFINITION_FIELDS } from '../api/ecs-fields.js';
import { withoutNullFields } from '../api/ecsjson.js';
import { isObject } from '../api/json.js';

/** Fields ECS sets on registration; they are not part of the input and are dropped. */
const READ_ONLY_FIELDS = outputOnlyFields(TASK_DEFINITION_FIELDS);

export interface NormalisedTaskDefinition {
  /** RegisterTaskDefinition input, ready for schema validation. */
  spec: Record<string, unknown>;
  /** JSON paths (into the file as given) of the read-only fields that were dropped. */
  dropped: string[];
}

export class NotATaskDefinition extends Error {
  override name = 'NotATaskDefinition';
}

export function normaliseTaskDefinitionJson(input: unknown): NormalisedTaskDefinition {
  if (!isObject(input)) throw new NotATaskDefinition('a task definition must be a JSON object');
  const wrapped = isObject(input.taskDefinition);
  const body = wrapped ? (input.taskDefinition as Record<string, unknown>) : input;
  const prefix = wrapped ? '$.taskDefinition' : '$';
  if (!('containerDefinitions' in body)) {
    throw new NotATaskDefinition(`${prefix}.containerDefinitions is missing: this is not a task definition`);
  }

  const spec = withoutNullFields(body, [prefix]) as Record<string, unknown>;
  const dropped: string[] = [];
  for (const field of READ_ONLY_FIELDS) {
    if (field in body) {
      dropped.push(`${prefix}.${field}`);
      delete spec[field];
    }
  }
  // describe-task-definition --include TAGS returns the tags beside the task definition.
  if (wrapped && Array.isArray(input.tags) && input.tags.length > 0 && spec.tags === undefined) {
    spec.tags = withoutNullFields(input.tags, ['$', 'tags']);
  }
  return { spec, dropped };
}

