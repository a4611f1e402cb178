import { z } from 'zod';
import { ecsName, flag, int, keyValuePairs, oneOf, stringMap, strings, text } from './fields.js';
import { holds, withRules } from './rules.js';

// ECS ContainerDefinition, field for field. Names and meanings are ECS's; the descriptions say
// how Berth maps a field to Kubernetes where that is not obvious.

const secret = z.strictObject({
  name: text('The name of the environment variable (or log option) the secret is exposed as.'),
  valueFrom: text(
    'Where the secret comes from: a Secrets Manager secret ARN (optionally with ":json-key:version-stage:version-id"), ' +
      'an SSM parameter name or ARN, or "secret:key" naming a Kubernetes Secret in the namespace.',
  ),
});

export const PortMapping = withRules(
  z
    .strictObject({
      containerPort: int('The port the container listens on. With awsvpc or host network mode this is also the port exposed on the task.', 0, 65535).optional(),
      hostPort: int(
        'The port on the host. With awsvpc or host network mode it must be omitted or equal to containerPort; with bridge mode, ' +
          'omitted or 0 means a dynamic host port.',
        0,
        65535,
      ).optional(),
      protocol: oneOf(['tcp', 'udp'], 'The protocol of the port: tcp (default) or udp.').optional(),
      name: text('A name for the port, used by Service Connect and as the Kubernetes port name. Up to 64 characters.', 64).optional(),
      appProtocol: oneOf(['http', 'http2', 'grpc'], 'The application protocol of the port (Service Connect); becomes the Kubernetes appProtocol.').optional(),
      containerPortRange: text('A range of container ports, "first-last" (for example "8000-8010"), instead of containerPort.', 16).optional(),
    })
    .describe('A port the container exposes.'),
  [
    {
      cel: '!(has(self.containerPort) && has(self.containerPortRange))',
      message: 'spec.containerDefinitions[].portMappings[]: set containerPort or containerPortRange, not both',
      find: (p) => holds(!(p.containerPort !== undefined && p.containerPortRange !== undefined)),
    },
  ],
);

const mountPoint = z.strictObject({
  sourceVolume: ecsName('The name of the task volume (spec.volumes[].name) to mount.').optional(),
  containerPath: text('The path inside the container where the volume is mounted.').optional(),
  readOnly: flag('Mount the volume read-only. Default false.').optional(),
});

const volumeFrom = z.strictObject({
  sourceContainer: ecsName('The container whose mount points are mounted in this container too.').optional(),
  readOnly: flag('Mount them read-only. Default false.').optional(),
});

const kernelCapabilities = z
  .strictObject({
    add: strings('Linux capabilities added to the default set (Docker CapAdd), for example "SYS_PTRACE". On Fargate only SYS_PTRACE may be added.').optional(),
    drop: strings('Linux capabilities removed from the default set (Docker CapDrop).').optional(),
  })
  .describe('Linux capabilities to add or drop.');

const device = z.strictObject({
  hostPath: text('The path of the device on the host.'),
  containerPath: text('The path of the device inside the container.').optional(),
  permissions: z.array(z.enum(['read', 'write', 'mknod'])).describe('Permissions for the device: read, write, mknod.').optional(),
});

const tmpfs = z.strictObject({
  containerPath: text('The absolute path where the tmpfs is mounted.'),
  size: int('The size of the tmpfs in MiB.', 0),
  mountOptions: strings('tmpfs mount options, for example "noexec" or "size=…".').optional(),
});

const linuxParameters = z
  .strictObject({
    capabilities: kernelCapabilities.optional(),
    devices: z.array(device).describe('Host devices exposed to the container (Docker --device). Not supported on Fargate.').optional(),
    initProcessEnabled: flag('Run an init process as PID 1 that forwards signals and reaps processes (Docker --init).').optional(),
    sharedMemorySize: int('The size of /dev/shm in MiB (Docker --shm-size). Becomes a memory-backed emptyDir at /dev/shm.', 0).optional(),
    tmpfs: z.array(tmpfs).describe('tmpfs mounts. Become memory-backed emptyDir volumes.').optional(),
    maxSwap: int('The total swap (MiB) the container may use. Not supported on Fargate.', 0).optional(),
    swappiness: int('How readily the container swaps, 0 to 100. Default 60.', 0, 100).optional(),
  })
  .describe('Linux-specific settings of the container.');

export const DependsOn = z
  .strictObject({
    containerName: ecsName('The container this container waits for.'),
    condition: oneOf(
      ['START', 'COMPLETE', 'SUCCESS', 'HEALTHY'],
      'What to wait for: START (the container has started), COMPLETE (it ran to completion, any exit code), ' +
        'SUCCESS (it exited with 0), HEALTHY (it passes its healthCheck). COMPLETE and SUCCESS apply only to non-essential containers.',
    ),
  })
  .describe('A startup dependency on another container of the task.');

const extraHost = z.strictObject({
  hostname: text('The host name to add to /etc/hosts.'),
  ipAddress: text('The IP address it resolves to.'),
});

