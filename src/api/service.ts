import { z } from 'zod';
import { conditionsField } from './conditions.js';
import { ecsName, ecsTags, flag, int, intOrString, oneOf, strings, text, timestamp } from './fields.js';
import type { Resource } from './resource.js';
import { holds, withRules, type Path, type Rule } from './rules.js';
import {
  LoadBalancer,
  NetworkConfiguration,
  ServiceConnectConfiguration,
  ServiceRegistry,
  VolumeConfiguration,
  VpcLatticeConfiguration,
} from './service-connectivity.js';
import { serviceSpecRules } from './service-rules.js';
import { TASK_DEFINITION_REF_PATTERN } from './values.js';

// Service: the input of ECS CreateService, plus `autoScaling` (Application Auto Scaling target
// tracking) and `kubernetes`. A REPLICA service becomes a Deployment, a DAEMON one a DaemonSet.

export const SERVICE_KIND = 'Service';

export const CapacityProviderStrategyItem = z.strictObject({
  capacityProvider: z.string().min(1).max(255).describe('The capacity provider: FARGATE, FARGATE_SPOT or the name of a node pool.'),
  weight: int('The relative share of tasks placed with this provider once every base is met, 0 to 1000. Default 0.', 0, 1000).optional(),
  base: int('The minimum number of tasks placed with this provider, 0 to 100000. Only one provider of a strategy may have a base. Default 0.', 0, 100000).optional(),
});

export const ServicePlacementConstraint = withRules(
  z
    .strictObject({
      type: oneOf(['distinctInstance', 'memberOf'], 'distinctInstance: each task on a different node; memberOf: nodes matching expression.'),
      expression: text('A cluster query language expression; required for memberOf, not allowed for distinctInstance.', 2000).optional(),
    })
    .describe('A placement constraint. Becomes pod anti-affinity (distinctInstance) or node and pod affinity (memberOf).'),
  [
    {
      cel: "self.type != 'memberOf' || (has(self.expression) && self.expression != '')",
      message: 'spec.placementConstraints[].expression is required for type memberOf',
      find: (c) => (c.type === 'memberOf' && !c.expression ? [['expression']] : []),
    },
    {
      cel: "self.type != 'distinctInstance' || !has(self.expression)",
      message: 'spec.placementConstraints[].expression is not allowed for type distinctInstance',
      find: (c) => (c.type === 'distinctInstance' && c.expression !== undefined ? [['expression']] : []),
    },
  ],
);

export const PlacementStrategy = withRules(
  z
    .strictObject({
      type: oneOf(['random', 'spread', 'binpack'], 'random; spread (evenly over the values of field); binpack (fill nodes on the resource named by field).'),
      field: text('spread: instanceId (or host) or attribute:<name>, for example attribute:ecs.availability-zone; binpack: cpu or memory; random: none.', 255).optional(),
    })
    .describe('A best-effort placement strategy. spread becomes topology spread constraints; binpack a scheduling hint.'),
  [
    {
      cel: "self.type != 'random' || !has(self.field)",
      message: 'spec.placementStrategy[].field is not allowed for type random',
      find: (s) => (s.type === 'random' && s.field !== undefined ? [['field']] : []),
    },
    {
      cel: "self.type != 'spread' || (has(self.field) && self.field != '')",
      message: 'spec.placementStrategy[].field is required for type spread (instanceId, host or attribute:<name>)',
      find: (s) => (s.type === 'spread' && !s.field ? [['field']] : []),
    },
    {
      cel: "self.type != 'binpack' || (has(self.field) && self.field in ['cpu', 'memory'])",
      message: 'spec.placementStrategy[].field must be cpu or memory for type binpack',
      find: (s) => (s.type === 'binpack' && s.field !== 'cpu' && s.field !== 'memory' ? [['field']] : []),
    },
  ],
);

