import { describe, expect, it } from '@jest/globals';
import type { Pod, PodTemplateSpec } from '../../../src/api/kube.js';
import { applyJsonPatch } from '../../../src/fargate/jsonpatch.js';
import type { ProfileLike } from '../../../src/fargate/profile.js';
import { findViolations } from '../../../src/fargate/restrictions.js';
import { admitPod, applyRoute, routePod, type Route } from '../../../src/fargate/route.js';

const PROFILES: ProfileLike[] = [
  { metadata: { name: 'isolated' }, spec: { selectors: [{ namespace: 'secure' }], subnets: ['subnet-a', 'zone-c'] } },
  { metadata: { name: 'kata' }, spec: { selectors: [{ namespace: 'apps', labels: { isolation: 'vm' } }], runtimeClassName: 'kata' } },
];
const OPTIONS = { subnetZones: { 'subnet-a': 'zone-a' } };

function pod(namespace: string, labels: Record<string, string> = {}, spec: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace, labels },
    spec: { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '500m', memory: '1Gi' } } }], ...spec },
  };
}

function routed(p: Pod | PodTemplateSpec, options = OPTIONS): Route {
  const d = routePod(p, PROFILES, options);
  if (d.action !== 'route') throw new Error(JSON.stringify(d));
  return d;
}

describe('routePod: a value not shaped as a pod is refused naming the path (rule InvalidPod), never thrown on', () => {
  const base = pod('secure');
  const cases: [string, unknown, string][] = [
    ['no spec', { metadata: { namespace: 'secure' } }, 'InvalidPod: spec: the pod has no spec'],
    ['a spec that is a string', { metadata: { namespace: 'secure' }, spec: 'x' }, "InvalidPod: spec: must be an object, found the string 'x'"],
    ['containers not a list', { ...base, spec: { containers: { name: 'app' } } }, 'InvalidPod: spec.containers: must be a list, found an object'],
    ['no containers', { ...base, spec: {} }, 'InvalidPod: spec.containers: must be a list, found nothing'],
    ['a container that is null', { ...base, spec: { containers: [null] } }, 'InvalidPod: spec.containers[0]: must be an object, found null'],
    ['a container without a name', { ...base, spec: { containers: [{ image: 'x' }] } }, 'InvalidPod: spec.containers[0].name: must be a string, found nothing'],
    ['requests that are a list', { ...base, spec: { containers: [{ name: 'a', resources: { requests: [] } }] } }, 'InvalidPod: spec.containers[0].resources.requests: must be an object, found a list'],
    ['ports not a list', { ...base, spec: { containers: [{ name: 'a', ports: 80 }] } }, 'InvalidPod: spec.containers[0].ports: must be a list, found number 80'],
    ['volumes not a list', { ...base, spec: { ...base.spec, volumes: 'v' } }, "InvalidPod: spec.volumes: must be a list, found the string 'v'"],
    ['labels with a number', { metadata: { namespace: 'secure', labels: { a: 1 } }, spec: base.spec }, 'InvalidPod: metadata.labels.a: must be a string, found number 1'],
    ['metadata that is a list', { metadata: [], spec: base.spec }, 'InvalidPod: metadata: must be an object, found a list'],
    ['ownerReferences not a list', { metadata: { namespace: 'secure', ownerReferences: {} }, spec: base.spec }, 'InvalidPod: metadata.ownerReferences: must be a list, found an object'],
    ['not an object at all', 42, 'InvalidPod: the pod: must be an object, found number 42'],
  ];
  it.each(cases)('%s', (_name, value, message) => {
    const d = routePod(value as Pod, PROFILES, OPTIONS);
    expect(d).toEqual({ action: 'refuse', rule: 'InvalidPod', message });
    expect(() => admitPod(value as Pod, PROFILES, OPTIONS)).not.toThrow();
  });

  it('reads a quantity written as a JSON number as Kubernetes does', () => {
    const p = pod('secure', {}, { containers: [{ name: 'app', resources: { requests: { cpu: 1 as unknown as string, memory: '1Gi' } } }] });
    expect(routed(p).size.capacityProvisioned).toBe('1vCPU 2GB');
  });

  it('refuses a huge exponent at once, naming the path', () => {
    const p = pod('secure', {}, { containers: [{ name: 'app', resources: { requests: { cpu: '1e999999999' } } }] });
    const d = routePod(p, PROFILES, OPTIONS);
    expect(d).toMatchObject({ action: 'refuse', rule: 'InvalidResources' });
    expect(d.action === 'refuse' && d.message).toContain("spec.containers[0].resources.requests.cpu: invalid cpu quantity: the exponent of '1e999999999' is outside -9..18");
  });
});

