import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import { customResourceDefinitions } from '../../../src/api/crd.js';
import { SERVICE_FIELDS, TASK_DEFINITION_FIELDS, type FieldTable } from '../../../src/api/ecs-fields.js';
import { ServiceSpec } from '../../../src/api/service.js';
import type { JsonSchema } from '../../../src/api/structural.js';
import { TaskDefinitionSpec } from '../../../src/api/taskdefinition.js';
import { serviceToEcs, taskDefinitionToEcs } from '../../../src/convert/export.js';
import { shapes, strangers, type Shape } from '../../ecs-model.js';

// The ECS API model (botocore, aws-models/) is the contract: every member of the request and
// describe shapes Berth takes is accepted by the zod schema and the CRD, with ECS's enum values
// and ranges, and is classified in src/api/ecs-fields.ts.

interface Member {
  path: string;
  shape: Shape;
}

/** Every member under `root`, depth first; a recursive shape is walked once. */
function members(root: string): Member[] {
  const out: Member[] = [];
  const walk = (name: string, path: string, seen: readonly string[]) => {
    const shape = shapes[name];
    if (shape.type === 'structure') {
      for (const [key, ref] of Object.entries(shape.members ?? {})) {
        const at = path === '' ? key : `${path}.${key}`;
        out.push({ path: at, shape: shapes[ref.shape] });
        if (!seen.includes(ref.shape)) walk(ref.shape, at, [...seen, ref.shape]);
      }
    } else if (shape.type === 'list' && shape.member) {
      walk(shape.member.shape, `${path}[]`, seen);
    }
  };
  walk(root, '', [root]);
  return out;
}

// A value of the shape that ECS would accept, with every input member set.
function sample(name: string, table: FieldTable, path: string, seen: readonly string[]): unknown {
  const shape = shapes[name];
  switch (shape.type) {
    case 'structure': {
      if (shape.document) return { anything: ['goes', 1] };
      const out: Record<string, unknown> = {};
      for (const [key, ref] of Object.entries(shape.members ?? {})) {
        const at = path === '' ? key : `${path}.${key}`;
        const handling = table[at];
        if (handling === undefined || handling.as === 'output-only' || seen.includes(ref.shape)) continue;
        if (handling.as === 'honoured' && handling.sample === 'token') out[handling.inSpecAs ?? key] = 'token-1';
        else out[handling.as === 'honoured' && handling.inSpecAs ? handling.inSpecAs : key] = sample(ref.shape, table, at, [...seen, ref.shape]);
      }
      return out;
    }
    case 'list':
      return [sample(shape.member!.shape, table, `${path}[]`, seen)];
    case 'map':
      return { key: sample(shape.value!.shape, table, path, seen) };
    case 'string':
      return shape.enum ? shape.enum[0] : 'a1'.padEnd(shape.min ?? 0, 'a');
    case 'integer':
    case 'long':
      return DOCUMENTED_RANGES[path]?.[0] ?? shape.min ?? 1;
    case 'double':
    case 'float':
      return 10;
    case 'boolean':
      return true;
    case 'timestamp':
      return '2026-01-01T00:00:00Z';
    default:
      throw new Error(`no sample for ${shape.type}`);
  }
}

const toPath = (path: readonly PropertyKey[]) => path.map((p) => (typeof p === 'number' ? '[]' : `.${String(p)}`)).join('').replace(/^\./, '').replace(/\.\[\]/g, '[]');

// Problems of type, shape, enum and range; rule and pattern refusals are other tests' business.
interface Problem {
  path: string;
  code: string;
  message: string;
}

function problems(schema: z.ZodType, value: unknown): Problem[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues
    .filter((i) => i.code !== 'custom' && i.code !== 'invalid_format')
    .flatMap((i): Problem[] => (i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ path: toPath([...i.path, k]), code: i.code, message: i.message })) : [{ path: toPath(i.path), code: i.code, message: i.message }]));
}

