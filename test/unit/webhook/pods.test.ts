import { describe, expect, test } from '@jest/globals';
import type { Pod } from '../../../src/api/kube.js';
import { applyJsonPatch, type JsonPatchOp } from '../../../src/fargate/jsonpatch.js';
import type { ProfileLike } from '../../../src/fargate/profile.js';
import { mutatePod, validatePod, type Handled, type PodAdmissionContext } from '../../../src/webhook/pods.js';
import { parseReview, reviewBody, type AdmissionRequest } from '../../../src/webhook/review.js';

const PROFILES: ProfileLike[] = [
  { metadata: { name: 'b-shop' }, spec: { selectors: [{ namespace: 'shop', labels: { tier: 'isolated' } }] } },
  { metadata: { name: 'a-kata' }, spec: { selectors: [{ namespace: 'shop', labels: { vm: 'kata' } }], runtimeClassName: 'kata' } },
];
const context: PodAdmissionContext = { profiles: PROFILES, options: { defaultRuntimeClassName: 'berth-isolated' } };

function pod(labels: Record<string, string>, spec: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: 'web-', namespace: 'shop', labels },
    spec: { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '100m', memory: '128Mi' } } }], ...spec },
  };
}

function request(object: unknown, extra: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return {
    uid: 'uid-1',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    namespace: 'shop',
    operation: 'CREATE',
    object,
    ...extra,
  };
}

function patched(h: Handled, original: Pod): Pod {
  const ops = JSON.parse(Buffer.from(h.response.patch ?? 'W10=', 'base64').toString()) as JsonPatchOp[];
  return applyJsonPatch(original, ops);
}

const isolated = pod({ tier: 'isolated' });
const privileged = pod({ tier: 'isolated' }, { containers: [{ name: 'app', image: 'nginx', securityContext: { privileged: true } }] });

describe('mutate-pods', () => {
  test('a pod a profile takes is routed by a JSON patch', () => {
    const h = mutatePod(request(isolated), context);
    expect(h.result).toBe('routed');
    expect(h.response).toEqual(expect.objectContaining({ uid: 'uid-1', allowed: true, patchType: 'JSONPatch' }));
    expect(h.outcome).toBeUndefined(); // counted by validate-pods
    const routed = patched(h, isolated);
    expect(routed.spec.runtimeClassName).toBe('berth-isolated');
    expect(routed.metadata?.labels).toEqual({ tier: 'isolated', 'ecs.berth.dev/fargate-profile': 'b-shop' });
    expect(routed.metadata?.annotations).toEqual({ CapacityProvisioned: '0.25vCPU 0.5GB' });
    expect(routed.spec.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '250m', memory: '256Mi' } });
  });

  test('routing a routed pod again patches nothing (reinvocation)', () => {
    const routed = patched(mutatePod(request(isolated), context), isolated);
    const again = mutatePod(request(routed), context);
    expect(again.result).toBe('routed');
    expect(again.response.patch).toBeUndefined();
  });

  test.each([
    ['no profile selects it', pod({ tier: 'web' }), 'unmatched'],
    ['another namespace', { ...isolated, metadata: { ...isolated.metadata, namespace: 'other' } }, 'unmatched'],
  ])('%s: allowed untouched', (_name, object, result) => {
    const h = mutatePod(request(object, { namespace: object.metadata?.namespace }), context);
    expect(h).toEqual({ response: { uid: 'uid-1', allowed: true }, result });
  });

  test.each([
    ['privileged', privileged, 'Privileged', 'FargateProfile "b-shop" refuses the pod: Privileged: container "app" is privileged'],
    ['hostNetwork', pod({ tier: 'isolated' }, { hostNetwork: true }), 'HostNetwork', 'HostNetwork:'],
    ['hostPath', pod({ tier: 'isolated' }, { volumes: [{ name: 'h', hostPath: { path: '/etc' } }] }), 'HostPath', 'HostPath: volume "h" mounts /etc'],
    ['too big', pod({ tier: 'isolated' }, { containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '32' } } }] }), 'SizeExceeded', 'SizeExceeded:'],
    ['pinned to a profile that does not exist', pod({ tier: 'isolated', 'ecs.berth.dev/fargate-profile': 'nope' }), 'ProfilePin', 'ProfilePin:'],
  ])('%s: refused with a message naming the rule', (_name, object, rule, message) => {
    const h = mutatePod(request(object), context);
    expect(h.result).toBe('refused');
    expect(h.response.allowed).toBe(false);
    expect(h.response.status).toEqual(expect.objectContaining({ code: 403, reason: 'Forbidden' }));
    expect(h.response.status?.message).toContain(message);
    expect(h.response.patch).toBeUndefined();
    if (rule === 'ProfilePin') expect(h.outcome).toBeUndefined(); // no profile to count it on
    else expect(h.outcome).toEqual(expect.objectContaining({ profile: 'b-shop', result: 'refused', rule, namespace: 'shop', pod: 'web-' }));
  });

  test('a DaemonSet pod is refused', () => {
    const daemon = { ...isolated, metadata: { ...isolated.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'u', controller: true }] } };
    expect(mutatePod(request(daemon), context).response.status?.message).toContain('DaemonSet: the pod belongs to DaemonSet agent');
  });

  test('a dry run gets the same answer and counts nothing', () => {
    const h = mutatePod(request(privileged, { dryRun: true }), context);
    expect(h.response.allowed).toBe(false);
    expect(h.outcome).toBeUndefined();
  });

  test.each([
    ['an UPDATE', { operation: 'UPDATE' }],
    ['a subresource', { subResource: 'status' }],
    ['another resource', { resource: { group: 'apps', version: 'v1', resource: 'deployments' } }],
  ])('%s is not its business: allowed', (_name, extra) => {
    expect(mutatePod(request(privileged, extra as Partial<AdmissionRequest>), context)).toEqual({ response: { uid: 'uid-1', allowed: true }, result: 'ignored' });
  });

  test.each([
    ['no object', undefined, 'carries no pod'],
    ['not a pod', { kind: 'Deployment', spec: {} }, 'carries a Deployment'],
    ['no containers', { kind: 'Pod', spec: {} }, 'no spec.containers'],
    ['a string', 'pod', 'carries no pod'],
  ])('%s: refused (fails closed)', (_name, object, message) => {
    const h = mutatePod(request(object), context);
    expect(h.result).toBe('invalid');
    expect(h.response.allowed).toBe(false);
    expect(h.response.status?.message).toContain(message);
  });
});