describe('routePod', () => {
  it('routes a matching pod: runtime class, zones, label, CapacityProvisioned, resources', () => {
    expect(routePod(pod('secure'), PROFILES, OPTIONS)).toEqual({
      action: 'route',
      profile: 'isolated',
      selectorIndex: 0,
      pinned: false,
      runtimeClassName: 'berth-isolated',
      zones: ['zone-a', 'zone-c'],
      labels: { 'ecs.berth.dev/fargate-profile': 'isolated' },
      annotations: { CapacityProvisioned: '0.5vCPU 2GB' },
      size: { vcpu: 0.5, memoryGB: 2, cpuMillis: 500, memoryMiB: 2048, capacityProvisioned: '0.5vCPU 2GB' },
      resources: {
        pod: { requests: { cpu: '500m', memory: '1792Mi' }, limits: { cpu: '500m', memory: '1792Mi' } },
        containers: {},
        initContainers: {},
        notes: [],
      },
    });
  });

  describe('an ECS task size (annotation ecs.berth.dev/task-size) is used verbatim', () => {
    const sized = (value: string, spec: Partial<Pod['spec']> = {}): Pod => {
      const p = pod('secure', {}, spec);
      p.metadata.annotations = { 'ecs.berth.dev/task-size': value };
      return p;
    };

    it('1 vCPU / 2 GB runs as 1 CPU / 2Gi, CapacityProvisioned 1vCPU 2GB (no overhead, no rounding up)', () => {
      const r = routed(sized('1024/2048'));
      expect(r.annotations).toEqual({ CapacityProvisioned: '1vCPU 2GB' });
      expect(r.resources.pod).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } });
    });

    it('routing the routed pod again changes nothing (the webhook sees the pods of rendered templates)', () => {
      const first = routed(sized('1024/2048'));
      const again = routed(applyRoute(sized('1024/2048'), first) as Pod);
      expect(again.annotations).toEqual(first.annotations);
      expect(again.resources.pod).toEqual(first.resources.pod);
    });

    it.each([
      ['not a Fargate size', '1024/1024'],
      ['not "<cpu>/<memory>"', '1 vCPU'],
      ['empty', ''],
    ])('refuses a malformed value: %s', (_name, value) => {
      const d = routePod(sized(value), PROFILES, OPTIONS);
      expect(d).toMatchObject({ action: 'refuse', rule: 'InvalidResources' });
      expect(d.action === 'refuse' && d.message).toMatch(/annotation ecs\.berth\.dev\/task-size ".*" must be "<cpu units>\/<memory MiB>" of a Fargate task size/);
    });

    it('refuses containers that need more than the task size', () => {
      const big = { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '2', memory: '1Gi' } } }] };
      const d = routePod(sized('1024/2048', big), PROFILES, OPTIONS);
      expect(d).toMatchObject({ action: 'refuse', rule: 'SizeExceeded' });
      expect(d.action === 'refuse' && d.message).toMatch(/more than its task size 1vCPU 2GB/);
    });
  });

  it('uses the profile’s runtime class, else the configured default', () => {
    expect(routed(pod('apps', { isolation: 'vm' })).runtimeClassName).toBe('kata');
    expect(routed(pod('secure'), { ...OPTIONS, defaultRuntimeClassName: 'gvisor' } as typeof OPTIONS).runtimeClassName).toBe('gvisor');
  });

  it('takes the namespace from the options when the pod has none (templates, admission requests)', () => {
    const template: PodTemplateSpec = { metadata: { labels: {} }, spec: pod('x').spec };
    expect(routePod(template, PROFILES, { namespace: 'secure' }).action).toBe('route');
    expect(routePod(template, PROFILES, {}).action).toBe('none');
  });

  it('leaves pods that match no profile alone, whatever they ask for', () => {
    const d = routePod(pod('default', {}, { hostNetwork: true }), PROFILES);
    expect(d).toEqual({ action: 'none', reason: 'no FargateProfile selects namespace "default" with the pod\'s labels' });
  });

  it('refuses a pod pinned to a profile that does not match it', () => {
    const d = routePod(pod('apps', { 'ecs.berth.dev/fargate-profile': 'isolated' }), PROFILES);
    expect(d).toMatchObject({ action: 'refuse', rule: 'ProfilePin' });
    expect(d.action === 'refuse' && d.message).toMatch(/^ProfilePin: the pod is pinned .* "isolated", but none of its selectors matches/);
  });

  // [name, spec changes or metadata, rule, message fragment]
  const refusals: [string, Partial<Pod['spec']>, Pod['metadata'] | undefined, string, string][] = [
    ['privileged container', { containers: [{ name: 'app', securityContext: { privileged: true } }] }, undefined, 'Privileged', 'Privileged: container "app" is privileged'],
    ['privileged init container', { initContainers: [{ name: 'setup', securityContext: { privileged: true } }] }, undefined, 'Privileged', 'container "setup" is privileged'],
    ['host network', { hostNetwork: true }, undefined, 'HostNetwork', "HostNetwork: the pod uses the node's network"],
    ['host port', { containers: [{ name: 'app', ports: [{ containerPort: 80, hostPort: 8080 }] }] }, undefined, 'HostPort', 'HostPort: container "app" binds host port 8080'],
    ['host PID', { hostPID: true }, undefined, 'HostPID', 'HostPID: '],
    ['host IPC', { hostIPC: true }, undefined, 'HostIPC', 'HostIPC: '],
    ['hostPath volume', { volumes: [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }] }, undefined, 'HostPath', 'HostPath: volume "docker" mounts /var/run/docker.sock'],
    [
      'DaemonSet pod',
      {},
      { name: 'p', namespace: 'secure', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'u', controller: true }] },
      'DaemonSet',
      'DaemonSet: the pod belongs to DaemonSet agent',
    ],
    ['too large', { containers: [{ name: 'app', resources: { requests: { cpu: '32' } } }] }, undefined, 'SizeExceeded', 'SizeExceeded: the pod needs 32 vCPU'],
    ['unreadable quantity', { containers: [{ name: 'app', resources: { limits: { memory: 'much' } } }] }, undefined, 'InvalidResources', "spec.containers[0].resources.limits.memory: invalid memory quantity: 'much' is not a quantity"],
  ];
  it.each(refusals)('refuses a %s, naming the rule and the profile', (_name, spec, metadata, rule, fragment) => {
    const p = pod('secure', {}, spec);
    if (metadata) p.metadata = metadata;
    const d = routePod(p, PROFILES);
    expect(d).toMatchObject({ action: 'refuse', profile: 'isolated', rule });
    expect(d.action === 'refuse' && d.message).toContain('FargateProfile "isolated" refuses the pod: ');
    expect(d.action === 'refuse' && d.message).toContain(fragment);
  });

  it('refuses DaemonSet templates by the owner kind it is told', () => {
    const d = routePod(pod('secure'), PROFILES, { ownerKind: 'DaemonSet' });
    expect(d).toMatchObject({ action: 'refuse', rule: 'DaemonSet' });
  });

  it('lists every violation, the first one being the rule', () => {
    const d = routePod(pod('secure', {}, { hostNetwork: true, hostPID: true }), PROFILES);
    expect(d.action === 'refuse' && d.rule).toBe('HostNetwork');
    expect(d.action === 'refuse' && d.message).toContain('; HostPID: ');
    expect(findViolations(pod('secure', {}, { hostNetwork: true, hostPID: true })).map((v) => v.rule)).toEqual(['HostNetwork', 'HostPID']);
  });
});

