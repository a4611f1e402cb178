import { isEssential, type ContainerDefinition } from './container.js';
import { holds, list, type Path, type Rule } from './rules.js';
import type { TaskDefinitionSpecShape } from './taskdefinition.js';
import { celCpuUnits, celIsFargateSize, celMemoryMiB, describeFargateSizes, isFargateSize, parseCpu, parseMemory } from './values.js';

// Rules of a TaskDefinition spec that need only the spec. Each has its CEL form (checked by the
// apiserver at admission) and its TypeScript form (checked offline); see rules.ts.

type Spec = TaskDefinitionSpecShape;

const FARGATE = "has(self.requiresCompatibilities) && 'FARGATE' in self.requiresCompatibilities";

function onFargate(spec: Spec): boolean {
  return list(spec.requiresCompatibilities).includes('FARGATE');
}

/** Paths of every element of every container's list for which `bad` holds. */
function eachContainerItem<T>(
  spec: Spec,
  field: 'dependsOn' | 'mountPoints' | 'volumesFrom' | 'portMappings',
  bad: (item: T, container: ContainerDefinition) => boolean,
  leaf: string,
): Path[] {
  const out: Path[] = [];
  spec.containerDefinitions.forEach((c, i) => {
    (list(c[field] as readonly T[] | undefined)).forEach((item, j) => {
      if (bad(item, c)) out.push(['containerDefinitions', i, field, j, leaf]);
    });
  });
  return out;
}

function containerNamed(spec: Spec, name: string): ContainerDefinition | undefined {
  return spec.containerDefinitions.find((c) => c.name === name);
}

/** Indexes of containers that lie on a dependsOn cycle (of any length). */
export function containersOnDependencyCycles(containers: readonly Pick<ContainerDefinition, 'name' | 'dependsOn'>[]): number[] {
  const next = (name: string) => list(containers.find((c) => c.name === name)?.dependsOn).map((d) => d.containerName);
  const reaches = (from: string, target: string): boolean => {
    const seen = new Set<string>();
    const stack = next(from);
    while (stack.length > 0) {
      const name = stack.pop() as string;
      if (name === target) return true;
      if (seen.has(name)) continue;
      seen.add(name);
      stack.push(...next(name));
    }
    return false;
  };
  return containers.flatMap((c, i) => (reaches(c.name, c.name) ? [i] : []));
}

/** The longest dependsOn cycle the CRD's CEL rule detects. */
export const MAX_CEL_CYCLE = 4;

/** The names a container's dependsOn lists, in CEL. */
function celDeps(container: string): string {
  return `${container}.dependsOn.map(x, x.containerName)`;
}

/**
 * CEL that holds when no dependsOn cycle of 2 to `longest` containers exists: for each length k,
 * no chain c0 → c1 → … → c(k-1) → c0. Self-dependencies have their own rule.
 */
export function celNoDependencyCycles(longest: number): string {
  const cycleOf = (k: number): string => {
    const link = (i: number): string => {
      const here = `c${i}`;
      const close = i === k - 1 ? `c0.name in ${celDeps(here)}` : link(i + 1);
      return `self.containerDefinitions.exists(${here}, has(${here}.dependsOn) && ${here}.name in ${celDeps(`c${i - 1}`)} && ${close})`;
    };
    return `!self.containerDefinitions.exists(c0, has(c0.dependsOn) && ${link(1)})`;
  };
  const lengths = Array.from({ length: longest - 1 }, (_, i) => i + 2);
  return lengths.map(cycleOf).join(' && ');
}