const DeploymentLifecycleHook = z.strictObject({
  targetType: oneOf(['AWS_LAMBDA', 'PAUSE'], 'AWS_LAMBDA (the default) invokes hookTargetArn; PAUSE waits for ContinueServiceDeployment.').optional(),
  hookTargetArn: text('The Lambda function of an AWS_LAMBDA hook.').optional(),
  roleArn: text('The IAM role ECS uses to invoke the function.').optional(),
  lifecycleStages: z
    .array(
      z.enum([
        'RECONCILE_SERVICE', 'PRE_SCALE_UP', 'POST_SCALE_UP', 'TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT',
        'PRE_PRODUCTION_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT',
      ]),
    )
    .describe('The stages the hook runs at.')
    .optional(),
  hookDetails: z.unknown().describe('Free-form parameters passed to the function (any JSON).').optional(),
  timeoutConfiguration: z
    .strictObject({
      timeoutInMinutes: int('Minutes to wait for the hook, 1 to 20160. Default 1440.', 1, 20160).optional(),
      action: oneOf(['ROLLBACK', 'CONTINUE'], 'What happens on timeout. Default ROLLBACK.').optional(),
    })
    .describe('How long to wait for the hook, and what then.')
    .optional(),
});

const GatewayConnector = z.strictObject({
  portName: text('The name of a portMappings entry of the task definition.'),
  healthCheck: z
    .strictObject({
      healthCheckProtocol: oneOf(['HTTP', 'HTTPS'], 'The protocol of the check.').optional(),
      healthCheckPort: int('The port of the check.', 0, 65535).optional(),
      healthCheckPath: text('The path of the check.').optional(),
      healthCheckTimeoutSeconds: int('Seconds a check may take.', 0).optional(),
      healthCheckIntervalSeconds: int('Seconds between checks.', 0).optional(),
      healthyThresholdCount: int('Successes before a target is healthy.', 0).optional(),
      unhealthyThresholdCount: int('Failures before a target is unhealthy.', 0).optional(),
      matcher: z
        .strictObject({
          httpCode: text('HTTP codes that mean healthy, for example "200-299".').optional(),
          grpcCode: text('gRPC codes that mean healthy.').optional(),
        })
        .describe('What a healthy answer is.')
        .optional(),
    })
    .describe('The health check of the gateway.')
    .optional(),
  filters: z
    .strictObject({
      accessTypes: z.array(z.enum(['PUBLIC', 'PRIVATE'])).max(2).describe('The ingress paths: PUBLIC, PRIVATE.').optional(),
    })
    .describe('Which gateway ingress paths the connector applies to.')
    .optional(),
  deregistrationDelay: z
    .strictObject({ timeoutSeconds: int('Seconds to drain a target, 0 to 3600.', 0, 3600).optional() })
    .describe('Draining of deregistered targets.')
    .optional(),
});

const MonitoringConfiguration = z
  .strictObject({
    metricConfigurations: z
      .array(
        z.strictObject({
          metricNames: z.array(z.string().min(1).max(255)).min(1).max(5).describe('CloudWatch metric names (1 to 5).'),
          resolutionSeconds: int('The metric resolution in seconds, 20 to 60.', 20, 60),
        }),
      )
      .max(5)
      .describe('Metric resolutions (at most 5).')
      .optional(),
  })
  .describe('The resolution of the CloudWatch metrics of the service. Reported; Berth has no CloudWatch.');

