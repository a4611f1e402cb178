import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_NODE_POOLS, loadNodePools, renderNodes, renderRuntimeClass, resizePools } from '../../../src/local/nodepools.js';

describe('node pools', () => {
  const nodes = renderNodes(DEFAULT_NODE_POOLS) as any[];
  const labels = (n: any) => n.metadata.labels;

  test('the default has 6 ordinary nodes over three zones and 4 tainted isolated nodes', () => {
    const ordinary = nodes.filter((n) => labels(n)['ecs.berth.dev/pool'] === 'general');
    const isolated = nodes.filter((n) => labels(n)['ecs.berth.dev/pool'] === 'isolated');
    expect(ordinary).toHaveLength(6);
    expect(isolated).toHaveLength(4);
    expect(new Set(ordinary.map((n) => labels(n)['topology.kubernetes.io/zone']))).toEqual(new Set(['zone-a', 'zone-b', 'zone-c']));
    expect(ordinary.every((n) => !n.spec.taints)).toBe(true);
    expect(isolated.every((n) => n.spec.taints[0].key === 'ecs.berth.dev/isolated')).toBe(true);
    expect(isolated.map((n) => labels(n)['ecs.berth.dev/capacity-type'])).toEqual(['on-demand', 'spot', 'on-demand', 'spot']);
  });

  test.each([
    ['general-2', { 'kubernetes.io/arch': 'arm64', 'node.kubernetes.io/instance-type': 'c6g.xlarge', 'topology.kubernetes.io/zone': 'zone-c' }],
    ['general-5', { 'kubernetes.io/arch': 'amd64', 'node.kubernetes.io/instance-type': 'g4dn.xlarge', 'topology.kubernetes.io/zone': 'zone-c' }],
    ['general-0', { 'kubernetes.io/hostname': 'general-0', 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/zone': 'zone-a' }],
  ])('%s is labelled %j', (name, expected) => {
    expect(labels(nodes.find((n) => n.metadata.name === name))).toEqual(expect.objectContaining(expected));
  });

  test('GPU instance types report nvidia.com/gpu capacity; others do not', () => {
    const gpu = nodes.find((n) => n.metadata.name === 'general-5');
    expect(gpu.status.capacity['nvidia.com/gpu']).toBe('1');
    expect(nodes.find((n) => n.metadata.name === 'general-0').status.capacity['nvidia.com/gpu']).toBeUndefined();
  });

  test('every node is marked for kwok so real nodes are never managed', () => {
    expect(nodes.every((n) => n.metadata.annotations['kwok.x-k8s.io/node'] === 'fake')).toBe(true);
  });

  test('resizing changes only the counts of the chosen kind of pool', () => {
    const resized = resizePools(DEFAULT_NODE_POOLS, 300, 0);
    expect(resized.pools.map((p) => [p.name, p.count])).toEqual([['general', 300], ['isolated', 0]]);
    expect(renderNodes(resized)).toHaveLength(300);
  });

  test('the RuntimeClass schedules onto the isolated pool and tolerates its taint', () => {
    expect(renderRuntimeClass(['isolated'])).toEqual(expect.objectContaining({
      handler: 'berth-isolated',
      scheduling: {
        nodeSelector: { 'ecs.berth.dev/pool': 'isolated' },
        tolerations: [{ key: 'ecs.berth.dev/isolated', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
      },
    }));
  });

  test('a pool file with a bad field is refused with its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-pools-'));
    const file = join(dir, 'pools.yaml');
    writeFileSync(file, 'pools:\n- name: Bad_Name\n  count: 1\n  zones: [a]\n  instanceTypes: [{name: m5.large}]\n');
    expect(() => loadNodePools(file)).toThrow(/pools\.yaml: pools\.0\.name: a pool name is a DNS label/);
    writeFileSync(file, 'pools:\n- name: small\n  count: 2\n  zones: [a]\n  instanceTypes: [{name: t3.small, cpu: "2", memory: 2Gi}]\n');
    expect(renderNodes(loadNodePools(file))).toHaveLength(2);
  });
});
