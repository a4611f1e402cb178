// The shape routing relies on, checked before anything reads the pod. Pods reach routing from the
// admission webhook (already decoded by the apiserver) but also from files given to
// `berth profile match`, where anything can be written; a pod that is not the shape of a pod is
// refused with the first path that is wrong instead of failing somewhere inside routing. Only
// what routing reads is checked: the apiserver validates the rest.

import { unsafeJsonAt } from '../api/ecsjson.js';
import { isObject } from '../api/json.js';

type Check = (value: unknown, path: string) => string | undefined;

// Fields not wrapped in optional() are required.
const object = (fields: Record<string, Check> = {}): Check => (value, path) => {
  if (!isObject(value)) return `${path || 'the pod'}: must be an object, found ${describe(value)}`;
  for (const [key, check] of Object.entries(fields)) {
    const problem = check(Object.hasOwn(value, key) ? value[key] : undefined, join(path, key));
    if (problem) return problem;
  }
  return undefined;
};

const optional = (check: Check): Check => (value, path) => (value === undefined || value === null ? undefined : check(value, path));

const list = (item: Check): Check => (value, path) => {
  if (!Array.isArray(value)) return `${path}: must be a list, found ${describe(value)}`;
  for (const [i, v] of value.entries()) {
    const problem = item(v, `${path}[${i}]`);
    if (problem) return problem;
  }
  return undefined;
};

const string: Check = (value, path) => (typeof value === 'string' ? undefined : `${path}: must be a string, found ${describe(value)}`);

const stringMap: Check = (value, path) => {
  if (!isObject(value)) return `${path}: must be an object, found ${describe(value)}`;
  const bad = Object.entries(value).find(([, v]) => typeof v !== 'string');
  return bad ? `${join(path, bad[0])}: must be a string, found ${describe(bad[1])}` : undefined;
};

const resources = object({ requests: optional(object()), limits: optional(object()) });

const container = object({
  name: string,
  resources: optional(resources),
  securityContext: optional(object()),
  ports: optional(list(object())),
  restartPolicy: optional(string),
});

const affinity = object({
  nodeAffinity: optional(object({
    requiredDuringSchedulingIgnoredDuringExecution: optional(object({
      nodeSelectorTerms: optional(list(object({ matchExpressions: optional(list(object())) }))),
    })),
  })),
});

const pod = object({
  metadata: optional(object({
    namespace: optional(string),
    labels: optional(stringMap),
    annotations: optional(stringMap),
    ownerReferences: optional(list(object({ kind: optional(string), name: optional(string) }))),
  })),
  spec: object({
    containers: list(container),
    initContainers: optional(list(container)),
    volumes: optional(list(object({ name: optional(string), hostPath: optional(object()) }))),
    resources: optional(resources),
    affinity: optional(affinity),
    runtimeClassName: optional(string),
  }),
});

/**
 * The first path at which the value is not shaped as routing needs a pod, or undefined. Nesting
 * deeper than ECS JSON may (64 levels; a real pod nests about 15) and `__proto__` keys are refused
 * first, as for imports, since routing copies and diffs the whole pod.
 */
export function podShapeProblem(value: unknown): string | undefined {
  if (isObject(value) && (value.spec === undefined || value.spec === null)) return 'spec: the pod has no spec';
  const unsafe = unsafeJsonAt(value, []);
  if (unsafe) return `${unsafe.path}: ${unsafe.detail}`;
  return pod(value, '');
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string '${value.slice(0, 40)}'`;
  return `${typeof value} ${String(value)}`;
}
