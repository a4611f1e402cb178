import { z } from 'zod';
import { ecsName, flag, int, oneOf, stringMap, text } from './fields.js';

// ECS task volumes. How each becomes a Kubernetes volume: a volume with neither host.sourcePath
// nor a configuration is a task-scoped emptyDir; host.sourcePath is a hostPath (EC2 only);
// docker, EFS, FSx and configured-at-launch volumes need a claim named in spec.kubernetes.volumes.

const hostVolume = z
  .strictObject({
    sourcePath: text('The path on the host that is bind-mounted. Becomes a hostPath volume; not allowed on Fargate. Without it, the volume is an empty directory that lives as long as the task.').optional(),
  })
  .describe('A bind mount of a host path or, without sourcePath, an empty task-scoped directory.');

const dockerVolumeConfiguration = z
  .strictObject({
    scope: oneOf(['task', 'shared'], 'task: the volume is created and removed with the task; shared: it outlives the task.').optional(),
    autoprovision: flag('Create a shared volume if it does not exist yet.').optional(),
    driver: text('The Docker volume driver, for example "local" or "rexray/ebs".').optional(),
    driverOpts: stringMap('Options of the Docker volume driver.').optional(),
    labels: stringMap('Docker labels of the volume.').optional(),
  })
  .describe('A Docker-managed volume. Not supported on Fargate. Map it to a PersistentVolumeClaim in spec.kubernetes.volumes; otherwise a task-scoped volume becomes an emptyDir.');

const efsVolumeConfiguration = z
  .strictObject({
    fileSystemId: text('The EFS file system ID.'),
    rootDirectory: text('The directory of the file system mounted as the root of the volume. Default "/".').optional(),
    transitEncryption: oneOf(['ENABLED', 'DISABLED'], 'Encrypt EFS traffic in transit. Required (ENABLED) when IAM authorization is used.').optional(),
    transitEncryptionPort: int('The port used for encrypted EFS traffic.', 0, 65535).optional(),
    authorizationConfig: z
      .strictObject({
        accessPointId: text('The EFS access point to mount through.').optional(),
        iam: oneOf(['ENABLED', 'DISABLED'], 'Use the task role to authorize the mount.').optional(),
      })
      .describe('Authorization for the EFS file system.')
      .optional(),
  })
  .describe('An Amazon EFS file system. Map it to a PersistentVolumeClaim in spec.kubernetes.volumes.');

const fsxWindowsFileServerVolumeConfiguration = z
  .strictObject({
    fileSystemId: text('The FSx for Windows File Server file system ID.'),
    rootDirectory: text('The directory mounted as the root of the volume.'),
    authorizationConfig: z
      .strictObject({
        credentialsParameter: text('The ARN of the secret or SSM parameter holding the credentials.'),
        domain: text('The fully qualified domain name of the Active Directory domain.'),
      })
      .describe('Authorization for the file system.'),
  })
  .describe('An FSx for Windows File Server file system. Map it to a PersistentVolumeClaim in spec.kubernetes.volumes.');

export const Volume = z
  .strictObject({
    name: ecsName('The name of the volume, referenced by containerDefinitions[].mountPoints[].sourceVolume: up to 255 letters, numbers, hyphens and underscores.'),
    host: hostVolume.optional(),
    dockerVolumeConfiguration: dockerVolumeConfiguration.optional(),
    efsVolumeConfiguration: efsVolumeConfiguration.optional(),
    fsxWindowsFileServerVolumeConfiguration: fsxWindowsFileServerVolumeConfiguration.optional(),
    s3filesVolumeConfiguration: z
      .strictObject({
        fileSystemArn: text('The S3 Files file system to mount.'),
        rootDirectory: text('The directory of the file system mounted as the root of the volume. Default "/".').optional(),
        transitEncryptionPort: int('The port used for encrypted traffic to the file system.', 0, 65535).optional(),
        accessPointArn: text('The S3 Files access point to mount through.').optional(),
      })
      .describe('An Amazon S3 Files file system. Map it to a PersistentVolumeClaim in spec.kubernetes.volumes.')
      .optional(),
    configuredAtLaunch: flag('The volume (an EBS volume) is configured when the task is launched, by the Service\'s volumeConfigurations.').optional(),
  })
  .describe('A data volume the containers of the task can mount.');

export type Volume = z.infer<typeof Volume>;
