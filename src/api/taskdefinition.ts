import { z } from 'zod';
import { conditionsField } from './conditions.js';
import { ContainerDefinition } from './container.js';
import { ecsName, ecsTags, flag, int, intOrString, keyValuePairs, oneOf, text, timestamp } from './fields.js';
import type { Resource } from './resource.js';
import { holds, withRules, type Path, type Rule } from './rules.js';
import { taskDefinitionSpecRules } from './taskdefinition-rules.js';
import { CPU_PATTERN, MEMORY_PATTERN } from './values.js';
import { Volume } from './volume.js';

// TaskDefinition: the input of ECS RegisterTaskDefinition, plus `kubernetes` for what only a
// Kubernetes cluster needs. Every change of the spec registers a new immutable revision.

export const TASK_DEFINITION_KIND = 'TaskDefinition';

const placementConstraint = withRules(
  z
    .strictObject({
      type: oneOf(['memberOf'], 'The constraint type. Task definitions accept only memberOf.'),
      expression: text('A cluster query language expression the node must match, for example "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]".', 2000).optional(),
    })
    .describe('A placement constraint every task of this definition obeys.'),
  [
    {
      cel: 'has(self.expression) && self.expression != ""',
      message: 'spec.placementConstraints[]: a memberOf constraint needs an expression',
      find: (c) => holds(c.expression !== undefined && c.expression !== ''),
    },
  ],
);

const proxyConfiguration = z
  .strictObject({
    type: oneOf(['APPMESH'], 'The proxy type: APPMESH.').optional(),
    containerName: ecsName('The container that acts as the App Mesh proxy.'),
    properties: keyValuePairs('Proxy settings: IgnoredUID, IgnoredGID, AppPorts, ProxyIngressPort, ProxyEgressPort, EgressIgnoredPorts, EgressIgnoredIPs.').optional(),
  })
  .describe('App Mesh proxy settings. Recorded; Berth does not configure a mesh.');

const inferenceAccelerator = z.strictObject({
  deviceName: text('The name referenced by containerDefinitions[].resourceRequirements.'),
  deviceType: text('The Elastic Inference accelerator type.'),
});

const runtimePlatform = z
  .strictObject({
    cpuArchitecture: oneOf(['X86_64', 'ARM64'], 'The CPU architecture: X86_64 or ARM64. Becomes a kubernetes.io/arch node selector (amd64, arm64).').optional(),
    operatingSystemFamily: oneOf(
      [
        'LINUX', 'WINDOWS_SERVER_2019_FULL', 'WINDOWS_SERVER_2019_CORE', 'WINDOWS_SERVER_2016_FULL', 'WINDOWS_SERVER_2004_CORE',
        'WINDOWS_SERVER_2022_CORE', 'WINDOWS_SERVER_2022_FULL', 'WINDOWS_SERVER_2025_CORE', 'WINDOWS_SERVER_2025_FULL', 'WINDOWS_SERVER_20H2_CORE',
      ],
      'The operating system: LINUX or a WINDOWS_SERVER_* family. Becomes a kubernetes.io/os node selector.',
    ).optional(),
  })
  .describe('The platform the task needs.');

const kubernetesVolume = z.strictObject({
  name: ecsName('The name of a volume in spec.volumes.'),
  persistentVolumeClaim: z
    .strictObject({
      claimName: z.string().min(1).max(253).describe('The PersistentVolumeClaim in the TaskDefinition\'s namespace.'),
      readOnly: flag('Mount the claim read-only in every container.').optional(),
    })
    .describe('The claim that backs the volume.'),
});

export const TaskDefinitionKubernetes = z
  .strictObject({
    serviceAccountName: z
      .string()
      .max(253)
      .describe('The ServiceAccount the pods run as. By default Berth manages one per task role (annotated for IRSA from taskRoleArn), or uses "default" without a task role.')
      .optional(),
    volumes: z
      .array(kubernetesVolume)
      .max(50)
      .describe('Backs ECS volumes with PersistentVolumeClaims: needed for EFS, FSx, shared Docker and configured-at-launch volumes, which have no Kubernetes equivalent of their own.')
      .optional(),
  })
  .describe('Kubernetes-only settings, kept apart from the ECS fields.');