const deploymentConfiguration = z
  .strictObject({
    deploymentCircuitBreaker: z
      .strictObject({
        enable: flag('Fail a deployment whose tasks keep failing to start or to pass health checks.'),
        rollback: flag('Roll back to the last completed deployment when the breaker trips.'),
        resetOnHealthyTask: flag('Reset the failure count when a task becomes healthy. Default true. Reported; Berth counts every failed task of the deployment.').optional(),
        thresholdConfiguration: z
          .strictObject({
            type: oneOf(['COUNT', 'BOUNDED_PERCENT', 'UNBOUNDED_PERCENT'], 'COUNT: a number of failed tasks; BOUNDED_PERCENT and UNBOUNDED_PERCENT: a percentage of desiredCount.'),
            value: int('The threshold: a count or a percentage, as type says.', 0, 2147483647),
          })
          .describe('When the breaker trips. Reported; Berth uses the ECS default threshold.')
          .optional(),
      })
      .describe('The deployment circuit breaker: trips after max(3, min(200, ceil(desiredCount / 2))) failed tasks of the new revision.')
      .optional(),
    maximumPercent: int('Upper limit on running plus pending tasks during a deployment, as a percentage of desiredCount, rounded down. Default 200 (REPLICA), 100 (DAEMON).', 0).optional(),
    minimumHealthyPercent: int('Lower limit on running tasks during a deployment, as a percentage of desiredCount, rounded up, 0 to 100. Default 100 (REPLICA), 0 (DAEMON).', 0, 100).optional(),
    alarms: z
      .strictObject({
        alarmNames: strings('CloudWatch alarm names.'),
        enable: flag('Watch the alarms during deployments.'),
        rollback: flag('Roll back when an alarm fires.'),
      })
      .describe('CloudWatch alarms that fail a deployment. Recorded; Berth has no CloudWatch.')
      .optional(),
    strategy: oneOf(
      ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'],
      'The deployment strategy: ROLLING (the default, the one Berth runs), BLUE_GREEN, LINEAR or CANARY. Any other than ROLLING is reported and run as a rolling update.',
    ).optional(),
    bakeTimeInMinutes: int('Minutes both revisions run after production traffic has shifted (BLUE_GREEN, LINEAR, CANARY), 0 to 1440. Reported.', 0, 1440).optional(),
    lifecycleHooks: z.array(DeploymentLifecycleHook).describe('Hooks run (or pauses) at stages of a deployment. Reported; Berth runs no hooks.').optional(),
    linearConfiguration: z
      .strictObject({
        stepPercent: z.number().min(3).max(100).describe('Percent of production traffic shifted per step, 3.0 to 100.0 in steps of 0.1. Default 10.0.').optional(),
        stepBakeTimeInMinutes: int('Minutes between steps, 0 to 1440. Default 6.', 0, 1440).optional(),
      })
      .describe('Traffic shifting in equal steps (strategy LINEAR). Reported.')
      .optional(),
    canaryConfiguration: z
      .strictObject({
        canaryPercent: z.number().min(0.1).max(100).describe('Percent of production traffic shifted first, 0.1 to 100.0 in steps of 0.1. Default 5.0.').optional(),
        canaryBakeTimeInMinutes: int('Minutes before the rest of the traffic shifts, 0 to 1440. Default 10.', 0, 1440).optional(),
      })
      .describe('A canary share of traffic, then the rest (strategy CANARY). Reported.')
      .optional(),
    earlySuccessCriteria: z
      .strictObject({
        enable: flag('Declare a rolling deployment successful once healthyPercent of its tasks are healthy.'),
        healthyPercent: int('Percent of the tasks that must be healthy, 0 to 100.', 0, 100).optional(),
        sourceServiceRevisionCleanup: oneOf(['BLOCKING', 'DEFERRED'], 'Whether removing the old revision blocks completion (BLOCKING) or happens after (DEFERRED).').optional(),
      })
      .describe('Early completion of a rolling deployment. Reported.')
      .optional(),
  })
  .describe('How a deployment replaces tasks. Berth turns the percentages into absolute maxSurge and maxUnavailable with ECS rounding.');

export const TargetTrackingPolicy = z.strictObject({
  predefinedMetric: oneOf(
    ['ECSServiceAverageCPUUtilization', 'ECSServiceAverageMemoryUtilization'],
    'The metric tracked: average CPU or memory utilization of the tasks, in percent of what they reserve. Becomes an HPA resource metric.',
  ),
  targetValue: z.number().gt(0).describe('The utilization (percent) to keep the metric at.'),
});

