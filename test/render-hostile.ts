import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import type { ServiceSpec } from '../src/api/service.js';
import type { TaskDefinitionSpec } from '../src/api/taskdefinition.js';
import { rolloutLimits } from '../src/ecs/rollout.js';
import { renderServiceChildren, type ServiceRender } from '../src/render/service/children.js';
import type { RenderRefusal } from '../src/render/service/inputs.js';
import { REPO } from './corpus.js';

// Inputs that Berth's schema accepts and a careless or hostile user could write, each one field
// of the examples changed. For each: the field a refusal must name, or nothing when what it
// renders must be accepted by the real apiserver (test/integration/render-valid.test.ts holds
// the checker to that; test/unit/render/hostile.test.ts runs the same table without a cluster).

export interface HostileCase {
  name: string;
  td?: (td: TaskDefinitionSpec) => void;
  service?: (svc: ServiceSpec) => void;
  /** The field a refusal names; absent: the render runs. */
  refused?: string;
  /**
   * What Kubernetes does with the value the checker refuses: `refuses` it (the default), or
   * `none`: the renderer refused it as ECS would, so there is nothing to send.
   */
  kubernetes?: 'refuses' | 'none';
  /** The condition reason of the refusal: InvalidForKubernetes unless another check refuses first. */
  reason?: string;
}

const INT32_MAX = 2 ** 31 - 1;
const ECS_EC2 = (td: TaskDefinitionSpec) => {
  td.requiresCompatibilities = ['EC2'];
};
const app = (td: TaskDefinitionSpec) => td.containerDefinitions[0];
const C0 = 'spec.containerDefinitions[0]';