export const taskDefinitionSpecRules: Rule<Spec>[] = [
  {
    cel: 'self.containerDefinitions.exists(c, !has(c.essential) || c.essential)',
    message: 'spec.containerDefinitions: at least one container must be essential (essential defaults to true)',
    find: (s) => (s.containerDefinitions.some(isEssential) ? [] : [['containerDefinitions']]),
  },
  {
    cel: 'self.containerDefinitions.all(c, self.containerDefinitions.exists_one(d, d.name == c.name))',
    message: 'spec.containerDefinitions[].name must be unique within the task definition',
    find: (s) =>
      s.containerDefinitions.flatMap((c, i) =>
        s.containerDefinitions.findIndex((d) => d.name === c.name) < i ? [['containerDefinitions', i, 'name']] : [],
      ),
  },
  {
    cel: 'self.containerDefinitions.all(c, !has(c.dependsOn) || c.dependsOn.all(d, self.containerDefinitions.exists(e, e.name == d.containerName)))',
    message: 'spec.containerDefinitions[].dependsOn[].containerName must name a container of this task definition',
    find: (s) => eachContainerItem<{ containerName: string }>(s, 'dependsOn', (d) => !containerNamed(s, d.containerName), 'containerName'),
  },
  {
    // `[c.name].all(n, …)` binds the name: the apiserver's cost estimator loses the size of c.name
    // inside a loop over c's own list and would price the rule far above its real cost.
    cel: 'self.containerDefinitions.all(c, !has(c.dependsOn) || [c.name].all(n, c.dependsOn.all(d, d.containerName != n)))',
    message: 'spec.containerDefinitions[].dependsOn: a container cannot depend on itself',
    find: (s) => eachContainerItem<{ containerName: string }>(s, 'dependsOn', (d, c) => d.containerName === c.name, 'containerName'),
  },
  {
    // CEL can afford cycles of up to MAX_CEL_CYCLE containers within the apiserver's cost budget
    // (each extra container multiplies the cost by ten); offline validation and the controller find
    // cycles of any length.
    cel: celNoDependencyCycles(MAX_CEL_CYCLE),
    message: 'spec.containerDefinitions[].dependsOn must not form a cycle',
    find: (s) => containersOnDependencyCycles(s.containerDefinitions).map((i) => ['containerDefinitions', i, 'dependsOn']),
  },
  {
    cel:
      "self.containerDefinitions.all(c, !has(c.dependsOn) || c.dependsOn.all(d, !(d.condition in ['COMPLETE', 'SUCCESS']) || " +
      '!self.containerDefinitions.exists(e, e.name == d.containerName && (!has(e.essential) || e.essential))))',
    message: 'spec.containerDefinitions[].dependsOn[].condition COMPLETE or SUCCESS needs a non-essential target container (essential: false)',
    find: (s) =>
      eachContainerItem<{ containerName: string; condition: string }>(
        s,
        'dependsOn',
        (d) => ['COMPLETE', 'SUCCESS'].includes(d.condition) && isEssential(containerNamed(s, d.containerName) ?? { essential: false }),
        'condition',
      ),
  },
  {
    cel:
      "self.containerDefinitions.all(c, !has(c.dependsOn) || c.dependsOn.all(d, d.condition != 'HEALTHY' || " +
      '!self.containerDefinitions.exists(e, e.name == d.containerName && !has(e.healthCheck))))',
    message: 'spec.containerDefinitions[].dependsOn[].condition HEALTHY needs a target container with a healthCheck',
    find: (s) =>
      eachContainerItem<{ containerName: string; condition: string }>(
        s,
        'dependsOn',
        (d) => d.condition === 'HEALTHY' && containerNamed(s, d.containerName) !== undefined && containerNamed(s, d.containerName)?.healthCheck === undefined,
        'condition',
      ),
  },
  {
    cel:
      'self.containerDefinitions.all(c, !has(c.mountPoints) || c.mountPoints.all(m, !has(m.sourceVolume) || ' +
      '(has(self.volumes) && self.volumes.exists(v, v.name == m.sourceVolume))))',
    message: 'spec.containerDefinitions[].mountPoints[].sourceVolume must name a volume in spec.volumes',
    find: (s) =>
      eachContainerItem<{ sourceVolume?: string }>(
        s,
        'mountPoints',
        (m) => m.sourceVolume !== undefined && !list(s.volumes).some((v) => v.name === m.sourceVolume),
        'sourceVolume',
      ),
  },
  {
    cel:
      'self.containerDefinitions.all(c, !has(c.volumesFrom) || [c.name].all(n, c.volumesFrom.all(f, !has(f.sourceContainer) || ' +
      '(f.sourceContainer != n && self.containerDefinitions.exists(e, e.name == f.sourceContainer)))))',
    message: 'spec.containerDefinitions[].volumesFrom[].sourceContainer must name another container of this task definition',
    find: (s) =>
      eachContainerItem<{ sourceContainer?: string }>(
        s,
        'volumesFrom',
        (f, c) => f.sourceContainer !== undefined && (f.sourceContainer === c.name || !containerNamed(s, f.sourceContainer)),
        'sourceContainer',
      ),
  },
  {
    cel: 'has(self.memory) || self.containerDefinitions.all(c, has(c.memory) || has(c.memoryReservation))',
    message: 'spec.containerDefinitions[]: without a task-level spec.memory, every container needs memory or memoryReservation',
    find: (s) =>
      s.memory !== undefined
        ? []
        : s.containerDefinitions.flatMap((c, i) => (c.memory === undefined && c.memoryReservation === undefined ? [['containerDefinitions', i]] : [])),
  },
  {
    cel:
      "!has(self.networkMode) || !(self.networkMode in ['awsvpc', 'host']) || self.containerDefinitions.all(c, !has(c.portMappings) || " +
      'c.portMappings.all(p, !has(p.hostPort) || !has(p.containerPort) || p.hostPort == p.containerPort))',
    message: 'spec.containerDefinitions[].portMappings[].hostPort must be omitted or equal containerPort with networkMode awsvpc or host',
    find: (s) =>
      s.networkMode !== 'awsvpc' && s.networkMode !== 'host'
        ? []
        : eachContainerItem<{ hostPort?: number; containerPort?: number }>(
            s,
            'portMappings',
            (p) => p.hostPort !== undefined && p.containerPort !== undefined && p.hostPort !== p.containerPort,
            'hostPort',
          ),
  },
  {
    cel: '!has(self.proxyConfiguration) || self.containerDefinitions.exists(c, c.name == self.proxyConfiguration.containerName)',
    message: 'spec.proxyConfiguration.containerName must name a container of this task definition',
    find: (s) =>
      s.proxyConfiguration === undefined || containerNamed(s, s.proxyConfiguration.containerName) ? [] : [['proxyConfiguration', 'containerName']],
  },
  {
    cel: '!has(self.kubernetes) || !has(self.kubernetes.volumes) || self.kubernetes.volumes.all(k, has(self.volumes) && self.volumes.exists(v, v.name == k.name))',
    message: 'spec.kubernetes.volumes[].name must name a volume in spec.volumes',
    find: (s) =>
      list(s.kubernetes?.volumes).flatMap((k, i) => (list(s.volumes).some((v) => v.name === k.name) ? [] : [['kubernetes', 'volumes', i, 'name']])),
  },
  {
    cel: `!(${FARGATE}) || (has(self.networkMode) && self.networkMode == 'awsvpc')`,
    message: 'spec.networkMode must be awsvpc when spec.requiresCompatibilities includes FARGATE',
    find: (s) => (onFargate(s) && s.networkMode !== 'awsvpc' ? [['networkMode']] : []),
  },
  {
    cel: `!(${FARGATE}) || (has(self.cpu) && has(self.memory))`,
    message: 'spec.cpu and spec.memory are required when spec.requiresCompatibilities includes FARGATE',
    find: (s) => (onFargate(s) && (s.cpu === undefined || s.memory === undefined) ? [[s.cpu === undefined ? 'cpu' : 'memory']] : []),
  },
  {
    // The int-or-string pattern has already checked both forms, so the CEL conversions cannot fail.
    cel:
      `!(${FARGATE}) || !has(self.cpu) || !has(self.memory) || ` +
      `[${celCpuUnits('self.cpu')}].all(c, [${celMemoryMiB('self.memory')}].all(m, ${celIsFargateSize('c', 'm')}))`,
    message: `spec.cpu and spec.memory must be a Fargate task size when spec.requiresCompatibilities includes FARGATE: ${describeFargateSizes()}`,
    find: (s) => {
      if (!onFargate(s) || s.cpu === undefined || s.memory === undefined) return [];
      return holds(isFargateSize(parseCpu(s.cpu), parseMemory(s.memory)));
    },
  },
  {
    cel: `!(${FARGATE}) || self.containerDefinitions.all(c, !has(c.privileged) || !c.privileged)`,
    message: 'spec.containerDefinitions[].privileged is not allowed when spec.requiresCompatibilities includes FARGATE',
    find: (s) => (onFargate(s) ? s.containerDefinitions.flatMap((c, i) => (c.privileged ? [['containerDefinitions', i, 'privileged']] : [])) : []),
  },
  {
    cel: `!(${FARGATE}) || !has(self.volumes) || self.volumes.all(v, (!has(v.host) || !has(v.host.sourcePath)) && !has(v.dockerVolumeConfiguration))`,
    message: 'spec.volumes[]: host.sourcePath and dockerVolumeConfiguration are not allowed when spec.requiresCompatibilities includes FARGATE',
    find: (s) =>
      onFargate(s)
        ? list(s.volumes).flatMap((v, i) =>
            v.host?.sourcePath !== undefined ? [['volumes', i, 'host', 'sourcePath']] : v.dockerVolumeConfiguration ? [['volumes', i, 'dockerVolumeConfiguration']] : [],
          )
        : [],
  },
  {
    cel: `!(${FARGATE}) || ((!has(self.pidMode) || self.pidMode != 'host') && (!has(self.ipcMode) || self.ipcMode != 'host'))`,
    message: 'spec.pidMode and spec.ipcMode cannot be host when spec.requiresCompatibilities includes FARGATE',
    find: (s) => (onFargate(s) ? (['pidMode', 'ipcMode'] as const).filter((f) => s[f] === 'host').map((f) => [f]) : []),
  },
];