const ULIMIT_NAMES = [
  'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack',
] as const;

const ulimit = z.strictObject({
  name: oneOf(ULIMIT_NAMES, 'The resource limit, as in ulimit(1): core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack.'),
  softLimit: int('The soft limit.'),
  hardLimit: int('The hard limit.'),
});

export const LogConfiguration = z
  .strictObject({
    logDriver: oneOf(
      ['json-file', 'syslog', 'journald', 'gelf', 'fluentd', 'awslogs', 'splunk', 'awsfirelens'],
      'The log driver: awslogs, awsfirelens, splunk, fluentd, gelf, json-file, journald or syslog. Kubernetes collects stdout and stderr itself; Berth records the driver and reports it as ignored.',
    ),
    options: stringMap('Options of the log driver, for example awslogs-group and awslogs-region.').optional(),
    secretOptions: z.array(secret).describe('Secrets passed to the log driver as options.').optional(),
  })
  .describe("The container's log configuration.");

const healthCheckFields = z
  .strictObject({
    command: strings(
      'The check: ["CMD", "executable", "arg"…] runs the executable directly; ["CMD-SHELL", "command line"] runs it with /bin/sh -c; ["NONE"] disables a check the image defines; any other list, such as ["/healthcheck"], runs as given. Exit code 0 means healthy.',
    ).min(1),
    interval: int('Seconds between checks, 5 to 300. Default 30. Becomes the probe periodSeconds.', 5, 300).optional(),
    timeout: int('Seconds a check may take before it counts as failed, 2 to 60. Default 5.', 2, 60).optional(),
    retries: int('Consecutive failures before the container is unhealthy, 1 to 10. Default 3.', 1, 10).optional(),
    startPeriod: int('Grace period in seconds, 0 to 300, during which failures do not count. Default 0. Becomes a startupProbe.', 0, 300).optional(),
  })
  .describe('A container health check (Docker HEALTHCHECK). Becomes liveness and readiness probes.');

// ECS registers and runs an exec-form check without a prefix (images without a shell, such as
// the ADOT collector's, are told to write ["/healthcheck"]), so no prefix is required.
export const HealthCheck = healthCheckFields;

const systemControl = z.strictObject({
  namespace: text('The kernel parameter, for example "net.core.somaxconn".').optional(),
  value: text('Its value.').optional(),
});

const resourceRequirement = z.strictObject({
  value: text('For GPU, the number of GPUs reserved for the container ("1"); for InferenceAccelerator, the deviceName of an accelerator of the task; for NeuronDevice, the Neuron devices. Required unless a GPU has a sharingStrategy.').optional(),
  type: oneOf(['GPU', 'InferenceAccelerator', 'NeuronDevice'], 'The kind of resource: GPU (becomes nvidia.com/gpu), InferenceAccelerator or NeuronDevice (reported).'),
  sharingStrategy: z
    .strictObject({
      nvidiaMps: z
        .strictObject({
          memory: int('GPU memory in MiB for the container, at least 1.', 1),
          maxComputePercent: int('The share of the GPU\'s compute the container may use, 1 to 100.', 1, 100).optional(),
        })
        .describe('NVIDIA Multi-Process Service sharing of one GPU.')
        .optional(),
    })
    .describe('How the container shares a GPU with others instead of reserving whole GPUs. Reported.')
    .optional(),
});

const firelensConfiguration = z
  .strictObject({
    type: oneOf(['fluentd', 'fluentbit'], 'The log router: fluentd or fluentbit.'),
    options: stringMap('Options of the log router, for example enable-ecs-log-metadata, config-file-type and config-file-value.').optional(),
  })
  .describe('Makes this container the FireLens log router of the task.');

const restartPolicy = z
  .strictObject({
    enabled: flag('Restart the container when it exits.'),
    ignoredExitCodes: z.array(z.int32()).max(50).describe('Exit codes that do not cause a restart (at most 50).').optional(),
    restartAttemptPeriod: int('Seconds the container must run before a restart is attempted, 60 to 1800. Default 300.', 60, 1800).optional(),
  })
  .describe('Restarts of this container inside a running task.');

