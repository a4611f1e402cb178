import type { ContainerDefinition, PortMapping } from '../api/container.js';
import type { ContainerPort } from '../api/kube.js';
import type { TaskDefinitionSpec } from '../api/taskdefinition.js';
import { containerPath, type IgnoredField } from './findings.js';

// A pod has one network namespace, like an awsvpc task, so containerPort is what matters.
// Host ports exist where ECS binds them on the instance: bridge mode with an explicit hostPort
// (0 or absent means a dynamic port, which Kubernetes does not have: the pod IP serves instead),
// and host mode, where the host port is the container port.

type NetworkMode = NonNullable<TaskDefinitionSpec['networkMode']>;

// IANA service name: what Kubernetes accepts as a port name.
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?=[a-z0-9]))*$/;

/** ECS's default network mode on Linux EC2 instances when none is given. */
export function networkModeOf(spec: Pick<TaskDefinitionSpec, 'networkMode'>): NetworkMode {
  return spec.networkMode ?? 'bridge';
}

export function renderPorts(def: ContainerDefinition, i: number, mode: NetworkMode, ignored: IgnoredField[]): ContainerPort[] {
  const out: ContainerPort[] = [];
  (def.portMappings ?? []).forEach((mapping, j) => {
    const path = containerPath(i, 'portMappings', j);
    if (mapping.containerPortRange !== undefined) {
      ignored.push({ path: `${path}.containerPortRange`, reason: 'not honoured: Kubernetes container ports are single ports' });
    }
    if (mapping.containerPort === undefined) return;

    const port: ContainerPort = { containerPort: mapping.containerPort };
    if (mapping.name !== undefined) {
      if (isPortName(mapping.name)) {
        port.name = mapping.name;
      } else {
        ignored.push({
          path: `${path}.name`,
          reason: 'not honoured: a Kubernetes port name is at most 15 lowercase letters, digits and single hyphens, with at least one letter',
        });
      }
    }
    const hostPort = hostPortOf(mapping, mode);
    if (hostPort !== undefined) port.hostPort = hostPort;
    port.protocol = mapping.protocol === 'udp' ? 'UDP' : 'TCP';
    out.push(port);
  });
  return out;
}

function hostPortOf(mapping: PortMapping, mode: NetworkMode): number | undefined {
  if (mode === 'host') return mapping.containerPort;
  if (mode === 'bridge' && mapping.hostPort) return mapping.hostPort;
  return undefined;
}

export function isPortName(name: string): boolean {
  return name.length <= 15 && PORT_NAME.test(name);
}

/**
 * The Kubernetes appProtocol of a port mapping, for the Service that exposes it (container
 * ports have no such field): http → "http", http2 → "kubernetes.io/h2c", grpc → "grpc".
 */
export function appProtocolOf(mapping: Pick<PortMapping, 'appProtocol'>): string | undefined {
  switch (mapping.appProtocol) {
    case 'http':
      return 'http';
    case 'http2':
      return 'kubernetes.io/h2c';
    case 'grpc':
      return 'grpc';
    default:
      return undefined;
  }
}
