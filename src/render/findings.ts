import type { ConditionInput } from '../api/conditions.js';
// What a render reports besides the objects it builds.

/**
 * An ECS field that Berth accepts but does not honour, or honours only approximately.
 * `path` is a JSON path into the TaskDefinition spec as the user wrote it
 * (`$.containerDefinitions[0].logConfiguration`); `reason` says what happens instead.
 */
export interface IgnoredField {
  path: string;
  reason: string;
}

/** The input cannot become a valid pod: ECS itself would refuse it. Not worth retrying. */
export class RenderError extends Error {
  override name = 'RenderError';

  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}

/** `$.containerDefinitions[2]` and below. */
export function containerPath(index: number, ...rest: (string | number)[]): string {
  return joinPath(['containerDefinitions', index, ...rest]);
}

/** `$.volumes[1].efsVolumeConfiguration` and the like. */
export function joinPath(parts: readonly (string | number)[]): string {
  let out = '$';
  for (const part of parts) out += typeof part === 'number' ? `[${part}]` : `.${part}`;
  return out;
}

/** Condition FieldsIgnored: the accepted-but-not-honoured fields, each with its path. */
export function fieldsIgnoredCondition(ignored: readonly IgnoredField[]): ConditionInput {
  if (ignored.length === 0) return { type: 'FieldsIgnored', status: 'False', reason: 'AllHonoured', message: 'every field is honoured' };
  return { type: 'FieldsIgnored', status: 'True', reason: 'NotHonoured', message: ignored.map((f) => `${f.path}: ${f.reason}`).join('; ') };
}
