import { describe, expect, test } from '@jest/globals';
import type { ServiceSpec } from '../../../src/api/service.js';
import { serviceFindings } from '../../../src/convert/service-findings.js';

const base: ServiceSpec = { taskDefinition: 'web' };

describe('CreateService fields Berth does not honour', () => {
  test.each<[string, Partial<ServiceSpec>, string[]]>([
    ['nothing set', {}, []],
    [
      'the deployment model of blue/green, linear and canary deployments',
      {
        deploymentConfiguration: {
          strategy: 'CANARY',
          bakeTimeInMinutes: 10,
          canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 3 },
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'] }],
        },
        loadBalancers: [{ containerName: 'web', containerPort: 80, advancedConfiguration: { alternateTargetGroupArn: 'arn:tg-green' } }],
      },
      [
        '$.loadBalancers[0].advancedConfiguration',
        '$.deploymentConfiguration.strategy',
        '$.deploymentConfiguration.bakeTimeInMinutes',
        '$.deploymentConfiguration.lifecycleHooks',
        '$.deploymentConfiguration.canaryConfiguration',
      ],
    ],
    ['strategy ROLLING, what Berth runs', { deploymentConfiguration: { strategy: 'ROLLING' } }, []],
    ['honoured fields', { desiredCount: 3, launchType: 'EC2', healthCheckGracePeriodSeconds: 30, propagateTags: 'SERVICE', tags: [{ key: 'a', value: 'b' }] }, []],
    ['off values', { enableExecuteCommand: false, enableECSManagedTags: false, loadBalancers: [], serviceRegistries: [], availabilityZoneRebalancing: 'DISABLED' }, []],
    ['platformVersion', { platformVersion: 'LATEST' }, ['$.platformVersion']],
    ['role and clientToken', { role: 'ecsServiceRole', clientToken: 'x' }, ['$.clientToken', '$.role']],
    ['zone rebalancing', { availabilityZoneRebalancing: 'ENABLED' }, ['$.availabilityZoneRebalancing']],
    ['alarms in use', { deploymentConfiguration: { alarms: { alarmNames: ['high-5xx'], enable: true, rollback: true } } }, ['$.deploymentConfiguration.alarms']],
    ['alarms switched off', { deploymentConfiguration: { alarms: { alarmNames: [], enable: false, rollback: false } } }, []],
    ['CODE_DEPLOY', { deploymentController: { type: 'CODE_DEPLOY' } }, ['$.deploymentController.type']],
    ['ECS controller', { deploymentController: { type: 'ECS' } }, []],
    [
      'target groups and a port-only load balancer',
      { loadBalancers: [{ containerName: 'app', containerPort: 80 }, { targetGroupArn: 'arn:tg', containerName: 'app', containerPort: 81 }] },
      ['$.loadBalancers[1]'],
    ],
    ['Cloud Map', { serviceRegistries: [{ registryArn: 'arn:aws:servicediscovery:r:1:service/srv-1' }] }, ['$.serviceRegistries[0].registryArn']],
    ['awsvpc', { networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } } }, ['$.networkConfiguration']],
    ['managed tags and exec', { enableECSManagedTags: true, enableExecuteCommand: true }, ['$.enableECSManagedTags', '$.enableExecuteCommand']],
    ['Service Connect', { serviceConnectConfiguration: { enabled: true, namespace: 'shop' } }, ['$.serviceConnectConfiguration']],
    ['Service Connect off', { serviceConnectConfiguration: { enabled: false } }, []],
    ['VPC Lattice', { vpcLatticeConfigurations: [{ roleArn: 'r', targetGroupArn: 't', portName: 'http' }] }, ['$.vpcLatticeConfigurations']],
    ['managed EBS', { volumeConfigurations: [{ name: 'data', managedEBSVolume: { roleArn: 'r', sizeInGiB: 10 } }] }, ['$.volumeConfigurations[0].managedEBSVolume']],
    [
      'a placement strategy on Fargate capacity providers',
      { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }], placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] },
      ['$.placementStrategy'],
    ],
    [
      'a placement strategy on node pools',
      { capacityProviderStrategy: [{ capacityProvider: 'pool-a', weight: 1 }], placementStrategy: [{ type: 'spread', field: 'instanceId' }] },
      [],
    ],
  ])('%s', (_name, fields, paths) => {
    const findings = serviceFindings({ ...base, ...fields });
    expect(findings.map((f) => f.path)).toEqual(paths);
    for (const f of findings) expect(f.reason).toMatch(/^(not honoured|not needed|approximated): /);
  });
});