describe('applyRoute', () => {
  it('applies the route to a copy', () => {
    const original = pod('secure', { app: 'web' });
    const before = structuredClone(original);
    const out = applyRoute(original, routed(original));
    expect(original).toEqual(before);
    expect(out).toEqual({
      ...original,
      metadata: {
        ...original.metadata,
        labels: { app: 'web', 'ecs.berth.dev/fargate-profile': 'isolated' },
        annotations: { CapacityProvisioned: '0.5vCPU 2GB' },
      },
      spec: {
        ...original.spec,
        runtimeClassName: 'berth-isolated',
        resources: { requests: { cpu: '500m', memory: '1792Mi' }, limits: { cpu: '500m', memory: '1792Mi' } },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-a', 'zone-c'] }] }],
            },
          },
        },
      },
    });
  });

  it('ANDs the zones into every existing node selector term', () => {
    const p = pod('secure', {}, {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] },
              { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
            ],
          },
        },
      },
    });
    const zones = { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-a', 'zone-c'] };
    const out = applyRoute(p, routed(p));
    expect(out.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }, zones] },
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }], matchExpressions: [zones] },
    ]);
  });

  it('keeps other resources and sets per-container values when asked to', () => {
    const p = pod('apps', { isolation: 'vm' }, {
      containers: [{ name: 'app', resources: { requests: { cpu: '1', 'ephemeral-storage': '1Gi' }, limits: { 'nvidia.com/gpu': '1' } } }],
    });
    const out = applyRoute(p, routed(p, { ...OPTIONS, podLevelResources: false } as typeof OPTIONS));
    expect(out.spec.resources).toBeUndefined();
    expect(out.spec.containers[0].resources).toEqual({
      requests: { cpu: '1', 'ephemeral-storage': '1Gi', memory: '1792Mi' },
      limits: { 'nvidia.com/gpu': '1', cpu: '1', memory: '1792Mi' },
    });
  });

  it.each([true, false])('is idempotent: routing a routed pod changes nothing (pod-level %s)', (podLevelResources) => {
    const options = { ...OPTIONS, podLevelResources } as typeof OPTIONS;
    const p = pod('secure', {}, {
      initContainers: [{ name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '100m', memory: '64Mi' } } }, { name: 'init' }],
      containers: [{ name: 'app', resources: { requests: { cpu: '700m', memory: '3Gi' }, limits: { memory: '4Gi' } } }, { name: 'log' }],
    });
    const once = applyRoute(p, routed(p, options));
    const second = routed(once, options);
    expect(second.annotations).toEqual(routed(p, options).annotations);
    expect(applyRoute(once, second)).toEqual(once);
    expect(admitPod(once, PROFILES, options).patch).toEqual([]);
  });
});

