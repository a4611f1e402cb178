import type { ContainerDefinition } from '../../api/container.js';
import type { ContainerPort } from '../../api/kube.js';
import type { TaskDefinitionSpec } from '../../api/taskdefinition.js';
import { joinPath } from '../findings.js';
import { dnsName } from '../names.js';
import { shmVolumeName, tmpfsVolumeName } from '../volumes.js';

// Where a rendered value came from in the task definition, as the user wrote it: the checker
// asks at the point it finds a problem, and the answer goes first in the message
// ("spec.containerDefinitions[0].environment[2].name"). undefined when the value is Berth's own.

export interface ContainerSources {
  /** The container's name field. */
  name?: string;
  /** Any field of the container definition: "image", "user", "healthCheck". */
  field(name: string): string | undefined;
  /** The variable of that name: the last one set (secrets come after environment), as rendered. */
  env(name: string, part?: 'name' | 'valueFrom'): string | undefined;
  /** The port mapping a rendered container port came from. */
  port(port: ContainerPort): (field: 'containerPort' | 'hostPort' | 'name') => string | undefined;
  resource(name: string): string | undefined;
  mount(path: string): string | undefined;
}

export interface PodSources {
  container(name: string): ContainerSources;
  volume(name: string): string | undefined;
  hostAliasIp(ip: string): string | undefined;
  hostAliasName(hostname: string): string | undefined;
  hostname(): string | undefined;
  nameserver(ip: string): string | undefined;
  search(domain: string): string | undefined;
  sysctl(name: string): string | undefined;
  stopTimeout(): string | undefined;
  podResource(name: string): string | undefined;
  serviceAccountName(): string | undefined;
  placement(): string | undefined;
  annotations(): string | undefined;
}

const nothing = () => undefined;
const NO_CONTAINER: ContainerSources = { field: nothing, env: nothing, port: () => nothing, resource: nothing, mount: nothing };

export const NO_SOURCES: PodSources = {
  container: () => NO_CONTAINER,
  volume: nothing,
  hostAliasIp: nothing,
  hostAliasName: nothing,
  hostname: nothing,
  nameserver: nothing,
  search: nothing,
  sysctl: nothing,
  stopTimeout: nothing,
  podResource: nothing,
  serviceAccountName: nothing,
  placement: nothing,
  annotations: nothing,
};

export interface SourceOptions {
  /** Put before every path: "task definition web:3 " in a Service's messages. */
  prefix?: string;
  /** Where node selectors and affinity come from besides the runtime platform. */
  placement?: string;
}

