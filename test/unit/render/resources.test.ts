import type { ContainerDefinition } from '../../../src/api/container.js';
import { RenderError } from '../../../src/render/findings.js';
import { container, containerNamed, ignoredPaths, render, task } from './helpers.js';

describe('container resources', () => {
  test.each<[string, Partial<ContainerDefinition>, object | undefined]>([
    ['nothing', {}, undefined],
    ['cpu is a request only (a share, not a cap)', { cpu: 256 }, { requests: { cpu: '250m' } }],
    ['cpu 0 is nothing', { cpu: 0 }, undefined],
    ['memory is the limit and the request', { memory: 512 }, { limits: { memory: '512Mi' }, requests: { memory: '512Mi' } }],
    ['memoryReservation is the request', { memoryReservation: 128 }, { requests: { memory: '128Mi' } }],
    ['both', { memory: 256, memoryReservation: 64 }, { limits: { memory: '256Mi' }, requests: { memory: '64Mi' } }],
    ['GPUs are nvidia.com/gpu limits', { resourceRequirements: [{ type: 'GPU', value: '2' }] }, { limits: { 'nvidia.com/gpu': '2' } }],
  ])('%s', (_, fields, expected) => {
    expect(containerNamed(render(task({}, container('app', fields))), 'app').resources).toEqual(expected);
  });

  test.each([
    ['a shared GPU (NVIDIA MPS)', { type: 'GPU' as const, sharingStrategy: { nvidiaMps: { memory: 4096 } } }, /GPU sharing/],
    ['Neuron devices', { type: 'NeuronDevice' as const, value: '1' }, /Neuron devices/],
  ])('%s are reported, and request nothing', (_name, requirement, reason) => {
    const out = render(task({}, container('app', { resourceRequirements: [requirement] })));
    expect(ignoredPaths(out)).toEqual(['$.containerDefinitions[0].resourceRequirements[0]']);
    expect(out.ignored.find((f) => f.path === '$.containerDefinitions[0].resourceRequirements[0]')?.reason).toMatch(reason);
    expect(containerNamed(out, 'app').resources?.limits?.['nvidia.com/gpu']).toBeUndefined();
  });

  test('inference accelerators are reported', () => {
    const out = render(task({}, container('app', { resourceRequirements: [{ type: 'InferenceAccelerator', value: 'dev1' }] })));
    expect(ignoredPaths(out)).toEqual(['$.containerDefinitions[0].resourceRequirements[0]']);
  });
});

describe('task cpu and memory', () => {
  const spec = task({ cpu: '1 vCPU', memory: '2GB' }, container('app', { cpu: 256 }), container('side', { essential: false }));

  test('become pod-level resources, requests = limits', () => {
    const out = render(spec);
    expect(out.template.spec.resources).toEqual({
      limits: { cpu: '1', memory: '2Gi' },
      requests: { cpu: '1', memory: '2Gi' },
    });
    expect(containerNamed(out, 'app').resources).toEqual({ requests: { cpu: '250m' } });
    expect(out.ignored.filter((f) => f.path === '$.cpu' || f.path === '$.memory')).toEqual([]);
  });

  test('only the ones set', () => {
    expect(render(task({ memory: 512 })).template.spec.resources).toEqual({ limits: { memory: '512Mi' }, requests: { memory: '512Mi' } });
  });

  test('without pod-level resources, what containers leave free goes to essential containers without their own', () => {
    const out = render(spec, { podLevelResources: false });
    expect(out.template.spec.resources).toBeUndefined();
    // cpu: app sets its own, so the 768 free units have no essential container to go to.
    expect(containerNamed(out, 'app').resources).toEqual({
      limits: { memory: '2Gi' },
      requests: { cpu: '250m', memory: '2Gi' },
    });
    expect(containerNamed(out, 'side').resources).toBeUndefined();
    expect(ignoredPaths(out)).toEqual(expect.arrayContaining(['$.cpu', '$.memory']));
    expect(out.ignored.find((f) => f.path === '$.cpu')?.reason).toMatch(/not enforced/);
  });

  test('spread shares are whole and add up to the task', () => {
    const out = render(task({ cpu: 1024, memory: 1000 }, container('a'), container('b'), container('c')), { podLevelResources: false });
    const cpu = ['a', 'b', 'c'].map((n) => containerNamed(out, n).resources?.requests?.cpu);
    const memory = ['a', 'b', 'c'].map((n) => containerNamed(out, n).resources?.limits?.memory);
    expect(cpu).toEqual(['334m', '334m', '334m']); // 342, 341, 341 units, each rounded up
    expect(memory).toEqual(['334Mi', '333Mi', '333Mi']);
  });

  test.each<[string, object, string]>([
    ['container cpu above the task', { cpu: '256', containerDefinitions: [container('a', { cpu: 512 })] }, '$.cpu'],
    ['reservations above the task', { memory: '512', containerDefinitions: [container('a', { memoryReservation: 300 }), container('b', { memory: 300 })] }, '$.memory'],
    ['a hard limit above the task', { memory: '512', containerDefinitions: [container('a', { memory: 1024, memoryReservation: 64 })] }, '$.containerDefinitions[0].memory'],
    ['a reservation above the limit', { containerDefinitions: [container('a', { memory: 64, memoryReservation: 128 })] }, '$.containerDefinitions[0].memoryReservation'],
    ['task cpu of more digits than a number keeps', { cpu: '9'.repeat(32) }, '$.cpu'],
    ['task memory of 2^53 GB', { memory: `${2 ** 53} GB` }, '$.memory'],
  ])('refused: %s', (_, spec, path) => {
    expect(() => render(task(spec))).toThrow(expect.objectContaining({ path }) as RenderError);
  });

  test('ephemeral storage is requested by the first essential container', () => {
    const out = render(task({ ephemeralStorage: { sizeInGiB: 50 } }, container('side', { essential: false }), container('app'), container('other')));
    expect(containerNamed(out, 'app').resources).toEqual({ requests: { 'ephemeral-storage': '50Gi' } });
    expect(containerNamed(out, 'side').resources).toBeUndefined();
    expect(containerNamed(out, 'other').resources).toBeUndefined();
  });
});