export const HOSTILE_CASES: HostileCase[] = [
  // environment
  { name: 'env name with =', td: (td) => void (app(td).environment = [{ name: 'A=B', value: 'x' }]), refused: `${C0}.environment[0].name` },
  { name: 'env name not ASCII', td: (td) => void (app(td).environment = [{ name: 'GRÜSSE', value: 'x' }]), refused: `${C0}.environment[0].name` },
  { name: 'env name empty', td: (td) => void (app(td).environment = [{ name: 'OK', value: 'x' }, { name: '', value: 'x' }]), refused: `${C0}.environment[1].name` },
  { name: 'env name with a tab', td: (td) => void (app(td).environment = [{ name: 'A\tB', value: 'x' }]), refused: `${C0}.environment[0].name` },
  { name: 'env name with a space, a dot, a leading digit', td: (td) => void (app(td).environment = [{ name: '1 my.var', value: 'x' }]) },
  { name: 'env name repeated', td: (td) => void (app(td).environment = [{ name: 'A', value: '1' }, { name: 'A', value: '2' }]) },
  {
    name: 'env name in environment and in secrets',
    td: (td) => void ((app(td).environment = [{ name: 'PASSWORD', value: 'x' }]), (app(td).secrets = [{ name: 'PASSWORD', valueFrom: 'db:password' }])),
  },
  { name: 'env value of 256 KiB', td: (td) => void (app(td).environment = [{ name: 'BIG', value: 'x'.repeat(256 * 1024) }]) },
  { name: 'secret name with =', td: (td) => void (app(td).secrets = [{ name: 'PASS=WORD', valueFrom: 'db-secret:password' }]), refused: `${C0}.secrets[0].name` },
  // ports
  { name: 'containerPort 0', td: (td) => void (app(td).portMappings = [{ containerPort: 0, protocol: 'tcp' }]), refused: `${C0}.portMappings[0].containerPort` },
  {
    name: 'port name twice in a container',
    td: (td) => void (app(td).portMappings = [{ containerPort: 80, name: 'http' }, { containerPort: 81, name: 'http' }]),
    refused: `${C0}.portMappings[1].name`,
  },
  {
    name: 'port name once in each of two containers',
    td: (td) => void td.containerDefinitions.push({ name: 'sidecar', image: 'nginx:1.27', essential: false, portMappings: [{ containerPort: 8080, name: 'http' }] }),
  },
  {
    name: 'the same containerPort twice',
    td: (td) => void (app(td).portMappings = [{ containerPort: 80, name: 'web' }, { containerPort: 80, name: 'admin' }]),
    refused: `${C0}.portMappings[1].containerPort`,
  },
  { name: 'the same containerPort for tcp and udp', td: (td) => void (app(td).portMappings = [{ containerPort: 53, protocol: 'tcp' }, { containerPort: 53, protocol: 'udp' }]) },
  { name: 'port name not an IANA name', td: (td) => void (app(td).portMappings = [{ containerPort: 80, name: 'HTTP_Port' }]) },
  {
    name: 'bridge host port twice',
    td: (td) => {
      ECS_EC2(td);
      td.networkMode = 'bridge';
      app(td).portMappings = [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 8080 }];
    },
    refused: `${C0}.portMappings[1].hostPort`,
  },
  {
    name: 'host mode, the same port twice',
    td: (td) => {
      ECS_EC2(td);
      td.networkMode = 'host';
      app(td).portMappings = [{ containerPort: 80, name: 'web' }, { containerPort: 80, name: 'admin' }];
    },
    refused: `${C0}.portMappings[1].containerPort`,
  },
  {
    name: 'bridge dynamic host ports',
    td: (td) => {
      ECS_EC2(td);
      td.networkMode = 'bridge';
      app(td).portMappings = [{ containerPort: 80, hostPort: 0 }, { containerPort: 81 }];
    },
  },
  // quantities
  { name: 'task cpu of 32 digits', td: (td) => void (ECS_EC2(td), (td.cpu = '9'.repeat(32))), refused: 'spec.cpu', kubernetes: 'none', reason: 'InvalidTaskDefinition' },
  { name: 'task cpu of 16 digits of vCPU', td: (td) => void (ECS_EC2(td), (td.cpu = `${'9'.repeat(16)} vCPU`)), refused: 'spec.cpu', kubernetes: 'none', reason: 'InvalidTaskDefinition' },
  // The schema caps ECS's integers at int32 (test/unit/api/int-bounds.test.ts), so the largest
  // cpu and memory a user can write still fit Kubernetes quantities.
  {
    name: 'container cpu at int32',
    td: (td) => {
      ECS_EC2(td);
      delete td.cpu;
      app(td).cpu = INT32_MAX;
      app(td).memory = 512;
      delete td.memory;
    },
  },
  {
    name: 'container memory at int32 MiB',
    td: (td) => {
      ECS_EC2(td);
      delete td.cpu;
      delete td.memory;
      app(td).memory = INT32_MAX;
    },
  },
  { name: 'GPU 1.5', td: (td) => void (ECS_EC2(td), (app(td).resourceRequirements = [{ type: 'GPU', value: '1.5' }])), refused: `${C0}.resourceRequirements[0].value` },
  { name: 'GPU not a number', td: (td) => void (ECS_EC2(td), (app(td).resourceRequirements = [{ type: 'GPU', value: 'two' }])), refused: `${C0}.resourceRequirements[0].value` },
  { name: 'GPU 2', td: (td) => void (ECS_EC2(td), (app(td).resourceRequirements = [{ type: 'GPU', value: '2' }])) },
  // labels and annotations
  { name: 'a Docker label of 1 MiB', td: (td) => void (app(td).dockerLabels = { big: 'x'.repeat(1024 * 1024) }) },
  { name: 'Docker labels of 200 KiB', td: (td) => void (app(td).dockerLabels = { big: 'x'.repeat(200 * 1024), small: 'ok' }) },
  { name: 'Docker labels not label-safe', td: (td) => void (app(td).dockerLabels = { 'com.example/a b': 'ü', ['x'.repeat(100)]: 'y' }) },
  { name: '50 tags of the largest size', td: (td) => void (td.tags = Array.from({ length: 50 }, (_, i) => ({ key: `${i}`.padEnd(128, 'k'), value: 'v'.repeat(256) }))) },
  // network
  { name: 'extraHosts IP not an IP', td: (td) => void (app(td).extraHosts = [{ hostname: 'db', ipAddress: 'not-an-ip' }]), refused: `${C0}.extraHosts[0].ipAddress` },
  { name: 'extraHosts IP with a leading 0', td: (td) => void (app(td).extraHosts = [{ hostname: 'db', ipAddress: '010.0.0.1' }]), refused: `${C0}.extraHosts[0].ipAddress` },
  { name: 'extraHosts IPv4-mapped IPv6', td: (td) => void (app(td).extraHosts = [{ hostname: 'db', ipAddress: '::ffff:10.0.0.1' }]), refused: `${C0}.extraHosts[0].ipAddress` },
  { name: 'extraHosts IPv6', td: (td) => void (app(td).extraHosts = [{ hostname: 'db', ipAddress: '2001:db8::1' }]) },
  { name: 'extraHosts hostname not a DNS name', td: (td) => void (app(td).extraHosts = [{ hostname: 'Bad_Host', ipAddress: '10.0.0.1' }]) },
  { name: 'links alias not a DNS name', td: (td) => void (ECS_EC2(td), (td.networkMode = 'bridge'), (app(td).links = ['db:Bad_Alias'])) },
  { name: 'dnsServers not an IP', td: (td) => void (ECS_EC2(td), (td.networkMode = 'bridge'), (app(td).dnsServers = ['8.8.8.8', 'dns.example.com'])), refused: `${C0}.dnsServers[1]` },
  {
    name: 'four dnsServers',
    td: (td) => void (ECS_EC2(td), (td.networkMode = 'bridge'), (app(td).dnsServers = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'])),
    refused: `${C0}.dnsServers[3]`,
  },
  { name: 'dnsSearchDomains not a domain', td: (td) => void (app(td).dnsSearchDomains = ['bad domain!']), refused: `${C0}.dnsSearchDomains[0]` },
  { name: 'dnsSearchDomains with an underscore', td: (td) => void (app(td).dnsSearchDomains = ['_srv.example.com', 'example.org.']) },
  { name: 'hostname not a DNS label', td: (td) => void (ECS_EC2(td), (td.networkMode = 'bridge'), (app(td).hostname = 'Bad_Name')) },
  // security
  { name: 'uid beyond int32', td: (td) => void (app(td).user = '2147483648'), refused: `${C0}.user` },
  { name: 'uid of 20 digits', td: (td) => void (app(td).user = '99999999999999999999'), refused: `${C0}.user` },
  { name: 'gid beyond int32', td: (td) => void (app(td).user = '1000:4294967296'), refused: `${C0}.user` },
  { name: 'uid:gid at int32', td: (td) => void (app(td).user = `${INT32_MAX}:${INT32_MAX}`) },
  { name: 'user by name', td: (td) => void (app(td).user = 'nginx:www-data') },
  { name: 'sysctl with an empty segment', td: (td) => void (app(td).systemControls = [{ namespace: 'net..core', value: '1' }]), refused: `${C0}.systemControls[0].namespace` },
  { name: 'sysctl in capitals', td: (td) => void (app(td).systemControls = [{ namespace: 'Net.Core.Somaxconn', value: '1024' }]), refused: `${C0}.systemControls[0].namespace` },
  { name: 'sysctl with slashes', td: (td) => void (app(td).systemControls = [{ namespace: 'net/core/somaxconn', value: '1024' }]) },
  {
    name: 'sysctl set twice',
    td: (td) => void (app(td).systemControls = [{ namespace: 'net.core.somaxconn', value: '1024' }, { namespace: 'net.core.somaxconn', value: '2048' }]),
  },
  { name: 'capabilities that do not exist', td: (td) => void (app(td).linuxParameters = { capabilities: { add: ['NOT_A_CAP', 'sys ptrace'] } }) },
  // volumes and mounts
  { name: 'tmpfs of int32 MiB', td: (td) => void (ECS_EC2(td), (app(td).linuxParameters = { tmpfs: [{ containerPath: '/scratch', size: INT32_MAX }] })) },
  { name: 'shared memory of int32 MiB', td: (td) => void (ECS_EC2(td), (app(td).linuxParameters = { sharedMemorySize: INT32_MAX })) },
  {
    name: 'two mount points on one path',
    td: (td) => {
      td.volumes = [{ name: 'a' }, { name: 'b' }];
      app(td).mountPoints = [{ sourceVolume: 'a', containerPath: '/data' }, { sourceVolume: 'b', containerPath: '/data' }];
    },
  },
  {
    name: 'a relative mount path with a colon',
    td: (td) => {
      td.volumes = [{ name: 'a' }];
      app(td).mountPoints = [{ sourceVolume: 'a', containerPath: 'data:x' }];
    },
  },
  { name: 'volume names that differ in case', td: (td) => void (td.volumes = [{ name: 'Data' }, { name: 'data' }]), refused: 'spec.volumes[1].name', kubernetes: 'none', reason: 'InvalidTaskDefinition' },
  // containers
  { name: 'image with a leading space', td: (td) => void (app(td).image = ' nginx:1.27'), refused: `${C0}.image` },
  { name: 'image with a trailing newline', td: (td) => void (app(td).image = 'nginx:1.27\n'), refused: `${C0}.image` },
  { name: 'container name of 255 characters', td: (td) => void (app(td).name = `N_${'x'.repeat(253)}`) },
  { name: 'stopTimeout at int32', td: (td) => void (app(td).stopTimeout = INT32_MAX) },
  { name: 'healthCheck CMD without a command', td: (td) => void (app(td).healthCheck = { command: ['CMD'] }) },
  { name: 'healthCheck CMD-SHELL without a command line', td: (td) => void (app(td).healthCheck = { command: ['CMD-SHELL'] }) },
  { name: 'serviceAccountName not a DNS name', td: (td) => void (td.kubernetes = { serviceAccountName: 'Bad_Account' }), refused: 'spec.kubernetes.serviceAccountName' },
  { name: 'task role with odd characters', td: (td) => void (td.taskRoleArn = 'arn:aws:iam::123456789012:role/path/My_Role+Name@x') },
  // the Service
  { name: 'maximumPercent at int32', service: (s) => void (s.deploymentConfiguration = { ...s.deploymentConfiguration, maximumPercent: INT32_MAX }) },
  { name: 'desiredCount and maximumPercent at int32', service: (s) => void ((s.desiredCount = INT32_MAX), (s.deploymentConfiguration = { maximumPercent: INT32_MAX, minimumHealthyPercent: 0 })) },
  { name: 'DAEMON that may both stop and surge', service: (s) => void ((s.schedulingStrategy = 'DAEMON'), delete s.desiredCount, delete s.placementStrategy, (s.deploymentConfiguration = { minimumHealthyPercent: 50, maximumPercent: 200 })) },
  { name: 'DAEMON with maximumPercent at int32', service: (s) => void ((s.schedulingStrategy = 'DAEMON'), delete s.desiredCount, delete s.placementStrategy, (s.deploymentConfiguration = { minimumHealthyPercent: 100, maximumPercent: INT32_MAX })) },
  {
    name: 'autoscaling target of 1e300 and maxCapacity at int32',
    service: (s) => void (s.autoScaling = { minCapacity: 1, maxCapacity: INT32_MAX, targetTrackingPolicies: [{ predefinedMetric: 'ECSServiceAverageCPUUtilization', targetValue: 1e300 }] }),
  },
  { name: 'healthCheckGracePeriodSeconds at int32', service: (s) => void (s.healthCheckGracePeriodSeconds = INT32_MAX) },
  { name: 'load balancer on containerPort 0', service: (s) => void (s.loadBalancers = [{ containerName: 'nginx', containerPort: 0 }]), refused: 'spec.loadBalancers[0].containerPort' },
  { name: 'load balancer on a port no mapping has', service: (s) => void (s.loadBalancers = [{ containerName: 'nginx', containerPort: 8443 }]) },
  {
    name: 'memberOf a value no label can have',
    service: (s) => void (s.placementConstraints = [{ type: 'memberOf', expression: 'attribute:ecs.instance-type == "t2 micro"' }]),
    refused: 'spec.placementConstraints[0].expression',
    kubernetes: 'none',
    reason: 'InvalidPlacement',
  },
  {
    name: 'two spread strategies on one field',
    service: (s) => void (s.placementStrategy = [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'spread', field: 'attribute:ecs.availability-zone' }]),
  },
  { name: 'extraHosts and links on one IP', td: (td) => void (ECS_EC2(td), (td.networkMode = 'bridge'), (app(td).links = ['db']), (app(td).extraHosts = [{ hostname: 'cache', ipAddress: '127.0.0.1' }])) },
  { name: 'service tags not label-safe', service: (s) => void ((s.propagateTags = 'SERVICE'), (s.tags = [{ key: 'a b/c', value: 'ü'.repeat(200) }])) },
];

