import { describe, expect, it } from '@jest/globals';
import type { Container, PodSpec } from '../../../src/api/kube.js';
import { cpuMillis, formatCpu, formatMemory, memoryBytes } from '../../../src/fargate/quantity.js';
import { fargateResources } from '../../../src/fargate/resources.js';
import { sizePod, taskSizeAnnotation, taskSizeOf } from '../../../src/fargate/sizing.js';

const c = (name: string, requests?: Record<string, string>, limits?: Record<string, string>): Container => ({
  name,
  image: 'img',
  ...(requests || limits ? { resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } } : {}),
});
const sidecar = (name: string, requests?: Record<string, string>): Container => ({ ...c(name, requests), restartPolicy: 'Always' });

describe('sizePod: the EKS Fargate size', () => {
  // [name, spec, CapacityProvisioned]
  const cases: [string, PodSpec, string][] = [
    ['no requests: the smallest size', { containers: [c('app')] }, '0.25vCPU 0.5GB'],
    ['EKS example: 1 vCPU and 8 GB become 2 vCPU and 9 GB', { containers: [c('app', { cpu: '1', memory: '8Gi' })] }, '2vCPU 9GB'],
    ['256 MiB plus 256 MiB fits 0.5 GB exactly', { containers: [c('app', { cpu: '250m', memory: '256Mi' })] }, '0.25vCPU 0.5GB'],
    ['one MiB more takes the next memory step', { containers: [c('app', { cpu: '250m', memory: '257Mi' })] }, '0.25vCPU 1GB'],
    ['memory beyond 0.25 vCPU’s range takes 0.5 vCPU', { containers: [c('app', { cpu: '100m', memory: '3Gi' })] }, '0.5vCPU 4GB'],
    ['0.5 vCPU and 1 GiB', { containers: [c('app', { cpu: '500m', memory: '1Gi' })] }, '0.5vCPU 2GB'],
    ['cpu just above a row takes the next row', { containers: [c('app', { cpu: '501m' })] }, '1vCPU 2GB'],
    ['2 vCPU goes up in 1 GB steps', { containers: [c('app', { cpu: '2', memory: '15872Mi' })] }, '2vCPU 16GB'],
    ['beyond 16 GB on 2 vCPU takes 4 vCPU', { containers: [c('app', { cpu: '2', memory: '16Gi' })] }, '4vCPU 17GB'],
    ['beyond 30 GB on 4 vCPU takes 8 vCPU in 4 GB steps', { containers: [c('app', { cpu: '4', memory: '30Gi' })] }, '8vCPU 32GB'],
    ['8 vCPU in 4 GB steps', { containers: [c('app', { cpu: '8', memory: '40Gi' })] }, '8vCPU 44GB'],
    ['16 vCPU in 8 GB steps', { containers: [c('app', { cpu: '9' })] }, '16vCPU 32GB'],
    ['the largest size', { containers: [c('app', { cpu: '16', memory: '122624Mi' })] }, '16vCPU 120GB'],
    ['containers add up', { containers: [c('a', { cpu: '500m', memory: '1Gi' }), c('b', { cpu: '500m', memory: '1Gi' })] }, '1vCPU 3GB'],
    ['the largest init container wins over the app containers', { initContainers: [c('init', { cpu: '2', memory: '1Gi' }), c('init2', { cpu: '1' })], containers: [c('app', { cpu: '500m' })] }, '2vCPU 4GB'],
    ['app containers win over a smaller init container', { initContainers: [c('init', { cpu: '250m' })], containers: [c('app', { cpu: '1' })] }, '1vCPU 2GB'],
    ['native sidecars count with the app containers', { initContainers: [sidecar('proxy', { cpu: '500m' })], containers: [c('app', { cpu: '500m' })] }, '1vCPU 2GB'],
    [
      'an init container after a sidecar runs next to it',
      { initContainers: [sidecar('proxy', { cpu: '500m' }), c('migrate', { cpu: '1' })], containers: [c('app', { cpu: '250m' })] },
      '2vCPU 4GB',
    ],
    ['a limit stands in for a missing request', { containers: [c('app', undefined, { cpu: '1', memory: '2Gi' })] }, '1vCPU 3GB'],
    ['requests win over limits', { containers: [c('app', { cpu: '250m', memory: '256Mi' }, { cpu: '4', memory: '8Gi' })] }, '0.25vCPU 0.5GB'],
    ['pod-level requests are the pod’s request', { resources: { requests: { cpu: '4', memory: '8Gi' } }, containers: [c('app', { cpu: '100m' })] }, '4vCPU 9GB'],
    ['decimal units', { containers: [c('app', { cpu: '0.25', memory: '1G' })] }, '0.25vCPU 2GB'],
  ];
  it.each(cases)('%s', (_name, spec, expected) => {
    const r = sizePod(spec);
    expect(r.ok).toBe(true);
    expect(r.ok && r.size.capacityProvisioned).toBe(expected);
  });

  it('reports the size in numbers too', () => {
    const r = sizePod({ containers: [c('app', { cpu: '1', memory: '8Gi' })] });
    expect(r).toEqual({
      ok: true,
      request: { cpuMillis: 1000, memoryBytes: 8 * 1024 ** 3 },
      size: { vcpu: 2, memoryGB: 9, cpuMillis: 2000, memoryMiB: 9216, capacityProvisioned: '2vCPU 9GB' },
    });
  });

  it.each<[string, PodSpec, string, string]>([
    ['too much memory', { containers: [c('app', { cpu: '16', memory: '120Gi' })] }, 'SizeExceeded', 'beyond the largest Fargate size of 16 vCPU and 120 GB'],
    ['too much cpu', { containers: [c('app', { cpu: '17' })] }, 'SizeExceeded', 'the pod needs 17 vCPU'],
    ['a malformed quantity', { containers: [c('app', { cpu: 'lots' })] }, 'InvalidResources', `spec.containers[0].resources.requests.cpu: invalid cpu quantity: 'lots' is not a quantity`],
    ['a number quantity with a huge exponent', { containers: [c('app', { cpu: '1e999999999' })] }, 'InvalidResources', "spec.containers[0].resources.requests.cpu: invalid cpu quantity: the exponent of '1e999999999' is outside -9..18"],
    ['a quantity that is not a string', { containers: [c('app', { memory: [] as unknown as string })] }, 'InvalidResources', 'spec.containers[0].resources.requests.memory: invalid memory quantity: a quantity is a string such as "250m" or "1Gi", not a list'],
    ['a negative quantity', { initContainers: [c('init', { memory: '-1Gi' })], containers: [c('app', {})] }, 'InvalidResources', "spec.initContainers[0].resources.requests.memory: invalid memory quantity '-1Gi': it must not be negative"],
    ['an over-long quantity', { containers: [c('app', { cpu: '1'.repeat(65) })] }, 'InvalidResources', 'the quantity is 65 characters long, more than the limit of 64'],
  ])('refuses %s', (_name, spec, rule, fragment) => {
    const r = sizePod(spec);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.rule).toBe(rule);
    expect(!r.ok && r.message).toContain(fragment);
  });
});

