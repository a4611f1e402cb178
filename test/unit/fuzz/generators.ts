// Hostile inputs for the fuzz suite: values of the wrong type, boundary and absurd numbers,
// strings that look like numbers, control and unicode characters, 1 MB strings, deep nesting,
// prototype keys, regex bombs, and well-formed documents with one of those planted at a random
// place.

import fc from 'fast-check';

/** Numbers at and beyond every boundary Berth checks (int32, int53, exponents). */
export const boundaryNumbers = [
  0, -0, -1, 1, 1.5, -1.5, 0.1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 1,
  -(2 ** 53) - 1, 1e21, 1e308, Number.MAX_VALUE, Number.MIN_VALUE, 65535, 65536, 100000, 100001,
];

/** Strings that a careless parser might take for numbers, or for something else. */
export const trickyStrings = [
  '', ' ', 'NaN', 'Infinity', '-Infinity', 'null', 'undefined', 'true', '0x10', '1e999999999', '-1e999999999', '1e-999999999',
  '9'.repeat(40), '0.' + '0'.repeat(40) + '1', '1Ei', '1E', '1e18', '1e19', '+1', '-0', '.', '..', '1.2.3', '256 ', ' 512', '1,5',
  '\u0000', '\u001b[31m', 'a\nb', '\r\n', '\u202eevil', '\ud800', 'é', '名前', '🚀', 'a'.repeat(300), '${x}', '%s%n', '../../etc/passwd',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty',
];

/** One string of 1 MiB, built once. */
export const ONE_MEGABYTE = 'x'.repeat(1024 * 1024);

/** Nested arrays or objects `depth` levels deep, built without recursion. */
export function nested(depth: number, kind: 'array' | 'object'): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}

/** An object whose own keys include a prototype key, as JSON.parse creates them. */
export function withPrototypeKey(key: string, value: unknown): Record<string, unknown> {
  return JSON.parse(`{"${key}": ${JSON.stringify(value)}, "name": "x"}`) as Record<string, unknown>;
}

export const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, true, false, ...boundaryNumbers, ...trickyStrings),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

/** Any hostile value: scalars, containers of them, deep nesting, big strings, prototype keys. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 2, arbitrary: fc.array(scalar, { maxLength: 4 }) },
  { weight: 2, arbitrary: fc.dictionary(fc.constantFrom('a', 'name', 'image', '__proto__', 'constructor'), scalar, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 2500 }).chain((d) => fc.constantFrom(nested(d, 'array'), nested(d, 'object'))) },
  { weight: 1, arbitrary: fc.constant(ONE_MEGABYTE) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype').map((k) => withPrototypeKey(k, { image: 'evil' })) },
  { weight: 1, arbitrary: fc.constant([null, null]) },
);

/**
 * A copy of `base` with `value` planted where `steps` lead: each step picks a key (or index) of
 * the node reached so far, or a new key `extra` when the step is past the node's keys.
 */
export function plant(base: unknown, steps: readonly number[], value: unknown, extra = 'unexpected'): unknown {
  const root = structuredClone(base);
  if (steps.length === 0) return value;
  let node: unknown = root;
  for (let i = 0; i < steps.length; i++) {
    const last = i === steps.length - 1;
    if (Array.isArray(node)) {
      const index = steps[i] % (node.length + 1);
      if (last || typeof node[index] !== 'object' || node[index] === null) {
        node[index] = value;
        return root;
      }
      node = node[index];
    } else if (typeof node === 'object' && node !== null) {
      const keys = Object.keys(node);
      const key = steps[i] < keys.length ? keys[steps[i]] : extra;
      // Own properties only: `node.__proto__` is Object.prototype, which must never be written.
      const child = Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
      if (last || typeof child !== 'object' || child === null) {
        Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
        return root;
      }
      node = child;
    }
  }
  return root;
}

/** A document with one hostile value planted at a random place. */
export function mutated(base: unknown): fc.Arbitrary<unknown> {
  return fc
    .record({ steps: fc.array(fc.nat({ max: 12 }), { minLength: 1, maxLength: 6 }), value: hostile, extra: fc.constantFrom('unexpected', '__proto__', 'constructor', 'image') })
    .map(({ steps, value, extra }) => plant(base, steps, value, extra));
}