export const ServiceAutoScaling = withRules(
  z
    .strictObject({
      minCapacity: int('The fewest tasks auto scaling leaves running. Becomes the HPA minReplicas.', 0),
      maxCapacity: int('The most tasks auto scaling starts. Becomes the HPA maxReplicas.', 1),
      targetTrackingPolicies: z
        .array(TargetTrackingPolicy)
        .min(1)
        .max(2)
        .describe('Target tracking policies, one per metric. The service scales out when any policy asks and in only when all agree.'),
    })
    .describe('Service auto scaling (Application Auto Scaling target tracking on desiredCount). Becomes a HorizontalPodAutoscaler.'),
  [
    {
      cel: 'self.minCapacity <= self.maxCapacity',
      message: 'spec.autoScaling.minCapacity must not exceed spec.autoScaling.maxCapacity',
      find: (a) => holds(a.minCapacity <= a.maxCapacity),
    },
    {
      cel: 'self.targetTrackingPolicies.all(p, self.targetTrackingPolicies.exists_one(q, q.predefinedMetric == p.predefinedMetric))',
      message: 'spec.autoScaling.targetTrackingPolicies[].predefinedMetric must be unique',
      find: (a) =>
        a.targetTrackingPolicies.flatMap((p, i) =>
          a.targetTrackingPolicies.findIndex((q) => q.predefinedMetric === p.predefinedMetric) < i ? [['targetTrackingPolicies', i, 'predefinedMetric']] : [],
        ),
    },
  ],
);

export const ServiceKubernetes = z
  .strictObject({
    serviceType: oneOf(['ClusterIP', 'LoadBalancer'], 'The type of the Kubernetes Service made for loadBalancers and serviceRegistries. Default ClusterIP.').optional(),
  })
  .describe('Kubernetes-only settings, kept apart from the ECS fields.');

