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

/**
 * How deeply ECS JSON may nest. ECS's own shapes nest about eight levels; the limit keeps every
 * recursive walk over user JSON (here, in the renderers, in YAML output) far from the stack's end.
 */
export const MAX_JSON_DEPTH = 64;

/** Where user JSON cannot be taken as it is, and why. */
export interface JsonProblem {
  path: string;
  detail: string;
}

/** Thrown by withoutNullFields for JSON nested too deeply or holding a `__proto__` key. */
export class UnsafeJson extends Error {
  override name = 'UnsafeJson';
  constructor(readonly problem: JsonProblem) {
    super(`${problem.path}: ${problem.detail}`);
  }
}

const TOO_DEEP = `the JSON nests more than ${MAX_JSON_DEPTH} levels deep (Berth's limit)`;
// A `__proto__` key is refused even where any key is allowed (dockerLabels, options): copied
// into an object by assignment it would replace the prototype instead of adding a key.
const PROTO_KEY = "'__proto__' cannot be a key: ECS has no such field, and JavaScript objects would read it as their prototype";

/**
 * The first place (below `base`) where the value nests deeper than MAX_JSON_DEPTH or has a
 * `__proto__` key, or undefined. Iterative, so any depth is safe to look at.
 */
export function unsafeJsonAt(value: unknown, base: Path): JsonProblem | undefined {
  const stack: { value: unknown; path: Path }[] = [{ value, path: base }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    // The root is level 1, so a value `MAX_JSON_DEPTH` keys below it is one level too deep.
    if (path.length - base.length >= MAX_JSON_DEPTH) return { path: formatPath(path), detail: TOO_DEEP };
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    for (const [key, child] of entries.reverse()) {
      if (key === '__proto__') return { path: formatPath([...path, key]), detail: PROTO_KEY };
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return undefined;
}

/**
 * A copy without the object fields whose value is null: in ECS output null means "not set", which
 * a spec says by leaving the field out. A null in a list is kept, so that validation refuses it at
 * its own index and every later element keeps the index the user wrote. The copy is made with
 * own data properties (never through the `__proto__` setter), so a `__proto__` key stays a field
 * that validation refuses as unknown. Throws UnsafeJson before walking anything too deep.
 */
export function withoutNullFields(value: unknown, path: Path, dropped: string[] = []): unknown {
  const problem = unsafeJsonAt(value, path);
  if (problem) throw new UnsafeJson(problem);
  return dropNulls(value, path, dropped);
}

function dropNulls(value: unknown, path: Path, dropped: string[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => (v === null ? v : dropNulls(v, [...path, i], dropped)));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null) dropped.push(formatPath([...path, key]));
    else setOwn(out, key, dropNulls(v, [...path, key], dropped));
  }
  return out;
}

/** `target[key] = value` as an own data property, even for `__proto__`. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function fromEcs(json: unknown, wrapper: string, computed: readonly string[]): EcsInput {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TypeError('ECS JSON must be an object');
  let body = json as Record<string, unknown>;
  const inner = body[wrapper];
  if (Object.keys(body).length === 1 && typeof inner === 'object' && inner !== null && !Array.isArray(inner)) body = inner as Record<string, unknown>;
  const dropped: string[] = [];
  const spec = withoutNullFields(body, ['spec'], dropped) as Record<string, unknown>;
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
