import { describe, expect, it } from '@jest/globals';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { customResourceDefinitions, type CustomResourceDefinition } from '../../../src/api/crd.js';
import { structuralProblems, type JsonSchema } from '../../../src/api/structural.js';
import { crdFiles } from '../../../src/cli/gen-crds.js';

const CRD_DIR = join(process.cwd(), 'crds');
const crds = customResourceDefinitions();
const byKind = (kind: string): CustomResourceDefinition => crds.find((c) => c.spec.names.kind === kind) as CustomResourceDefinition;
const schemaOf = (kind: string): JsonSchema => byKind(kind).spec.versions[0].schema.openAPIV3Schema;

/** Every x-kubernetes-validations entry in a schema, with where it sits. */
function validations(s: JsonSchema, path = ''): { path: string; rule: string; message: string }[] {
  const own = ((s['x-kubernetes-validations'] as { rule: string; message: string }[] | undefined) ?? []).map((v) => ({ path, ...v }));
  const children = [
    ...Object.entries(s.properties ?? {}).map(([k, v]) => validations(v, `${path}.${k}`)),
    s.items ? validations(s.items, `${path}[]`) : [],
    typeof s.additionalProperties === 'object' ? validations(s.additionalProperties, `${path}{}`) : [],
  ];
  return [...own, ...children.flat()];
}

describe('crds/ matches the schemas', () => {
  it('has exactly the generated files, byte for byte', async () => {
    const files = crdFiles();
    expect((await readdir(CRD_DIR)).filter((f) => f.endsWith('.yaml')).sort()).toEqual(files.map((f) => f.name).sort());
    for (const f of files) {
      expect(await readFile(join(CRD_DIR, f.name), 'utf8')).toBe(f.text);
    }
  });

  it('parses back to the generated objects', async () => {
    for (const crd of crds) {
      const committed = parse(await readFile(join(CRD_DIR, `${crd.metadata.name}.yaml`), 'utf8'));
      expect(committed).toEqual(crd);
    }
  });
});

describe('structural schemas', () => {
  it.each(crds.map((c) => [c.spec.names.kind, c] as const))('%s is structural and every field is described', (_kind, crd) => {
    expect(structuralProblems(crd.spec.versions[0].schema.openAPIV3Schema)).toEqual([]);
  });

  it('the lint finds what it is meant to find', () => {
    const bad: JsonSchema = {
      type: 'object',
      properties: {
        a: { type: 'object', description: 'a', properties: { x: { type: 'string', description: 'x' } }, additionalProperties: false },
        b: { description: 'no type' },
        c: { type: 'integer', maximum: Number.MAX_SAFE_INTEGER, description: 'c' },
        d: { type: 'string' },
      },
    };
    expect(structuralProblems(bad)).toEqual([
      'a: properties and additionalProperties together',
      'a: additionalProperties must be a schema',
      'b: no type',
      'c: int53 bound',
      'd: no description',
    ]);
  });

  it('marks cpu, memory and forceNewDeployment int-or-string, keeping the string pattern', () => {
    const td = schemaOf('TaskDefinition').properties?.spec.properties ?? {};
    expect(td.cpu).toMatchObject({ 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }], maxLength: 32 });
    expect(td.cpu.pattern).toContain('[vV][cC][pP][uU]');
    expect(td.memory.pattern).toContain('[gG][bB]');
    const svc = schemaOf('Service').properties?.spec.properties ?? {};
    expect(svc.forceNewDeployment['x-kubernetes-int-or-string']).toBe(true);
  });

  it('every CEL rule has a message that names a spec field', () => {
    for (const crd of crds) {
      for (const v of validations(crd.spec.versions[0].schema.openAPIV3Schema)) {
        expect(v.message).toMatch(/^spec/);
        expect(v.rule.length).toBeGreaterThan(0);
      }
    }
  });

  it('every list under a CEL rule is bounded, so the apiserver can estimate the cost', () => {
    const unbounded: string[] = [];
    const walk = (s: JsonSchema, path: string, underRule: boolean) => {
      const ruled = underRule || s['x-kubernetes-validations'] !== undefined;
      if (ruled && s.type === 'array' && s.maxItems === undefined) unbounded.push(path);
      for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, `${path}.${k}`, ruled);
      if (s.items) walk(s.items, `${path}[]`, ruled);
    };
    // Lists that CEL iterates; others (environment, command…) are never looked at by a rule.
    const iterated = ['containerDefinitions', 'dependsOn', 'mountPoints', 'volumesFrom', 'portMappings', 'volumes', 'capacityProviderStrategy', 'placementStrategy', 'placementConstraints', 'targetTrackingPolicies', 'selectors'];
    for (const crd of crds) walk(crd.spec.versions[0].schema.openAPIV3Schema, '', false);
    expect(unbounded.filter((p) => iterated.some((name) => p.endsWith(`.${name}`)))).toEqual([]);
  });
});

describe('CRD metadata', () => {
  it('names, short names, scope and category', () => {
    expect(crds.map((c) => [c.metadata.name, c.spec.scope, c.spec.names.shortNames, c.spec.names.categories])).toEqual([
      ['taskdefinitions.ecs.berth.dev', 'Namespaced', ['td', 'taskdef'], ['ecs']],
      ['services.ecs.berth.dev', 'Namespaced', ['ecssvc', 'esvc'], ['ecs']],
      ['fargateprofiles.ecs.berth.dev', 'Cluster', ['fp'], ['ecs']],
    ]);
  });

  it('printer columns', () => {
    const names = (kind: string) => byKind(kind).spec.versions[0].additionalPrinterColumns.map((c) => c.name.toUpperCase());
    expect(names('TaskDefinition')).toEqual(['REVISION', 'CPU', 'MEMORY', 'COMPATIBILITIES', 'AGE']);
    expect(names('Service')).toEqual(['TASKDEF', 'DESIRED', 'RUNNING', 'PENDING', 'ROLLOUT', 'AGE']);
    expect(names('FargateProfile')).toEqual(['SELECTORS', 'RUNTIMECLASS', 'AGE']);
  });

  it('status subresource everywhere, scale on Service only', () => {
    for (const crd of crds) expect(crd.spec.versions[0].subresources.status).toEqual({});
    expect(byKind('Service').spec.versions[0].subresources.scale).toEqual({
      specReplicasPath: '.spec.desiredCount',
      statusReplicasPath: '.status.runningCount',
      labelSelectorPath: '.status.selector',
    });
    expect(byKind('TaskDefinition').spec.versions[0].subresources.scale).toBeUndefined();
  });

  it('FargateProfile spec is immutable', () => {
    const spec = schemaOf('FargateProfile').properties?.spec ?? {};
    expect(spec['x-kubernetes-validations']).toContainEqual(expect.objectContaining({ rule: 'self == oldSelf' }));
  });

  it('conditions are a list-map keyed by type', () => {
    for (const crd of crds) {
      const conditions = crd.spec.versions[0].schema.openAPIV3Schema.properties?.status.properties?.conditions ?? {};
      expect(conditions).toMatchObject({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });
    }
  });

  it('kubectl explain finds a description for memoryReservation', () => {
    const container = schemaOf('TaskDefinition').properties?.spec.properties?.containerDefinitions.items;
    expect(container?.properties?.memoryReservation.description).toMatch(/soft memory limit in MiB/);
  });
});
