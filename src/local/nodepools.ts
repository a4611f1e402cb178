import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

/** Labels and taints the fake node pools carry; the RuntimeClass and FargateProfiles rely on them. */
export const POOL_LABEL = 'ecs.berth.dev/pool';
export const CAPACITY_TYPE_LABEL = 'ecs.berth.dev/capacity-type';
export const ISOLATED_TAINT = { key: 'ecs.berth.dev/isolated', value: 'true', effect: 'NoSchedule' } as const;
export const ISOLATED_RUNTIME_CLASS = 'berth-isolated';
/** kwok manages only nodes with this annotation, so real nodes of a shared cluster are never touched. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

const instanceType = z.object({
  name: z.string().min(1),
  arch: z.enum(['amd64', 'arm64']).default('amd64'),
  cpu: z.string().default('4'),
  memory: z.string().default('16Gi'),
  gpus: z.number().int().min(0).default(0),
  pods: z.number().int().min(1).default(110),
});

const pool = z.object({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a pool name is a DNS label'),
  count: z.number().int().min(0),
  zones: z.array(z.string().min(1)).min(1),
  /** Cycled over the pool's nodes, so a pool mixes them in this order. */
  instanceTypes: z.array(instanceType).min(1),
  /** Isolated pools are tainted and reached only through the `berth-isolated` RuntimeClass. */
  isolated: z.boolean().default(false),
  /** Every n-th node of the pool is labelled as spot capacity (0: none). */
  spotEvery: z.number().int().min(0).default(0),
});

export const nodePoolsSchema = z.object({ pools: z.array(pool).min(1) });
export type NodePools = z.infer<typeof nodePoolsSchema>;
export type NodePool = NodePools['pools'][number];

const ZONES = ['zone-a', 'zone-b', 'zone-c'];

export const DEFAULT_NODE_POOLS: NodePools = nodePoolsSchema.parse({
  pools: [
    {
      name: 'general',
      count: 6,
      zones: ZONES,
      instanceTypes: [
        { name: 'm5.xlarge', arch: 'amd64', cpu: '4', memory: '16Gi' },
        { name: 'm5.xlarge', arch: 'amd64', cpu: '4', memory: '16Gi' },
        { name: 'c6g.xlarge', arch: 'arm64', cpu: '4', memory: '8Gi' },
        { name: 'm5.xlarge', arch: 'amd64', cpu: '4', memory: '16Gi' },
        { name: 'm5.xlarge', arch: 'amd64', cpu: '4', memory: '16Gi' },
        { name: 'g4dn.xlarge', arch: 'amd64', cpu: '4', memory: '16Gi', gpus: 1 },
      ],
    },
    {
      name: 'isolated',
      count: 4,
      zones: ZONES,
      instanceTypes: [{ name: 'fargate', arch: 'amd64', cpu: '16', memory: '120Gi' }],
      isolated: true,
      spotEvery: 2,
    },
  ],
});

/** Reads a node pool file (YAML, same shape as DEFAULT_NODE_POOLS), naming the bad field on error. */
export function loadNodePools(file: string): NodePools {
  const result = nodePoolsSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return result.data;
}

/** Scales the default pools: `ordinary` nodes spread over the ordinary pools, `isolated` likewise. */
export function resizePools(pools: NodePools, ordinary?: number, isolated?: number): NodePools {
  return {
    pools: pools.pools.map((p) => {
      const wanted = p.isolated ? isolated : ordinary;
      return wanted === undefined ? p : { ...p, count: wanted };
    }),
  };
}

/** The Node objects of every pool, with the labels, taints and capacity kwok will report. */
export function renderNodes(pools: NodePools): object[] {
  return pools.pools.flatMap((p) =>
    Array.from({ length: p.count }, (_, i) => {
      const type = p.instanceTypes[i % p.instanceTypes.length];
      const name = `${p.name}-${i}`;
      const capacity: Record<string, string> = { cpu: type.cpu, memory: type.memory, pods: String(type.pods) };
      if (type.gpus > 0) capacity['nvidia.com/gpu'] = String(type.gpus);
      const labels: Record<string, string> = {
        'kubernetes.io/hostname': name,
        'kubernetes.io/arch': type.arch,
        'kubernetes.io/os': 'linux',
        'topology.kubernetes.io/zone': p.zones[i % p.zones.length],
        'node.kubernetes.io/instance-type': type.name,
        [POOL_LABEL]: p.name,
        [CAPACITY_TYPE_LABEL]: p.spotEvery > 0 && (i + 1) % p.spotEvery === 0 ? 'spot' : 'on-demand',
        type: 'kwok',
      };
      return {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels, annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' } },
        spec: p.isolated ? { taints: [ISOLATED_TAINT] } : {},
        status: {
          capacity,
          allocatable: capacity,
          nodeInfo: {
            architecture: type.arch, operatingSystem: 'linux', kubeletVersion: 'fake', kubeProxyVersion: 'fake',
            bootID: '', containerRuntimeVersion: '', kernelVersion: '', machineID: '', osImage: '', systemUUID: '',
          },
          phase: 'Running',
        },
      };
    }),
  );
}

/**
 * The RuntimeClass in front of the isolated pool. Kubernetes' RuntimeClass admission merges its
 * `scheduling` into every pod that names it, which is what lands those pods on the tainted nodes.
 */
export function renderRuntimeClass(isolatedPools: string[]): object {
  return {
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: { name: ISOLATED_RUNTIME_CLASS, labels: { 'app.kubernetes.io/managed-by': 'berth' } },
    handler: ISOLATED_RUNTIME_CLASS,
    scheduling: {
      nodeSelector: { [POOL_LABEL]: isolatedPools[0] ?? 'isolated' },
      tolerations: [{ key: ISOLATED_TAINT.key, operator: 'Equal', value: ISOLATED_TAINT.value, effect: ISOLATED_TAINT.effect }],
    },
  };
}
