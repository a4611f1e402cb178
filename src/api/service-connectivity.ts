import { z } from 'zod';
import { LogConfiguration } from './container.js';
import { ecsName, ecsTags, flag, int, oneOf, strings, text } from './fields.js';

// The parts of an ECS service that connect it to AWS networking and storage. Berth records most
// of them; ports named here become ports of the Kubernetes Service it makes.

export const LoadBalancer = z.strictObject({
  targetGroupArn: text('The ELB target group. Recorded; Berth exposes the port through a Kubernetes Service.').optional(),
  loadBalancerName: text('A Classic Load Balancer name. Recorded.').optional(),
  containerName: ecsName('The container that receives the traffic.').optional(),
  containerPort: int('The container port that receives the traffic. Becomes a port of the Kubernetes Service.', 0, 65535).optional(),
  advancedConfiguration: z
    .strictObject({
      alternateTargetGroupArn: text('The alternate target group of blue/green deployments.').optional(),
      productionListenerRule: text('The listener rule (ALB) or listener (NLB) of production traffic.').optional(),
      testListenerRule: text('The listener rule (ALB) or listener (NLB) of test traffic.').optional(),
      roleArn: text('The IAM role ECS uses to call Elastic Load Balancing.').optional(),
    })
    .describe('Target groups and listeners for blue/green, linear and canary deployments. Reported.')
    .optional(),
});

export const ServiceRegistry = z.strictObject({
  registryArn: text('The Cloud Map service ARN. Recorded; Berth registers the tasks in cluster DNS through a Kubernetes Service.').optional(),
  port: int('The port of SRV records.', 0, 65535).optional(),
  containerName: ecsName('The container of SRV records (bridge or host network mode).').optional(),
  containerPort: int('The container port of SRV records (bridge or host network mode).', 0, 65535).optional(),
});

export const NetworkConfiguration = z
  .strictObject({
    awsvpcConfiguration: z
      .strictObject({
        subnets: strings('Subnet IDs (at most 16).', 16),
        securityGroups: strings('Security group IDs (at most 5).', 5).optional(),
        assignPublicIp: oneOf(['ENABLED', 'DISABLED'], 'Give the task a public IP. Default DISABLED.').optional(),
      })
      .describe('Subnets and security groups of awsvpc tasks. Recorded.')
      .optional(),
  })
  .describe('The network configuration of awsvpc tasks. Recorded; pods use the cluster network.');

export const ServiceConnectConfiguration = z
  .strictObject({
    enabled: flag('Turn Service Connect on.'),
    namespace: text('The Cloud Map namespace.').optional(),
    services: z
      .array(
        z.strictObject({
          portName: text('The name of a portMappings entry of the task definition.'),
          discoveryName: text('The name clients discover; default portName.').optional(),
          clientAliases: z
            .array(
              z.strictObject({
                port: int('The port clients connect to.', 0, 65535),
                dnsName: text('The DNS name clients use; default discoveryName.namespace.').optional(),
                testTrafficRules: z
                  .strictObject({
                    header: z
                      .strictObject({
                        name: text('The HTTP header that marks test traffic.'),
                        value: z.strictObject({ exact: text('The exact header value.') }).describe('The value the header must have.').optional(),
                      })
                      .describe('Header-based routing of test traffic.'),
                  })
                  .describe('Which requests reach the new revision during a blue/green test. Reported.')
                  .optional(),
              }),
            )
            .describe('Names and ports clients use.')
            .optional(),
          ingressPortOverride: int('The port the proxy listens on.', 0, 65535).optional(),
          timeout: z
            .strictObject({
              idleTimeoutSeconds: int('Idle connection timeout in seconds.', 0, 2147483647).optional(),
              perRequestTimeoutSeconds: int('Per-request timeout in seconds.', 0, 2147483647).optional(),
            })
            .describe('Connection timeouts.')
            .optional(),
          tls: z
            .strictObject({
              issuerCertificateAuthority: z
                .strictObject({ awsPcaAuthorityArn: text('The AWS Private CA ARN.').optional() })
                .describe('The certificate authority.'),
              kmsKey: text('The KMS key.').optional(),
              roleArn: text('The IAM role for the certificate authority.').optional(),
            })
            .describe('TLS settings.')
            .optional(),
        }),
      )
      .describe('Services exposed through Service Connect.')
      .optional(),
    logConfiguration: LogConfiguration.optional(),
    accessLogConfiguration: z
      .strictObject({
        format: oneOf(['TEXT', 'JSON'], 'The format of the access log.'),
        includeQueryParameters: oneOf(['DISABLED', 'ENABLED'], 'Log query parameters too.').optional(),
      })
      .describe('Access logs of the Service Connect proxy.')
      .optional(),
    containerConfigurations: z
      .array(z.strictObject({ logLevel: oneOf(['debug', 'info'], 'The log level of the proxy container.').optional() }))
      .max(10)
      .describe('Settings of the Service Connect proxy container, one setting per entry (at most 10).')
      .optional(),
  })
  .describe('ECS Service Connect. Recorded; named ports become ports of the Kubernetes Service.');

export const VolumeConfiguration = z.strictObject({
  name: ecsName('The name of a task definition volume with configuredAtLaunch: true.'),
  managedEBSVolume: z
    .strictObject({
      roleArn: text('The infrastructure role ECS uses to manage the volume.'),
      encrypted: flag('Encrypt the volume.').optional(),
      kmsKeyId: text('The KMS key for encryption.').optional(),
      volumeType: text('The EBS volume type, for example gp3.').optional(),
      sizeInGiB: int('The size in GiB. Becomes the storage request of an ephemeral volume claim.', 1).optional(),
      snapshotId: text('A snapshot to create the volume from.').optional(),
      volumeInitializationRate: int('The rate in MiB/s at which a volume from a snapshot is initialized.', 0).optional(),
      iops: int('Provisioned IOPS.', 0).optional(),
      throughput: int('Provisioned throughput in MiB/s (gp3).', 0).optional(),
      tagSpecifications: z
        .array(
          z.strictObject({
            resourceType: oneOf(['volume'], 'The resource tagged: volume.'),
            tags: ecsTags('Tags of the volume.').optional(),
            propagateTags: oneOf(['TASK_DEFINITION', 'SERVICE', 'NONE'], 'Copy tags from the task definition or the service.').optional(),
          }),
        )
        .describe('Tags of the volume.')
        .optional(),
      filesystemType: oneOf(['ext3', 'ext4', 'xfs', 'ntfs'], 'The file system of the volume.').optional(),
    })
    .describe('An EBS volume created for each task.')
    .optional(),
});

export const VpcLatticeConfiguration = z.strictObject({
  roleArn: text('The infrastructure role for VPC Lattice.'),
  targetGroupArn: text('The VPC Lattice target group.'),
  portName: text('The name of a portMappings entry of the task definition.'),
  advancedConfiguration: z
    .strictObject({
      alternateTargetGroupArn: text('The alternate target group of blue/green deployments.').optional(),
      productionListenerRule: text('The listener rule of production traffic.').optional(),
      testListenerRule: text('The listener rule of test traffic.').optional(),
    })
    .describe('Target groups and listeners for blue/green, linear and canary deployments. Reported.')
    .optional(),
});