const containerFields = z
  .strictObject({
    name: ecsName('The name of the container: up to 255 letters, numbers, hyphens and underscores, unique in the task definition. Used by links, dependsOn, volumesFrom and load balancers.'),
    image: z.string().min(1).max(4096).describe('The image to run: repository-url/image:tag or @digest, as for docker run.'),
    repositoryCredentials: z
      .strictObject({
        credentialsParameter: text('The ARN or name of the secret holding the registry credentials. Becomes an imagePullSecret.'),
      })
      .describe('Credentials for a private registry.')
      .optional(),
    cpu: int('CPU units reserved for the container (1024 = one vCPU). Becomes the container cpu request (1024 units = 1000m).', 0).optional(),
    memory: int('The hard memory limit in MiB; the container is killed above it. Becomes the memory limit (and the request when memoryReservation is absent).', 0).optional(),
    memoryReservation: int('The soft memory limit in MiB, reserved for the container. Becomes the memory request.', 0).optional(),
    links: strings('Legacy bridge-mode links, "name" or "name:alias". Become host aliases to 127.0.0.1, since all containers of a pod share the network.').optional(),
    portMappings: z.array(PortMapping).max(100).describe('Ports the container exposes (at most 100).').optional(),
    essential: flag('If true (the default), the task stops when this container stops. At least one container must be essential.').optional(),
    restartPolicy: restartPolicy.optional(),
    entryPoint: strings('The entry point (Docker ENTRYPOINT). Becomes the Kubernetes command.').optional(),
    command: strings('The command (Docker CMD). Becomes the Kubernetes args.').optional(),
    environment: keyValuePairs('Environment variables.').optional(),
    environmentFiles: z
      .array(
        z.strictObject({
          value: text('The ARN of the S3 object holding the file.'),
          type: oneOf(['s3'], 'The file type: s3.'),
        }),
      )
      .describe('Files of environment variables in S3 (.env format). Recorded; Berth cannot read S3.')
      .optional(),
    mountPoints: z.array(mountPoint).max(50).describe('Volumes of the task mounted into the container (at most 50).').optional(),
    volumesFrom: z.array(volumeFrom).max(10).describe('Mounts all the mount points of other containers of the task (at most 10).').optional(),
    linuxParameters: linuxParameters.optional(),
    secrets: z.array(secret).describe('Environment variables read from secrets.').optional(),
    dependsOn: z.array(DependsOn).max(10).describe('Containers that must reach a condition before this one starts.').optional(),
    startTimeout: int('Seconds to wait for dependencies to be reached before giving up on this container.', 0).optional(),
    stopTimeout: int('Seconds between SIGTERM and SIGKILL when the container is stopped, up to 120 on Fargate. Becomes terminationGracePeriodSeconds.', 0).optional(),
    versionConsistency: oneOf(['enabled', 'disabled'], 'Whether ECS resolves the image tag to a digest once per deployment. Recorded.').optional(),
    hostname: text('The host name of the container. Not supported with awsvpc network mode.').optional(),
    user: text('The user to run as: "user", "uid", "user:group", "uid:gid", "user:gid" or "uid:group". Numeric forms become runAsUser/runAsGroup.').optional(),
    workingDirectory: text('The working directory of the command.').optional(),
    disableNetworking: flag('Turn off networking inside the container.').optional(),
    privileged: flag('Run with elevated privileges on the host. Not allowed on Fargate.').optional(),
    readonlyRootFilesystem: flag('Mount the root file system read-only.').optional(),
    dnsServers: strings('DNS servers for the container. Not supported with awsvpc network mode.').optional(),
    dnsSearchDomains: strings('DNS search domains for the container.').optional(),
    extraHosts: z.array(extraHost).describe('Extra /etc/hosts entries. Become hostAliases.').optional(),
    dockerSecurityOptions: strings('SELinux, AppArmor or credential-spec options (Docker --security-opt).').optional(),
    interactive: flag('Keep stdin open (docker run -i).').optional(),
    pseudoTerminal: flag('Allocate a TTY (docker run -t).').optional(),
    dockerLabels: stringMap('Docker labels of the container. Become pod annotations.').optional(),
    ulimits: z.array(ulimit).describe('Resource limits (ulimits) of the container.').optional(),
    logConfiguration: LogConfiguration.optional(),
    healthCheck: HealthCheck.optional(),
    systemControls: z.array(systemControl).describe('Namespaced kernel parameters (sysctls) for the container.').optional(),
    resourceRequirements: z.array(resourceRequirement).describe('GPUs or inference accelerators for the container.').optional(),
    firelensConfiguration: firelensConfiguration.optional(),
    credentialSpecs: strings('Active Directory credential specs (gMSA) for the container, as "credentialspec:ARN" or "credentialspecdomainless:ARN".').optional(),
  })
  .describe('A container of the task, as in an ECS container definition.');

export const ContainerDefinition = withRules(containerFields, [
  {
    cel: '!has(self.memory) || !has(self.memoryReservation) || self.memoryReservation <= self.memory',
    message: 'spec.containerDefinitions[].memoryReservation must not exceed memory',
    find: (c) => (c.memory !== undefined && c.memoryReservation !== undefined && c.memoryReservation > c.memory ? [['memoryReservation']] : []),
  },
]);

export type ContainerDefinition = z.infer<typeof ContainerDefinition>;
export type PortMapping = z.infer<typeof PortMapping>;
export type DependsOn = z.infer<typeof DependsOn>;
export type HealthCheck = z.infer<typeof HealthCheck>;
export type LogConfiguration = z.infer<typeof LogConfiguration>;

/** ECS's default: a container is essential unless it says otherwise. */
export function isEssential(container: Pick<ContainerDefinition, 'essential'>): boolean {
  return container.essential !== false;
}
