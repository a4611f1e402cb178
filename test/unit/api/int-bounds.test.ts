import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import { customResourceDefinitions } from '../../../src/api/crd.js';
import { FargateProfileSpec, FargateProfileStatus } from '../../../src/api/fargateprofile.js';
import { ServiceSpec, ServiceStatus } from '../../../src/api/service.js';
import type { JsonSchema } from '../../../src/api/structural.js';
import { TaskDefinitionSpec, TaskDefinitionStatus } from '../../../src/api/taskdefinition.js';

// Every integer field has the same bounds in the zod schema (what `berth import` and the
// operator check) and in the generated CRD (what the apiserver checks), and they are int32 or
// narrower: ECS's model types its integers int32, and so do the Kubernetes fields they become.

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

type Bounds = Record<string, { min?: number; max?: number }>;

interface ZodNode {
  _zod: { def: { type: string; [k: string]: unknown } };
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
}

// Walks zod's own definitions, not its JSON Schema output, so the comparison does not go through
// the code that generates the CRD.
function zodIntegers(node: ZodNode, path: string, out: Bounds): Bounds {
  const def = node._zod.def;
  switch (def.type) {
    case 'number':
      if (node.isInt) out[path] = { min: node.minValue ?? undefined, max: node.maxValue ?? undefined };
      break;
    case 'object':
      for (const [k, v] of Object.entries(def.shape as Record<string, ZodNode>)) zodIntegers(v, `${path}.${k}`, out);
      break;
    case 'array':
      zodIntegers(def.element as ZodNode, `${path}[]`, out);
      break;
    case 'record':
      zodIntegers(def.valueType as ZodNode, `${path}{}`, out);
      break;
    case 'union':
      // An int-or-string field: its integer branch is the field's integer.
      for (const o of def.options as ZodNode[]) if (o._zod.def.type === 'number') zodIntegers(o, path, out);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
    case 'nonoptional':
      zodIntegers(def.innerType as ZodNode, path, out);
      break;
    case 'pipe':
      zodIntegers(def.in as ZodNode, path, out);
      break;
    case 'lazy':
      zodIntegers((def.getter as () => ZodNode)(), path, out);
      break;
    default:
      break;
  }
  return out;
}

function crdIntegers(s: JsonSchema, path: string, out: Bounds): Bounds {
  if (s.type === 'integer' || s['x-kubernetes-int-or-string'] === true) {
    out[path] = { min: s.minimum as number | undefined, max: s.maximum as number | undefined };
  }
  for (const [k, v] of Object.entries(s.properties ?? {})) crdIntegers(v, `${path}.${k}`, out);
  if (s.items) crdIntegers(s.items, `${path}[]`, out);
  if (typeof s.additionalProperties === 'object') crdIntegers(s.additionalProperties, `${path}{}`, out);
  return out;
}

const crds = Object.fromEntries(customResourceDefinitions().map((c) => [c.spec.names.kind, c.spec.versions[0].schema.openAPIV3Schema as JsonSchema]));
const kinds: [string, z.ZodType, z.ZodType][] = [
  ['TaskDefinition', TaskDefinitionSpec, TaskDefinitionStatus],
  ['Service', ServiceSpec, ServiceStatus],
  ['FargateProfile', FargateProfileSpec, FargateProfileStatus],
];

describe.each(kinds)('%s: integer bounds', (kind, spec, status) => {
  const root = crds[kind];
  const fromZod = { ...zodIntegers(spec as unknown as ZodNode, 'spec', {}), ...zodIntegers(status as unknown as ZodNode, 'status', {}) };
  const fromCrd = { ...crdIntegers(root.properties!.spec, 'spec', {}), ...crdIntegers(root.properties!.status, 'status', {}) };

  it('the zod schema and the CRD have the same integer fields with the same bounds', () => {
    expect(Object.keys(fromZod).length).toBeGreaterThan(0);
    expect(fromCrd).toEqual(fromZod);
  });

  it('every integer is bounded, within int32', () => {
    for (const [path, { min, max }] of Object.entries(fromCrd)) {
      expect({ path, bounded: min !== undefined && max !== undefined }).toEqual({ path, bounded: true });
      expect({ path, inInt32: min! >= INT32_MIN && max! <= INT32_MAX }).toEqual({ path, inInt32: true });
    }
  });
});

describe('boundary values, as the import and the apiserver see them', () => {
  const service = (fields: Record<string, unknown>) => ServiceSpec.safeParse({ taskDefinition: 'web', ...fields });
  it.each<[string, Record<string, unknown>, boolean]>([
    ['desiredCount 2^31-1', { desiredCount: INT32_MAX }, true],
    ['desiredCount 2^31', { desiredCount: 2 ** 31 }, false],
    ['desiredCount -1', { desiredCount: -1 }, false],
    ['desiredCount 1.5', { desiredCount: 1.5 }, false],
    ['maximumPercent 2^53+1', { deploymentConfiguration: { maximumPercent: 2 ** 53 + 1 } }, false],
    ['maximumPercent 2^31', { deploymentConfiguration: { maximumPercent: 2 ** 31 } }, false],
    ['capacity provider base 100001 (ECS allows 0..100000)', { capacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 100001 }] }, false],
    ['capacity provider weight 1001 (ECS allows 0..1000)', { capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1001 }] }, false],
  ])('%s', (_name, fields, ok) => {
    const r = service(fields);
    expect(r.success).toBe(ok);
    if (!r.success) expect(r.error.issues[0].path.length).toBeGreaterThan(0);
  });

  it('a task definition cpu given as an integer is int32 too', () => {
    const td = (cpu: unknown) => TaskDefinitionSpec.safeParse({ cpu, containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] }).success;
    expect(td(2 ** 31)).toBe(false);
  });
});