export const ServiceSpecFields = z
  .strictObject({
    cluster: text('The ECS cluster. Recorded; the namespace plays its part.').optional(),
    serviceName: ecsName('The service name: up to 255 letters, numbers, hyphens and underscores. It must equal metadata.name; it may be omitted.').optional(),
    taskDefinition: z
      .string()
      .max(2048)
      .regex(new RegExp(TASK_DEFINITION_REF_PATTERN), 'must be "family", "family:revision" or a task definition ARN')
      .describe('The TaskDefinition to run, in this namespace: "family" (its latest ACTIVE revision) or "family:revision". An ECS ARN is accepted; its family and revision are used.'),
    desiredCount: int('The number of tasks to keep running (REPLICA). Ignored for DAEMON, which runs one task per eligible node. Set by kubectl scale and by autoScaling.', 0).optional(),
    launchType: oneOf(['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'], 'EC2 (ordinary node pools), FARGATE (pods routed by FargateProfiles to isolated nodes) or EXTERNAL. Not together with capacityProviderStrategy.').optional(),
    capacityProviderStrategy: z
      .array(CapacityProviderStrategyItem)
      .max(20)
      .describe('How tasks are split across capacity providers (node pools): base tasks first, then by weight. Not together with launchType.')
      .optional(),
    platformVersion: text('The Fargate platform version, for example LATEST or 1.4.0. Recorded.').optional(),
    role: text('The legacy IAM service role for load balancers. Recorded.').optional(),
    clientToken: text('An idempotency token of the ECS API. Recorded.').optional(),
    availabilityZoneRebalancing: oneOf(['ENABLED', 'DISABLED'], 'Move tasks to rebalance across zones. Recorded.').optional(),
    schedulingStrategy: oneOf(['REPLICA', 'DAEMON'], 'REPLICA (default): desiredCount tasks, a Deployment. DAEMON: one task on every eligible node, a DaemonSet; not on Fargate.').optional(),
    deploymentConfiguration: deploymentConfiguration.optional(),
    deploymentController: z
      .strictObject({
        type: oneOf(['ECS', 'CODE_DEPLOY', 'EXTERNAL'], 'ECS (rolling update, the default and the only one Berth runs), CODE_DEPLOY or EXTERNAL.'),
      })
      .describe('The deployment controller.')
      .optional(),
    placementConstraints: z.array(ServicePlacementConstraint).max(10).describe('Binding placement constraints (at most 10). Not supported with launchType FARGATE.').optional(),
    placementStrategy: z.array(PlacementStrategy).max(5).describe('Placement strategies in order of priority (at most 5). Default for REPLICA: spread over availability zones.').optional(),
    loadBalancers: z.array(LoadBalancer).max(5).describe('Load balancer targets (at most 5). Become a Kubernetes Service for the named container ports.').optional(),
    serviceRegistries: z.array(ServiceRegistry).max(1).describe('Cloud Map registration (at most 1). Becomes a Kubernetes Service.').optional(),
    healthCheckGracePeriodSeconds: int('Seconds after a task starts during which failed health checks are ignored, 0 to 2147483647.', 0, 2147483647).optional(),
    networkConfiguration: NetworkConfiguration.optional(),
    enableECSManagedTags: flag('Add ECS-managed tags to the tasks. Recorded.').optional(),
    propagateTags: oneOf(['TASK_DEFINITION', 'SERVICE', 'NONE'], 'Copy tags to the tasks from the task definition or the service. Tags become pod annotations.').optional(),
    tags: ecsTags('Tags of the service (at most 50).').optional(),
    enableExecuteCommand: flag('Allow ECS Exec into the tasks. Recorded; use kubectl exec.').optional(),
    serviceConnectConfiguration: ServiceConnectConfiguration.optional(),
    volumeConfigurations: z.array(VolumeConfiguration).max(1).describe('Volumes configured at launch (the task definition marks them configuredAtLaunch).').optional(),
    vpcLatticeConfigurations: z.array(VpcLatticeConfiguration).describe('VPC Lattice target groups. Recorded.').optional(),
    gatewayConnectors: z.array(GatewayConnector).max(1).describe('Attaches the service to a gateway ingress path (at most 1). Reported.').optional(),
    monitoring: MonitoringConfiguration.optional(),
    forceNewDeployment: intOrString(
      'A restart token, like `aws ecs update-service --force-new-deployment`: whenever its value changes, a new deployment of the same revision ' +
        'replaces every task. Use a counter or a timestamp; the value itself has no meaning.',
      '^.{0,253}$',
      'forceNewDeployment must be a number or a string (a token whose change restarts the tasks)',
      253,
    ).optional(),
    autoScaling: ServiceAutoScaling.optional(),
    kubernetes: ServiceKubernetes.optional(),
  })
  .describe('An ECS service (the input of CreateService) with auto scaling and a few Kubernetes-only settings.');

export type ServiceSpecShape = z.infer<typeof ServiceSpecFields>;

/** The spec with every rule that needs only the object itself. */
export const ServiceSpec = withRules(ServiceSpecFields, serviceSpecRules);

export type ServiceSpec = z.infer<typeof ServiceSpec>;
export type CapacityProviderStrategyItem = z.infer<typeof CapacityProviderStrategyItem>;
export type ServicePlacementConstraint = z.infer<typeof ServicePlacementConstraint>;
export type PlacementStrategy = z.infer<typeof PlacementStrategy>;
export type ServiceAutoScaling = z.infer<typeof ServiceAutoScaling>;