describe('validate-pods', () => {
  const routed = patched(mutatePod(request(isolated), context), isolated);

  test('a routed pod is allowed and counted once', () => {
    const h = validatePod(request(routed), context);
    expect(h.response).toEqual({ uid: 'uid-1', allowed: true });
    expect(h.outcome).toEqual({ profile: 'b-shop', result: 'routed', namespace: 'shop', pod: 'web-' });
  });

  test('a pod a profile takes but that was not routed is refused', () => {
    const h = validatePod(request(isolated), context);
    expect(h.result).toBe('refused');
    expect(h.response.status?.message).toBe('FargateProfile "b-shop" takes the pod, but it is not routed to it: NotRouted: its runtimeClassName is not set instead of "berth-isolated"');
    const changed = validatePod(request({ ...routed, spec: { ...routed.spec, runtimeClassName: 'runc' } }), context);
    expect(changed.response.status?.message).toContain('its runtimeClassName is "runc"');
  });

  test('a later mutation that breaks a rule is refused', () => {
    const h = validatePod(request({ ...routed, spec: { ...routed.spec, hostPID: true } }), context);
    expect(h.response.status?.message).toContain('HostPID:');
    expect(h.outcome?.rule).toBe('HostPID');
  });

  test('a pod no profile takes is allowed and not counted', () => {
    expect(validatePod(request(pod({})), context)).toEqual({ response: { uid: 'uid-1', allowed: true }, result: 'unmatched' });
  });

  test('the pinned profile wins over the alphanumerically first', () => {
    const both = pod({ tier: 'isolated', vm: 'kata' });
    expect(patched(mutatePod(request(both), context), both).spec.runtimeClassName).toBe('kata'); // a-kata sorts first
    const pinned = pod({ tier: 'isolated', vm: 'kata', 'ecs.berth.dev/fargate-profile': 'b-shop' });
    expect(patched(mutatePod(request(pinned), context), pinned).spec.runtimeClassName).toBe('berth-isolated');
  });
});

describe('AdmissionReview bodies', () => {
  const review = (r: unknown) => JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: r });

  test.each([
    ['not JSON', '{', 'the body is not JSON'],
    ['an array', '[]', 'not a JSON object'],
    ['v1beta1', JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: {} }), 'expected an admission.k8s.io/v1 AdmissionReview'],
    ['no request', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }), 'has no request'],
    ['no uid', review({ operation: 'CREATE' }), 'has no uid'],
    ['no operation', review({ uid: 'x' }), 'has no operation'],
  ])('%s is not a review', (_name, body, message) => {
    const parsed = parseReview(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });

  test('a review parses and an answer wraps the response', () => {
    const parsed = parseReview(review({ uid: 'x', operation: 'CREATE', namespace: 'shop' }));
    expect(parsed).toEqual({ ok: true, request: { uid: 'x', operation: 'CREATE', namespace: 'shop' } });
    expect(JSON.parse(reviewBody({ uid: 'x', allowed: true }))).toEqual({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'x', allowed: true } });
  });
});