describe('quantities', () => {
  it.each<[string, number | undefined]>([
    ['1', 1000], ['250m', 250], ['0.1', 100], ['1.5', 1500], ['100u', 1], ['2e3', 2000000], ['1k', 1000000], ['.5', 500], ['x', undefined], ['1Q', undefined],
  ])('cpu %s → %s millicores', (q, m) => expect(cpuMillis(q)).toBe(m));

  it.each<[string, number | undefined]>([
    ['1Gi', 1024 ** 3], ['256Mi', 256 * 1024 ** 2], ['1G', 1e9], ['129e6', 129e6], ['1.5Ki', 1536], ['128974848', 128974848], ['0.5', 1], ['Mi', undefined],
  ])('memory %s → %s bytes', (q, b) => expect(memoryBytes(q)).toBe(b));

  it('formats canonically', () => {
    expect([formatCpu(250), formatCpu(2000), formatCpu(1500)]).toEqual(['250m', '2', '1500m']);
    expect([formatMemory(1024 ** 3), formatMemory(1792 * 1024 ** 2), formatMemory(2048), formatMemory(1000), formatMemory(0)]).toEqual(['1Gi', '1792Mi', '2Ki', '1000', '0']);
  });
});

describe('fargateResources: requests equal limits, within the size', () => {
  const size = (spec: PodSpec) => {
    const r = sizePod(spec);
    if (!r.ok) throw new Error(r.message);
    return r.size;
  };

  it('pod-level: the pod gets the size less 256 MiB; container limits above it are lowered', () => {
    const spec: PodSpec = {
      initContainers: [c('init', { cpu: '100m' }, { cpu: '8' })],
      containers: [c('app', { cpu: '1', memory: '8Gi' }), c('log', { memory: '64Mi' }, { memory: '20Gi' })],
    };
    expect(fargateResources(spec, size(spec), true)).toEqual({
      pod: { requests: { cpu: '2', memory: '8960Mi' }, limits: { cpu: '2', memory: '8960Mi' } },
      containers: { log: { limits: { memory: '8960Mi' } } },
      initContainers: { init: { limits: { cpu: '2' } } },
      notes: [],
    });
  });

  it('per container: the slack goes to the first app container when all asked', () => {
    const spec: PodSpec = { containers: [c('app', { cpu: '1', memory: '8Gi' }), c('log', { cpu: '250m', memory: '256Mi' })] };
    // 1.25 vCPU and 8.5 GiB (+256 MiB) → 2 vCPU, 9 GB: 8960 MiB to share.
    expect(fargateResources(spec, size(spec), false)).toEqual({
      containers: {
        app: { requests: { cpu: '1750m', memory: '8704Mi' }, limits: { cpu: '1750m', memory: '8704Mi' } },
        log: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
      },
      initContainers: {},
      notes: [],
    });
  });

  it('per container: containers that asked for nothing share the slack', () => {
    const spec: PodSpec = { containers: [c('a'), c('b'), c('c', { cpu: '100m' })] };
    const r = fargateResources(spec, size(spec), false);
    // 0.25 vCPU, 0.5 GB: 150m left for a and b; all three asked for no memory and share 256 MiB.
    expect(r.containers).toEqual({
      a: { requests: { cpu: '75m', memory: '86Mi' }, limits: { cpu: '75m', memory: '86Mi' } },
      b: { requests: { cpu: '75m', memory: '85Mi' }, limits: { cpu: '75m', memory: '85Mi' } },
      c: { requests: { cpu: '100m', memory: '85Mi' }, limits: { cpu: '100m', memory: '85Mi' } },
    });
  });

  it('per container: init containers without requests get what the sidecars before them leave', () => {
    const spec: PodSpec = {
      initContainers: [c('first'), sidecar('proxy', { cpu: '250m', memory: '128Mi' }), c('second'), c('sized', { cpu: '500m' })],
      containers: [c('app', { cpu: '250m' })],
    };
    // max(0.5 + 0.25, 0.25 + 0.25) = 0.75 vCPU → 1 vCPU, 2 GB.
    const r = fargateResources(spec, size(spec), false);
    expect(r.initContainers).toEqual({
      first: { requests: { cpu: '1', memory: '1792Mi' }, limits: { cpu: '1', memory: '1792Mi' } },
      proxy: { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '250m', memory: '128Mi' } },
      second: { requests: { cpu: '750m', memory: '1664Mi' }, limits: { cpu: '750m', memory: '1664Mi' } },
      sized: { requests: { cpu: '500m', memory: '1664Mi' }, limits: { cpu: '500m', memory: '1664Mi' } },
    });
    expect(r.containers.app).toEqual({ requests: { cpu: '750m', memory: '1664Mi' }, limits: { cpu: '750m', memory: '1664Mi' } });
  });

  it('per container: a sidecar that asked for nothing is left alone, with a note', () => {
    const spec: PodSpec = { initContainers: [sidecar('proxy')], containers: [c('app', { cpu: '250m', memory: '256Mi' })] };
    const r = fargateResources(spec, size(spec), false);
    expect(r.initContainers).toEqual({});
    expect(r.notes).toEqual([
      'sidecar "proxy" requests no cpu; it is left without a cpu limit, so the pod is Burstable rather than Guaranteed',
      'sidecar "proxy" requests no memory; it is left without a memory limit, so the pod is Burstable rather than Guaranteed',
    ]);
  });
});

describe('an ECS task size', () => {
  it.each<[number, number, string | undefined]>([
    [1024, 2048, '1024/2048'],
    [256, 512, '256/512'],
    [16384, 122880, '16384/122880'],
    [1024, 1024, undefined], // not in the Fargate table: the pod is sized as EKS does
    [300, 600, undefined],
  ])('cpu %d, memory %d → annotation %s', (cpu, memory, value) => {
    expect(taskSizeAnnotation(cpu, memory)).toBe(value);
  });

  it('is the size verbatim', () => {
    expect(taskSizeOf('1024/2048')).toEqual({ vcpu: 1, memoryGB: 2, cpuMillis: 1000, memoryMiB: 2048, capacityProvisioned: '1vCPU 2GB' });
  });

  it('holds a pod whose containers fit, and refuses one that does not', () => {
    const size = taskSizeOf('1024/2048');
    if ('error' in size) throw new Error(size.error);
    expect(sizePod({ containers: [c('app', { cpu: '1', memory: '2Gi' })] }, size)).toMatchObject({ ok: true, size });
    expect(sizePod({ containers: [c('app', { cpu: '1', memory: '3Gi' })] }, size)).toMatchObject({ ok: false, rule: 'SizeExceeded' });
  });
});