export const TaskDefinitionSpecFields = z
  .strictObject({
    family: ecsName('The family: up to 255 letters, numbers, hyphens and underscores. It must equal metadata.name; it may be omitted, and then is metadata.name.').optional(),
    taskRoleArn: text('The IAM role the containers use. Becomes a ServiceAccount annotated with eks.amazonaws.com/role-arn (IRSA).').optional(),
    executionRoleArn: text('The IAM role ECS uses to pull images and read secrets. Recorded.').optional(),
    networkMode: oneOf(
      ['bridge', 'host', 'awsvpc', 'none'],
      'The Docker networking mode: awsvpc (required on Fargate; a pod network namespace), bridge (the EC2 default; host ports map to hostPort), host (hostNetwork) or none.',
    ).optional(),
    containerDefinitions: z.array(ContainerDefinition).min(1).max(10).describe('The containers of the task: 1 to 10, at least one essential, names unique.'),
    volumes: z.array(Volume).max(50).describe('Data volumes the containers can mount (at most 50).').optional(),
    placementConstraints: z.array(placementConstraint).max(10).describe('Placement constraints for every task of this definition (memberOf only, at most 10).').optional(),
    requiresCompatibilities: z
      .array(z.enum(['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES']))
      .max(4)
      .describe('Launch types the task definition is validated against: EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES. With FARGATE, the Fargate rules apply (awsvpc, a valid cpu/memory pair, nothing privileged or on the host).')
      .optional(),
    cpu: intOrString(
      'Task CPU: CPU units (256, "1024") or vCPUs ("0.25 vCPU", "1 vcpu"). Required on Fargate, where it must pair with memory as in the Fargate table. Becomes pod-level resources.',
      CPU_PATTERN,
      'cpu must be CPU units ("256") or vCPUs ("0.25 vCPU")',
    ).optional(),
    memory: intOrString(
      'Task memory: MiB (512, "2048") or GB ("0.5GB", "2 GB"). Required on Fargate, where it must pair with cpu as in the Fargate table.',
      MEMORY_PATTERN,
      'memory must be MiB ("512") or GB ("0.5GB", "2 GB")',
    ).optional(),
    tags: ecsTags('Tags of the task definition (at most 50). Become annotations.').optional(),
    pidMode: oneOf(['host', 'task'], 'The process namespace: task (shared by the containers of the task: shareProcessNamespace) or host (hostPID, not on Fargate).').optional(),
    ipcMode: oneOf(['host', 'task', 'none'], 'The IPC namespace: host (hostIPC, not on Fargate), task (shared by the task) or none.').optional(),
    proxyConfiguration: proxyConfiguration.optional(),
    inferenceAccelerators: z.array(inferenceAccelerator).describe('Elastic Inference accelerators. Recorded.').optional(),
    ephemeralStorage: z
      .strictObject({
        sizeInGiB: int('The ephemeral storage of the task in GiB, 21 to 200 (Fargate default 20). Becomes an ephemeral-storage request.', 21, 200),
      })
      .describe('Ephemeral storage for the task.')
      .optional(),
    runtimePlatform: runtimePlatform.optional(),
    enableFaultInjection: flag('Allow fault-injection requests from the task. Recorded.').optional(),
    trustedExecutionConfiguration: z
      .strictObject({
        isolationMode: oneOf(['SHARED', 'ISOLATED_SANDBOX', 'CONFIDENTIAL_SANDBOX'], 'How the task is isolated from other tasks on its instance. Default SHARED.'),
        attestationPolicy: text('The base64 attestation policy; required with CONFIDENTIAL_SANDBOX.').optional(),
      })
      .describe('Sandboxed or confidential execution of the task. Reported; use a runtime class (FargateProfile) for isolation.')
      .optional(),
    kubernetes: TaskDefinitionKubernetes.optional(),
  })
  .describe('An ECS task definition (the input of RegisterTaskDefinition) with a few Kubernetes-only settings under kubernetes.');

export type TaskDefinitionSpecShape = z.infer<typeof TaskDefinitionSpecFields>;

/** The spec with every rule that needs only the object itself. */
export const TaskDefinitionSpec = withRules(TaskDefinitionSpecFields, taskDefinitionSpecRules);

export type TaskDefinitionSpec = z.infer<typeof TaskDefinitionSpec>;

export const TaskDefinitionRevision = z.strictObject({
  revision: int('The revision number, from 1.', 1),
  status: oneOf(['ACTIVE', 'INACTIVE'], 'ACTIVE revisions can be used; INACTIVE ones keep running where already used but cannot be newly referenced.'),
  registeredAt: timestamp('When the revision was registered.').optional(),
  deregisteredAt: timestamp('When the revision became INACTIVE.').optional(),
});

export const TaskDefinitionStatus = z
  .strictObject({
    observedGeneration: int('The metadata.generation this status describes.', 0).optional(),
    revision: int('The latest revision.', 0).optional(),
    taskDefinitionArn: text('The ARN of the latest revision: arn:berth:ecs:<namespace>:task-definition/<family>:<revision>.').optional(),
    revisions: z.array(TaskDefinitionRevision).describe('The revisions still kept, oldest first.').optional(),
    conditions: conditionsField('Ready, FieldsIgnored and the other conditions of the task definition.').optional(),
  })
  .describe('The registered revisions of the task definition.');

export type TaskDefinitionRevision = z.infer<typeof TaskDefinitionRevision>;
export type TaskDefinitionStatus = z.infer<typeof TaskDefinitionStatus>;
export type TaskDefinition = Resource<typeof TASK_DEFINITION_KIND, TaskDefinitionSpec, TaskDefinitionStatus>;

/** Rules that also need metadata; the CRD evaluates them at the root of the object. */
export const taskDefinitionRootRules: Rule<{ metadata: { name?: string }; spec: { family?: string } }>[] = [
  {
    cel: '!has(self.spec.family) || self.spec.family == self.metadata.name',
    message: 'spec.family must equal metadata.name (a TaskDefinition is named after its family)',
    find: (o) => (o.spec.family === undefined || o.spec.family === o.metadata.name ? [] : [['spec', 'family']] as Path[]),
  },
];

/** The family of a TaskDefinition: spec.family when given, else its name. */
export function familyOf(td: Pick<TaskDefinition, 'metadata' | 'spec'>): string {
  return td.spec.family ?? td.metadata.name;
}