function setAt(root: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(root);
  const segments = path.split('.');
  let node = copy as Record<string, unknown>;
  segments.forEach((segment, i) => {
    const list = segment.endsWith('[]');
    const key = list ? segment.slice(0, -2) : segment;
    const last = i === segments.length - 1;
    if (list) {
      const items = node[key] as Record<string, unknown>[];
      if (last) node[key] = value;
      else node = items[0];
    } else if (last) node[key] = value;
    else node = node[key] as Record<string, unknown>;
  });
  return copy;
}

function crdNode(spec: JsonSchema, path: string): JsonSchema | undefined {
  let node: JsonSchema | undefined = spec;
  for (const segment of path.split('.')) {
    const list = segment.endsWith('[]');
    node = node?.properties?.[list ? segment.slice(0, -2) : segment];
    if (list) node = node?.items;
  }
  return node;
}

const crdSpec = (kind: string) => {
  const crd = customResourceDefinitions().find((c) => c.spec.names.kind === kind)!;
  return (crd.spec.versions[0].schema.openAPIV3Schema.properties as Record<string, JsonSchema>).spec;
};

// Ranges ECS documents in words rather than as min/max of the model.
const DOCUMENTED_RANGES: Record<string, [number, number]> = {
  'containerDefinitions[].healthCheck.interval': [5, 300],
  'containerDefinitions[].healthCheck.timeout': [2, 60],
  'containerDefinitions[].healthCheck.retries': [1, 10],
  'containerDefinitions[].healthCheck.startPeriod': [0, 300],
  'containerDefinitions[].restartPolicy.restartAttemptPeriod': [60, 1800],
  'containerDefinitions[].linuxParameters.swappiness': [0, 100],
  'ephemeralStorage.sizeInGiB': [21, 200],
  'deploymentConfiguration.minimumHealthyPercent': [0, 100],
  'deploymentConfiguration.bakeTimeInMinutes': [0, 1440],
  'deploymentConfiguration.linearConfiguration.stepPercent': [3, 100],
  'deploymentConfiguration.linearConfiguration.stepBakeTimeInMinutes': [0, 1440],
  'deploymentConfiguration.canaryConfiguration.canaryPercent': [0.1, 100],
  'deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes': [0, 1440],
  healthCheckGracePeriodSeconds: [0, 2147483647],
};

const KINDS = [
  {
    kind: 'TaskDefinition',
    table: TASK_DEFINITION_FIELDS,
    schema: TaskDefinitionSpec as z.ZodType,
    roots: ['RegisterTaskDefinitionRequest', 'TaskDefinition'],
    toEcs: (spec: Record<string, unknown>) => taskDefinitionToEcs({ name: 'a1' }, spec).json,
  },
  {
    kind: 'Service',
    table: SERVICE_FIELDS,
    schema: ServiceSpec as z.ZodType,
    roots: ['CreateServiceRequest', 'UpdateServiceRequest', 'Service'],
    toEcs: (spec: Record<string, unknown>) => serviceToEcs({ name: 'a1' }, spec).json,
  },
];