/** The sources of a pod template rendered from `spec`. */
export function taskDefinitionSources(spec: TaskDefinitionSpec, options: SourceOptions = {}): PodSources {
  const at = (...parts: (string | number)[]) => `${options.prefix ?? ''}${joinPath(parts).replace(/^\$/, 'spec')}`;
  const defs = spec.containerDefinitions;
  const firstIn = <T>(pick: (d: ContainerDefinition) => readonly T[] | undefined, match: (x: T) => boolean, field: string, suffix?: string): string | undefined => {
    for (const [i, d] of defs.entries()) {
      const j = (pick(d) ?? []).findIndex(match);
      if (j !== -1) return suffix === undefined ? at('containerDefinitions', i, field, j) : at('containerDefinitions', i, field, j, suffix);
    }
    return undefined;
  };
  // Task cpu and memory spread over containers, and the task's ephemeral storage.
  const taskResource = (name: string) =>
    name === 'cpu' && spec.cpu !== undefined ? at('cpu') : name === 'memory' && spec.memory !== undefined ? at('memory') : name === 'ephemeral-storage' ? at('ephemeralStorage', 'sizeInGiB') : undefined;
  return {
    container: (name) => {
      const i = defs.findIndex((d) => dnsName(d.name) === name);
      return i === -1 ? NO_CONTAINER : containerSources(defs[i], (...parts) => at('containerDefinitions', i, ...parts), taskResource);
    },
    volume: (name) => {
      const j = (spec.volumes ?? []).findIndex((v) => dnsName(v.name) === name);
      if (j !== -1) return at('volumes', j, 'name');
      for (const [i, d] of defs.entries()) {
        const container = dnsName(d.name);
        const t = (d.linuxParameters?.tmpfs ?? []).findIndex((_, k) => tmpfsVolumeName(container, k) === name);
        if (t !== -1) return at('containerDefinitions', i, 'linuxParameters', 'tmpfs', t, 'size');
        if (d.linuxParameters?.sharedMemorySize !== undefined && shmVolumeName(container) === name) return at('containerDefinitions', i, 'linuxParameters', 'sharedMemorySize');
      }
      return undefined;
    },
    hostAliasIp: (ip) => (ip === '127.0.0.1' ? firstIn((d) => d.links, () => true, 'links') : undefined) ?? firstIn((d) => d.extraHosts, (h) => h.ipAddress === ip, 'extraHosts', 'ipAddress'),
    hostAliasName: (hostname) => firstIn((d) => d.extraHosts, (h) => h.hostname === hostname, 'extraHosts', 'hostname') ?? firstIn((d) => d.links, (l) => l.includes(hostname), 'links'),
    hostname: () => {
      const i = defs.findIndex((d) => d.hostname !== undefined);
      return i === -1 ? undefined : at('containerDefinitions', i, 'hostname');
    },
    nameserver: (ip) => firstIn((d) => d.dnsServers, (s) => s === ip, 'dnsServers'),
    search: (domain) => firstIn((d) => d.dnsSearchDomains, (s) => s === domain, 'dnsSearchDomains'),
    sysctl: (name) => firstIn((d) => d.systemControls, (s) => s.namespace === name, 'systemControls', 'namespace'),
    stopTimeout: () => {
      const i = defs.findIndex((d) => d.stopTimeout !== undefined);
      return i === -1 ? undefined : at('containerDefinitions', i, 'stopTimeout');
    },
    podResource: (name) => (name === 'cpu' ? at('cpu') : name === 'memory' ? at('memory') : undefined),
    serviceAccountName: () => (spec.kubernetes?.serviceAccountName !== undefined ? at('kubernetes', 'serviceAccountName') : spec.taskRoleArn !== undefined ? at('taskRoleArn') : undefined),
    placement: () => options.placement ?? (spec.placementConstraints ? at('placementConstraints') : undefined),
    annotations: () => {
      // The Docker labels are what can make annotations large; tags are at most 50 short pairs.
      const sizes = defs.map((d) => JSON.stringify(d.dockerLabels ?? {}).length);
      const largest = sizes.indexOf(Math.max(...sizes));
      return defs[largest]?.dockerLabels ? at('containerDefinitions', largest, 'dockerLabels') : spec.tags ? at('tags') : undefined;
    },
  };
}

function containerSources(def: ContainerDefinition, at: (...parts: (string | number)[]) => string, taskResource: (name: string) => string | undefined): ContainerSources {
  const environment = def.environment ?? [];
  return {
    name: at('name'),
    field: (name) => at(name),
    env: (name, part = 'name') => {
      const secret = (def.secrets ?? []).findLastIndex((e) => e.name === name);
      if (secret !== -1) return at('secrets', secret, part);
      const plain = environment.findLastIndex((e) => e.name === name);
      return plain === -1 ? undefined : at('environment', plain, part === 'name' ? 'name' : 'value');
    },
    port: (port) => (field) => {
      const mappings = def.portMappings ?? [];
      const j = mappings.findIndex((m) => m.containerPort === port.containerPort && (port.name === undefined || m.name === port.name));
      if (j === -1) return undefined;
      // In host mode the host port is the container port.
      return field === 'hostPort' && mappings[j].hostPort === undefined ? at('portMappings', j, 'containerPort') : at('portMappings', j, field);
    },
    resource: (name) => {
      if (name === 'cpu' && def.cpu) return at('cpu');
      if (name === 'memory' && (def.memory || def.memoryReservation)) return def.memory ? at('memory') : at('memoryReservation');
      const gpu = (def.resourceRequirements ?? []).findIndex((r) => r.type === 'GPU');
      if (name === 'nvidia.com/gpu' && gpu !== -1) return at('resourceRequirements', gpu, 'value');
      return taskResource(name);
    },
    mount: (path) => {
      const j = (def.mountPoints ?? []).findIndex((m) => m.containerPath === path);
      if (j !== -1) return at('mountPoints', j, 'containerPath');
      const t = (def.linuxParameters?.tmpfs ?? []).findIndex((m) => m.containerPath === path);
      if (t !== -1) return at('linuxParameters', 'tmpfs', t, 'containerPath');
      return path === '/dev/shm' && def.linuxParameters?.sharedMemorySize !== undefined ? at('linuxParameters', 'sharedMemorySize') : undefined;
    },
  };
}
