import { describe, expect, test } from '@jest/globals';
import type { AdmissionContext } from '../../../src/ecs/admission.js';
import { validateBerthResource } from '../../../src/webhook/resources.js';
import type { AdmissionRequest } from '../../../src/webhook/review.js';

const API = 'ecs.berth.dev/v1alpha1';
const BROKEN = 'attribute:ecs.instance-type =~ t2.* and';

function service(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  return { apiVersion: API, kind: 'Service', metadata: { name: 'web', ...metadata }, spec: { taskDefinition: 'web', desiredCount: 1, ...spec } };
}

function request(object: unknown, extra: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return {
    uid: 'uid-1',
    kind: { group: 'ecs.berth.dev', version: 'v1alpha1', kind: 'Service' },
    resource: { group: 'ecs.berth.dev', version: 'v1alpha1', resource: 'services' },
    namespace: 'shop',
    name: 'web',
    operation: 'CREATE',
    object,
    ...extra,
  };
}

const ec2Only: AdmissionContext = {
  taskDefinition: (namespace, ref) => (namespace === 'shop' && ref.family === 'web' ? { label: 'web', spec: { requiresCompatibilities: ['EC2'] } } : undefined),
};

describe('validate-berth', () => {
  test('a valid Service is allowed', () => {
    expect(validateBerthResource(request(service()), ec2Only)).toEqual({ response: { uid: 'uid-1', allowed: true }, result: 'allowed' });
  });

  test('a broken memberOf expression is refused with the field and the column, as ECS answers (400)', () => {
    const h = validateBerthResource(request(service({ placementConstraints: [{ type: 'memberOf', expression: BROKEN }] })), {});
    expect(h.result).toBe('refused');
    expect(h.response.allowed).toBe(false);
    expect(h.response.status).toEqual({
      code: 400,
      reason: 'BadRequest',
      message: expect.stringMatching(/^InvalidParameterException: spec\.placementConstraints\[0\]\.expression: at column 40: /),
    });
  });

  test('a FARGATE Service naming an EC2-only task definition of its namespace is refused; the namespace comes from the request', () => {
    const h = validateBerthResource(request(service({ launchType: 'FARGATE' })), ec2Only);
    expect(h.response.status?.message).toBe(
      'InvalidParameterException: spec.taskDefinition: task definition web does not support launch type FARGATE: its requiresCompatibilities ([EC2]) do not include FARGATE',
    );
    expect(validateBerthResource(request(service({ launchType: 'FARGATE' }), { namespace: 'other' }), ec2Only).result).toBe('allowed');
  });

  test('an update that changes the spec is checked', () => {
    const h = validateBerthResource(
      request(service({ placementConstraints: [{ type: 'memberOf', expression: BROKEN }] }), { operation: 'UPDATE', oldObject: service() }),
      {},
    );
    expect(h.result).toBe('refused');
  });

  test('an update is refused only for what it brings: a problem the object already had does not block a scale', () => {
    const old = service({ launchType: 'FARGATE' });
    const scaled = validateBerthResource(request(service({ launchType: 'FARGATE', desiredCount: 5 }), { operation: 'UPDATE', oldObject: old }), ec2Only);
    expect(scaled.result).toBe('allowed');
    const broken = validateBerthResource(
      request(service({ launchType: 'FARGATE', placementConstraints: [{ type: 'distinctInstance' }, { type: 'memberOf', expression: BROKEN }] }), { operation: 'UPDATE', oldObject: old }),
      ec2Only,
    );
    expect(broken.response.status?.message).not.toContain('spec.taskDefinition');
    expect(broken.result).toBe('refused');
  });

  test.each([
    ['an update that leaves the spec alone (finalizers, labels)', request(service({ desiredCount: -1 }, { finalizers: ['x'] }), { operation: 'UPDATE', oldObject: service({ desiredCount: -1 }) })],
    ['an object being deleted', request(service({ desiredCount: -1 }, { deletionTimestamp: '2026-12-08T00:00:00Z' }), { operation: 'UPDATE', oldObject: service() })],
    ['the status subresource', request(service({ desiredCount: -1 }), { operation: 'UPDATE', subResource: 'status', oldObject: service() })],
    ['a DELETE', request(undefined, { operation: 'DELETE', oldObject: service() })],
    ['another group', request(service({ desiredCount: -1 }), { resource: { group: '', version: 'v1', resource: 'services' } })],
  ])('allows without checking %s', (_name, req) => {
    const h = validateBerthResource(req, {});
    expect(h.response.allowed).toBe(true);
    expect(h.result).toBe('ignored');
  });

  test('a request that carries no object is refused, not waved through', () => {
    expect(validateBerthResource(request(undefined), {})).toEqual({
      response: { uid: 'uid-1', allowed: false, status: { code: 400, reason: 'BadRequest', message: 'berth: the admission request carries no Service' } },
      result: 'invalid',
    });
  });

  test('dry runs get the same answer', () => {
    const h = validateBerthResource(request(service({ desiredCount: -1 }), { dryRun: true }), {});
    expect(h.result).toBe('refused');
    expect(h.response.status?.message).toMatch(/^InvalidParameterException: spec\.desiredCount: /);
  });

  test('a TaskDefinition with a dependsOn cycle is a ClientException', () => {
    const c = (name: string, dep: string) => ({ name, image: 'nginx', memory: 64, dependsOn: [{ containerName: dep, condition: 'START' }] });
    const td = { apiVersion: API, kind: 'TaskDefinition', metadata: { name: 'web' }, spec: { containerDefinitions: [c('a', 'b'), c('b', 'c'), c('c', 'd'), c('d', 'e'), c('e', 'a')] } };
    const h = validateBerthResource(request(td, { resource: { group: 'ecs.berth.dev', version: 'v1alpha1', resource: 'taskdefinitions' }, kind: { group: 'ecs.berth.dev', version: 'v1alpha1', kind: 'TaskDefinition' } }), {});
    expect(h.response.status?.message).toBe('ClientException: spec.containerDefinitions[0].dependsOn, spec.containerDefinitions[1].dependsOn, spec.containerDefinitions[2].dependsOn, spec.containerDefinitions[3].dependsOn, spec.containerDefinitions[4].dependsOn: spec.containerDefinitions[].dependsOn must not form a cycle');
  });
});