export const TASK_DEFINITION = {
  family: 'web',
  cpu: '256',
  memory: '512',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['EC2'],
  placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.availability-zone in [zone-a, zone-b]' }],
  volumes: [{ name: 'data', host: { sourcePath: '/data' } }],
  containerDefinitions: [
    {
      name: 'app',
      image: 'nginx:1.27',
      cpu: 128,
      memory: 256,
      memoryReservation: 128,
      essential: true,
      portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp', name: 'http' }],
      environment: [{ name: 'MODE', value: 'prod' }],
      mountPoints: [{ sourceVolume: 'data', containerPath: '/data', readOnly: true }],
      healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], interval: 30, retries: 3 },
      dockerLabels: { team: 'core' },
      ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 4096 }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'web' } },
    },
    { name: 'sidecar', image: 'busybox', essential: false, memory: 64, dependsOn: [{ containerName: 'app', condition: 'START' }], command: ['sleep', '3600'] },
  ],
  tags: [{ key: 'team', value: 'core' }],
};

export const SERVICE = {
  serviceName: 'web',
  taskDefinition: 'web:3',
  desiredCount: 2,
  launchType: 'EC2',
  deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 50, deploymentCircuitBreaker: { enable: true, rollback: true } },
  placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ m5.*' }],
  placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
  healthCheckGracePeriodSeconds: 30,
  tags: [{ key: 'team', value: 'core' }],
};

export const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'secure', labels: { app: 'web' } },
  spec: {
    initContainers: [{ name: 'init', image: 'busybox', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
    containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } }, ports: [{ containerPort: 80 }] }],
    volumes: [{ name: 'v', emptyDir: {} }],
  },
};

export const FARGATE_PROFILES = [
  { metadata: { name: 'isolated' }, spec: { selectors: [{ namespace: 'secure' }, { namespace: 'app*', labels: { 'tier?': 'front*' } }], subnets: ['zone-a'] } },
];

/** Pieces of the query language, and patterns that would backtrack for minutes in a RegExp. */
export const REGEX_BOMBS = ['(.*.*.*.*.*)*x', '(a+)+$', '(x+x+)+y', '(.*a){20}', '((a|aa)*)*b', '(\\w+\\s?)+$', '([a-z]+)*[0-9]', '(.*){1000}x'];

const queryToken = fc.constantFrom(
  'attribute:ecs.instance-type', 'attribute:kubernetes.io/hostname', 'attribute:ecs.availability-zone', 'attribute:custom', 'task:group',
  'agentConnected', 'registeredAt', '==', '!=', '=~', '!~', '>', '>=', 'in', '!in', 'exists', '!exists', 'and', 'or', 'not', '&&', '||', '!',
  '(', ')', '[', ']', ',', "'", '"', 'm5.*', 't2.micro', 'zone-a', '42', '-1', '\\', '*', '?', ...REGEX_BOMBS,
);

/** Placement expressions: token soup, deep nesting, bombs, over-long text. */
export const placementExpression: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.array(queryToken, { maxLength: 20 }).map((t) => t.join(' ')) },
  { weight: 2, arbitrary: fc.constantFrom(...REGEX_BOMBS).map((b) => `attribute:kubernetes.io/hostname =~ ${b}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 1500 }).map((n) => `${'('.repeat(n)}attribute:a exists${')'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 700 }).map((n) => `${'not '.repeat(n)}attribute:a exists`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((n) => `attribute:a =~ ${'a?'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);

type Leaf = { path: (string | number)[]; type: 'string' | 'number' | 'boolean' };

/** The paths of the scalar values in a document, with their JSON types. */
function leaves(doc: unknown, path: (string | number)[] = []): Leaf[] {
  if (Array.isArray(doc)) return doc.flatMap((v, i) => leaves(v, [...path, i]));
  if (typeof doc === 'object' && doc !== null) return Object.entries(doc).flatMap(([k, v]) => leaves(v, [...path, k]));
  if (typeof doc === 'string' || typeof doc === 'number' || typeof doc === 'boolean') return [{ path, type: typeof doc as Leaf['type'] }];
  return [];
}

const ofType: Record<Leaf['type'], fc.Arbitrary<unknown>> = {
  string: fc.oneof(fc.constantFrom(...trickyStrings), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constant(ONE_MEGABYTE), fc.constantFrom(...REGEX_BOMBS)),
  number: fc.oneof(fc.constantFrom(...boundaryNumbers), fc.integer()),
  boolean: fc.boolean(),
};

/**
 * A document with one scalar replaced by a hostile value of the same JSON type: it passes type
 * checks, so it reaches the ranges, patterns, rules and what comes after validation.
 */
export function retyped(base: unknown): fc.Arbitrary<unknown> {
  const all = leaves(base);
  return fc
    .constantFrom(...all)
    .chain((leaf) => ofType[leaf.type].map((value) => ({ leaf, value })))
    .map(({ leaf, value }) => {
      const root = structuredClone(base) as Record<string | number, unknown>;
      let node = root;
      for (const key of leaf.path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
      node[leaf.path[leaf.path.length - 1]] = value;
      return root;
    });
}