describe.each(KINDS)('the ECS model against $kind', ({ kind, table, schema, roots, toEcs }) => {
  const all = roots.flatMap((root) => members(root).map((m) => ({ ...m, root })));
  const inputs = all.filter((m) => table[m.path] !== undefined && table[m.path].as !== 'output-only');
  const specPath = (path: string) => {
    const handling = table[path];
    return handling?.as === 'honoured' && handling.inSpecAs ? path.replace(/[^.]+$/, handling.inSpecAs) : path;
  };
  const full = Object.fromEntries(roots.map((root) => [root, sample(root, table, '', [root])]));

  it('classifies every member, and only members of the model', () => {
    const unclassified = [...new Set(all.filter((m) => table[m.path] === undefined).map((m) => `${m.root}: ${m.path}`))];
    expect(unclassified).toEqual([]);
    const known = new Set(all.map((m) => m.path));
    expect(Object.keys(table).filter((path) => !known.has(path))).toEqual([]);
  });

  it('gives a report to every reported member: its own reason, an enclosing report, or a renderer', () => {
    const bad = Object.entries(table).filter(([, h]) => {
      if (h.as !== 'reported') return false;
      if (h.reason !== undefined || h.by !== undefined) return false;
      const parent = h.partOf === undefined ? undefined : table[h.partOf];
      return parent?.as !== 'reported' || (parent.reason === undefined && parent.by === undefined);
    });
    expect(bad.map(([path]) => path)).toEqual([]);
  });

  it.each(roots)('accepts a %s with every input member set', (root) => {
    expect(problems(schema, full[root])).toEqual([]);
  });

  it.each(roots)('exports a %s with every input member set as input the create/register request takes', (root) => {
    expect(strangers(toEcs(full[root] as Record<string, unknown>), roots[0])).toEqual([]);
  });

  it('has every input member in the CRD schema', () => {
    const spec = crdSpec(kind);
    expect(inputs.filter((m) => crdNode(spec, specPath(m.path)) === undefined).map((m) => m.path)).toEqual([]);
  });

  it('accepts every enum value in zod and the CRD', () => {
    const spec = crdSpec(kind);
    const refused: string[] = [];
    const enumOf = (shape: Shape) => shape.enum ?? (shape.type === 'list' ? shapes[shape.member!.shape].enum : undefined);
    for (const m of inputs.filter((i) => enumOf(i.shape))) {
      const node = crdNode(spec, specPath(m.path));
      const crdEnum = (node?.enum ?? node?.items?.enum) as string[] | undefined;
      const list = m.shape.type === 'list';
      for (const value of enumOf(m.shape)!) {
        if (!crdEnum?.includes(value)) refused.push(`${m.path}=${value} (CRD)`);
        const given = setAt(full[m.root], specPath(m.path), list ? [value] : value);
        if (problems(schema, given).some((p) => p.path === specPath(m.path))) refused.push(`${m.path}=${value}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it("enforces ECS's ranges, from the model and from its documentation", () => {
    const wrong: string[] = [];
    const ranged = inputs.flatMap((m) => {
      const documented = DOCUMENTED_RANGES[m.path];
      if (documented) return [{ ...m, min: documented[0], max: documented[1] }];
      if (['integer', 'long'].includes(m.shape.type) && (m.shape.min !== undefined || m.shape.max !== undefined)) {
        return [{ ...m, min: m.shape.min, max: m.shape.max }];
      }
      return [];
    });
    for (const m of ranged) {
      const at = specPath(m.path);
      const step = Number.isInteger(m.min ?? 0) && Number.isInteger(m.max ?? 0) ? 1 : 0.05;
      const check = (value: number, ok: boolean) => {
        const refused = problems(schema, setAt(full[m.root], at, value)).some((p) => p.path === at);
        if (refused === ok) wrong.push(`${m.path}=${value} ${ok ? 'refused' : 'accepted'}`);
      };
      if (m.min !== undefined) {
        check(m.min, true);
        check(m.min - step, false);
      }
      if (m.max !== undefined) {
        check(m.max, true);
        check(m.max + step, false);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('enforces the list lengths of the model', () => {
    const wrong: string[] = [];
    for (const m of inputs.filter((i) => i.shape.type === 'list' && i.shape.max !== undefined)) {
      const at = specPath(m.path);
      const item = (getAt(full[m.root], at) as unknown[])[0];
      const refused = (n: number) => problems(schema, setAt(full[m.root], at, Array.from({ length: n }, () => item))).some((p) => p.path === at);
      if (refused(m.shape.max!)) wrong.push(`${m.path}: ${m.shape.max} items refused`);
      if (!refused(m.shape.max! + 1)) wrong.push(`${m.path}: ${m.shape.max! + 1} items accepted`);
    }
    expect(wrong).toEqual([]);
  });
});

/** The value at `path` of a sample: a list segment is the list when last, else its first item. */
function getAt(root: unknown, path: string): unknown {
  const segments = path.split('.');
  let node: unknown = root;
  segments.forEach((segment, i) => {
    const list = segment.endsWith('[]');
    node = (node as Record<string, unknown>)[list ? segment.slice(0, -2) : segment];
    if (list && i < segments.length - 1) node = (node as unknown[])[0];
  });
  return node;
}
