import type { ContainerDefinition, PortMapping } from '../../api/container.js';
import type { Service as KubeService, ServicePort } from '../../api/kube.js';
import type { Service } from '../../api/service.js';
import type { TaskDefinitionSpec } from '../../api/taskdefinition.js';
import type { IgnoredField } from '../findings.js';
import { dnsName } from '../names.js';
import { appProtocolOf, isPortName } from '../ports.js';
import { childMetadata } from './metadata.js';
import { kubeServiceName, selectorLabels } from './names.js';

// loadBalancers, serviceRegistries and Service Connect → one Kubernetes Service <service>, which
// spreads traffic over the tasks of every deployment (a target group holds the tasks of the old
// and the new deployment alike during a rollout). Ports, in order, without duplicates:
//
//   loadBalancers[]        containerName/containerPort → port = targetPort = containerPort
//   serviceRegistries[]    containerName/containerPort, or port (SRV records) → that port
//   serviceConnect         services[].portName → the named portMapping; the first clientAlias
//                          port is the Service port
//
// A port is named after its portMapping's name when that is a valid port name, else
// <container>-<port>. When nothing names a port (Cloud Map A records only), every port mapping of
// the task is exposed; with no port at all the Service is headless, so DNS returns the tasks'
// addresses as Cloud Map would. type is ClusterIP unless spec.kubernetes.serviceType asks for
// LoadBalancer.

export interface KubeServiceRender {
  service?: KubeService;
  ignored: IgnoredField[];
}

type Spec = Pick<Service['spec'], 'loadBalancers' | 'serviceRegistries' | 'serviceConnectConfiguration' | 'kubernetes'>;

export function renderKubeService(svc: Pick<Service, 'metadata' | 'spec'>, task: TaskDefinitionSpec, labels: Record<string, string>): KubeServiceRender {
  const spec: Spec = svc.spec;
  const loadBalancers = spec.loadBalancers ?? [];
  const registries = spec.serviceRegistries ?? [];
  const connect = spec.serviceConnectConfiguration?.enabled ? (spec.serviceConnectConfiguration.services ?? []) : [];
  if (loadBalancers.length === 0 && registries.length === 0 && connect.length === 0) return { ignored: [] };

  const ignored: IgnoredField[] = [];
  const ports: ServicePort[] = [];
  const add = (port: ServicePort) => {
    if (!ports.some((p) => p.port === port.port && p.protocol === port.protocol)) ports.push(port);
  };

  loadBalancers.forEach((lb, i) => {
    if (lb.containerName === undefined || lb.containerPort === undefined) return;
    add(containerPort(task, lb.containerName, lb.containerPort, `spec.loadBalancers[${i}]`, ignored));
  });
  registries.forEach((r, i) => {
    if (r.containerName !== undefined && r.containerPort !== undefined) add(containerPort(task, r.containerName, r.containerPort, `spec.serviceRegistries[${i}]`, ignored));
    else if (r.port !== undefined) add({ name: `port-${r.port}`, protocol: 'TCP', port: r.port, targetPort: r.port });
  });
  connect.forEach((s, i) => {
    const found = findNamed(task, s.portName);
    if (!found) {
      ignored.push({ path: `spec.serviceConnectConfiguration.services[${i}].portName`, reason: `no portMapping of the task definition is named "${s.portName}"` });
      return;
    }
    const port = servicePort(found.container, found.mapping);
    add({ ...port, name: dnsName(s.discoveryName ?? s.portName), port: s.clientAliases?.[0]?.port ?? port.port });
  });
  if (ports.length === 0) {
    for (const def of task.containerDefinitions) for (const m of def.portMappings ?? []) if (m.containerPort !== undefined) add(servicePort(def, m));
  }

  const type = spec.kubernetes?.serviceType ?? 'ClusterIP';
  const headless = ports.length === 0 && type === 'ClusterIP';
  return {
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: childMetadata(svc, kubeServiceName(svc), labels),
      spec: {
        type,
        ...(headless ? { clusterIP: 'None' } : {}),
        selector: selectorLabels(svc),
        ...(ports.length > 0 ? { ports: uniqueNames(ports) } : {}),
      },
    },
    ignored,
  };
}

function containerPort(task: TaskDefinitionSpec, containerName: string, port: number, path: string, ignored: IgnoredField[]): ServicePort {
  const def = task.containerDefinitions.find((d) => d.name === containerName);
  const mapping = def?.portMappings?.find((m) => m.containerPort === port);
  if (def && mapping) return servicePort(def, mapping);
  ignored.push({
    path,
    reason: def ? `container "${containerName}" has no portMapping for containerPort ${port}; the port is exposed anyway` : `the task definition has no container "${containerName}"; port ${port} is exposed anyway`,
  });
  return { name: `${dnsName(containerName, 40)}-${port}`, protocol: 'TCP', port, targetPort: port };
}

function servicePort(def: ContainerDefinition, mapping: PortMapping): ServicePort {
  const port = mapping.containerPort ?? 0;
  const out: ServicePort = {
    name: mapping.name && isPortName(mapping.name) ? mapping.name : `${dnsName(def.name, 40)}-${port}`,
    protocol: mapping.protocol === 'udp' ? 'UDP' : 'TCP',
    port,
    targetPort: port,
  };
  const appProtocol = appProtocolOf(mapping);
  if (appProtocol) out.appProtocol = appProtocol;
  return out;
}

function findNamed(task: TaskDefinitionSpec, portName: string): { container: ContainerDefinition; mapping: PortMapping } | undefined {
  for (const container of task.containerDefinitions) {
    const mapping = (container.portMappings ?? []).find((m) => m.name === portName && m.containerPort !== undefined);
    if (mapping) return { container, mapping };
  }
  return undefined;
}

// Port names must be unique within a Service; a repeated name gets the port number appended.
function uniqueNames(ports: ServicePort[]): ServicePort[] {
  const seen = new Set<string>();
  return ports.map((p) => {
    let name = p.name ?? `port-${p.port}`;
    if (seen.has(name)) name = dnsName(`${name}-${p.port}-${p.protocol?.toLowerCase() ?? 'tcp'}`);
    seen.add(name);
    return { ...p, name };
  });
}
