import { list } from '../api/rules.js';
import type { ServiceSpec } from '../api/service.js';
import type { IgnoredField } from '../render/findings.js';

// CreateService fields Berth accepts but does not honour, or honours only approximately, each
// with its JSON path into the spec and what happens instead. Fields set to their "off" value
// (enableExecuteCommand: false, empty lists) say nothing and are not reported.

const FARGATE_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'];

export function serviceFindings(spec: ServiceSpec): IgnoredField[] {
  const out: IgnoredField[] = [];
  const note = (path: string, reason: string) => out.push({ path, reason });

  if (spec.platformVersion) note('$.platformVersion', 'not honoured: there are no Fargate platform versions; pods run on the nodes of the cluster');
  if (spec.role) note('$.role', 'not needed: Berth registers no load balancer targets, so it needs no service role');
  if (spec.clientToken) note('$.clientToken', 'not needed: applying the same Service twice is idempotent by name');
  if (spec.availabilityZoneRebalancing === 'ENABLED') {
    note('$.availabilityZoneRebalancing', 'not honoured: Berth does not move running tasks between zones; new tasks are spread by the placement strategy');
  }
  const alarms = spec.deploymentConfiguration?.alarms;
  if (alarms && (alarms.enable || alarms.rollback || alarms.alarmNames.length > 0)) {
    note('$.deploymentConfiguration.alarms', 'not honoured: there are no CloudWatch alarms; the circuit breaker is the only check of a deployment');
  }
  if (spec.deploymentController && spec.deploymentController.type !== 'ECS') {
    note('$.deploymentController.type', `not honoured: Berth runs every deployment as an ECS rolling update, not ${spec.deploymentController.type}`);
  }
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
  if (spec.networkConfiguration?.awsvpcConfiguration) {
    note('$.networkConfiguration', 'not honoured: pods use the cluster network; subnets, security groups and public IPs do not apply');
  }
  if (spec.enableECSManagedTags) {
    note('$.enableECSManagedTags', 'not honoured: no aws:ecs:* tags; the pods carry Berth\'s standard labels (ecs.berth.dev/service, ecs.berth.dev/family)');
  }
  if (spec.enableExecuteCommand) note('$.enableExecuteCommand', 'not needed: use kubectl exec');
  if (spec.serviceConnectConfiguration?.enabled) {
    note('$.serviceConnectConfiguration', 'approximated: no Service Connect proxy; named container ports become ports of the Kubernetes Service');
  }
  if (list(spec.vpcLatticeConfigurations).length > 0) note('$.vpcLatticeConfigurations', 'not honoured: there is no VPC Lattice');
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
