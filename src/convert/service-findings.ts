import { reportedFields, SERVICE_FIELDS } from '../api/ecs-fields.js';
import { list } from '../api/rules.js';
import type { ServiceSpec } from '../api/service.js';
import type { IgnoredField } from '../render/findings.js';

// CreateService fields Berth accepts but does not honour, or honours only approximately, each
// with its JSON path into the spec and what happens instead: the fields src/api/ecs-fields.ts
// reports with a reason, then those whose report depends on their value. Fields set to their
// "off" value (enableExecuteCommand: false, empty lists) say nothing and are not reported.

const FARGATE_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'];

export function serviceFindings(spec: ServiceSpec): IgnoredField[] {
  const out: IgnoredField[] = [];
  const note = (path: string, reason: string) => out.push({ path, reason });

  out.push(...reportedFields(spec, SERVICE_FIELDS));
  list(spec.loadBalancers).forEach((lb, i) => {
    if (lb.targetGroupArn || lb.loadBalancerName) {
      note(`$.loadBalancers[${i}]`, 'approximated: no Elastic Load Balancing; the container port becomes a port of the Kubernetes Service named after the Service');
    }
  });
  list(spec.serviceRegistries).forEach((registry, i) => {
    if (registry.registryArn) {
      note(`$.serviceRegistries[${i}].registryArn`, 'approximated: no Cloud Map registration; the tasks are found through the Kubernetes Service\'s cluster DNS name');
    }
  });
  if (spec.serviceConnectConfiguration?.enabled) {
    note('$.serviceConnectConfiguration', 'approximated: no Service Connect proxy; named container ports become ports of the Kubernetes Service');
  }
  list(spec.volumeConfigurations).forEach((volume, i) => {
    if (volume.managedEBSVolume) {
      note(
        `$.volumeConfigurations[${i}].managedEBSVolume`,
        'approximated: each task gets a fresh volume of sizeInGiB; the EBS settings (role, type, IOPS, throughput, encryption, snapshot, tags) are not honoured',
      );
    }
  });
  // ECS refuses placement strategies with Fargate; the API rules catch launchType FARGATE, but a
  // strategy of Fargate capacity providers reaches Fargate as well.
  const onFargateProviders = list(spec.capacityProviderStrategy).some((p) => FARGATE_PROVIDERS.includes(p.capacityProvider));
  if (onFargateProviders && list(spec.placementStrategy).length > 0) {
    note('$.placementStrategy', 'not honoured: tasks on FARGATE capacity providers are placed by Fargate profiles, which spread them over zones');
  }
  return out;
}