describe('admitPod', () => {
  it('answers a JSON patch that turns the pod into the routed pod', () => {
    const p = pod('secure', { 'app/name': 'web' });
    const { decision, patch } = admitPod(p, PROFILES, OPTIONS);
    expect(decision.action).toBe('route');
    expect(patch).toEqual([
      { op: 'add', path: '/metadata/labels/ecs.berth.dev~1fargate-profile', value: 'isolated' },
      { op: 'add', path: '/metadata/annotations', value: { CapacityProvisioned: '0.5vCPU 2GB' } },
      { op: 'add', path: '/spec/runtimeClassName', value: 'berth-isolated' },
      {
        op: 'add',
        path: '/spec/affinity',
        value: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-a', 'zone-c'] }] }],
            },
          },
        },
      },
      { op: 'add', path: '/spec/resources', value: { requests: { cpu: '500m', memory: '1792Mi' }, limits: { cpu: '500m', memory: '1792Mi' } } },
    ]);
    expect(applyJsonPatch(p, patch)).toEqual(applyRoute(p, decision as Route));
  });

  it('answers no patch for refusals and unmatched pods', () => {
    expect(admitPod(pod('secure', {}, { hostIPC: true }), PROFILES).patch).toEqual([]);
    expect(admitPod(pod('default'), PROFILES).patch).toEqual([]);
  });
});