export const ServiceDeployment = z.strictObject({
  id: text('The deployment ID.', 255),
  status: oneOf(['PRIMARY', 'ACTIVE', 'INACTIVE'], 'PRIMARY: the newest deployment; ACTIVE: an older one still running tasks; INACTIVE: finished.'),
  taskDefinition: text('The revision deployed, family:revision.', 512),
  desiredCount: int('Tasks this deployment should run.', 0).optional(),
  runningCount: int('Tasks of this deployment that are RUNNING.', 0).optional(),
  pendingCount: int('Tasks of this deployment that are PENDING.', 0).optional(),
  failedTasks: int('Tasks of this deployment that failed to start or failed health checks.', 0).optional(),
  rolloutState: oneOf(['IN_PROGRESS', 'COMPLETED', 'FAILED'], 'Where the rollout stands.').optional(),
  rolloutStateReason: text('Why the rollout is in its state.').optional(),
  circuitBreaker: z
    .strictObject({
      status: oneOf(['MONITORING', 'TRIGGERED', 'MONITORING_COMPLETE', 'DISABLED'], 'What the breaker is doing.'),
      failureCount: int('Failed tasks counted so far.', 0).optional(),
      threshold: int('Failed tasks that trip the breaker.', 0).optional(),
    })
    .describe('The circuit breaker of this deployment.')
    .optional(),
  createdAt: timestamp('When the deployment started.').optional(),
  updatedAt: timestamp('When the deployment last changed.').optional(),
});

export const ServiceEvent = z.strictObject({
  id: text('The event ID.', 255),
  createdAt: timestamp('When it happened.'),
  message: text('What happened, in ECS wording, for example "(service web) has reached a steady state."'),
});

export const ServiceChild = z.strictObject({
  kind: text('Deployment, DaemonSet or HorizontalPodAutoscaler.', 63),
  name: text('The name of the object.', 253),
  generation: int("The object's metadata.generation right after Berth last applied it.", 0),
});

export const ServiceStatus = z
  .strictObject({
    observedGeneration: int('The metadata.generation this status describes.', 0).optional(),
    desiredCount: int('Tasks the service should run now.', 0).optional(),
    runningCount: int('Tasks that are RUNNING.', 0).optional(),
    pendingCount: int('Tasks that are PENDING.', 0).optional(),
    taskDefinition: text('The revision of the primary deployment, family:revision.', 512).optional(),
    selector: text('The label selector of the tasks, for the scale subresource and HorizontalPodAutoscalers.').optional(),
    deployments: z.array(ServiceDeployment).max(20).describe('The deployments of the service, primary first.').optional(),
    events: z.array(ServiceEvent).max(100).describe('The latest service events, newest first (at most 100).').optional(),
    conditions: conditionsField('Ready, SteadyState, Progressing, CircuitBreaker, FieldsIgnored and the other conditions of the service.').optional(),
    children: z
      .array(ServiceChild)
      .max(64)
      .describe('The objects Berth applies for the service and their generation after its last apply: a later generation means someone else changed their spec, and Berth applies them again.')
      .optional(),
  })
  .describe('The observed state of the service.');

export type ServiceDeployment = z.infer<typeof ServiceDeployment>;
export type ServiceEvent = z.infer<typeof ServiceEvent>;
export type ServiceChild = z.infer<typeof ServiceChild>;
export type ServiceStatus = z.infer<typeof ServiceStatus>;
export type Service = Resource<typeof SERVICE_KIND, ServiceSpec, ServiceStatus>;

/** Rules that also need metadata; the CRD evaluates them at the root of the object. */
export const serviceRootRules: Rule<{ metadata: { name?: string }; spec: { serviceName?: string } }>[] = [
  {
    cel: '!has(self.spec.serviceName) || self.spec.serviceName == self.metadata.name',
    message: 'spec.serviceName must equal metadata.name (a Service is named after its serviceName)',
    find: (o) => (o.spec.serviceName === undefined || o.spec.serviceName === o.metadata.name ? [] : ([['spec', 'serviceName']] as Path[])),
  },
];

/** The service name: spec.serviceName when given, else metadata.name. */
export function serviceNameOf(svc: Pick<Service, 'metadata' | 'spec'>): string {
  return svc.spec.serviceName ?? svc.metadata.name;
}

/** DAEMON or REPLICA, with ECS's default. */
export function schedulingStrategyOf(spec: Pick<ServiceSpec, 'schedulingStrategy'>): 'REPLICA' | 'DAEMON' {
  return spec.schedulingStrategy ?? 'REPLICA';
}