/** What the refusal message contains: the field, $-rooted where the renderer refused as ECS would. */
export function namedInRefusal(c: HostileCase): string {
  const refused = c.refused ?? '';
  return c.kubernetes === 'none' && c.td ? refused.replace(/^spec\./, '$.') : refused;
}

function example(file: string): { metadata: { name: string }; spec: unknown } {
  return parse(readFileSync(resolve(REPO, 'examples', file), 'utf8'));
}

/** The examples with the case's change made: a fresh copy each time. */
export function hostileInputs(c: HostileCase): { taskDefinition: TaskDefinitionSpec; service: ServiceSpec } {
  const taskDefinition = structuredClone(example('web-taskdefinition.yaml').spec) as TaskDefinitionSpec;
  const service = structuredClone(example('web-service.yaml').spec) as ServiceSpec;
  c.td?.(taskDefinition);
  c.service?.(service);
  return { taskDefinition, service };
}

export const HOSTILE_UID = '7e0b7a52-0000-4000-8000-00000000beef';

/** Everything the Service renders, in namespace `namespace`, checked or not. */
export function renderHostile(c: HostileCase, namespace: string, checkKubeRules = true): ServiceRender | RenderRefusal {
  const { taskDefinition, service } = hostileInputs(c);
  const daemon = service.schedulingStrategy === 'DAEMON';
  const desired = daemon ? 0 : (service.desiredCount ?? 0);
  return renderServiceChildren({
    service: { metadata: { name: 'web', namespace, uid: HOSTILE_UID }, spec: service },
    taskDefinition: { family: 'web', revision: 1, spec: taskDefinition },
    rollout: {
      taskDefinition: { family: 'web', revision: 1 },
      deploymentId: '1',
      replicas: desired,
      limits: rolloutLimits(desired, service.deploymentConfiguration, daemon ? 'DAEMON' : 'REPLICA'),
      paused: false,
      suspendScaleIn: false,
    },
    checkKubeRules,
  });
}
