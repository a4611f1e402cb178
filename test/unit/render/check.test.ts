import type { PodTemplateSpec } from '../../../src/api/kube.js';
import type { TaskDefinitionSpec } from '../../../src/api/taskdefinition.js';
import { checkServiceChildren, checkTaskDefinitionTemplate } from '../../../src/render/check/children.js';
import { describeProblems, KubeRulesError } from '../../../src/render/check/problem.js';
import { renderPodTemplate } from '../../../src/render/podtemplate.js';
import type { ServiceChildren } from '../../../src/render/service/children.js';
import { container, task } from './helpers.js';

// The checker on rendered objects: each rule with a rendered value the apiserver accepts (no
// problem) and one it refuses, and the message naming the task definition field it came from.

const spec: TaskDefinitionSpec = task(
  { networkMode: 'bridge', volumes: [{ name: 'data' }] },
  container('app', {
    environment: [{ name: 'MODE', value: 'x' }],
    secrets: [{ name: 'PASSWORD', valueFrom: 'db:password' }],
    portMappings: [{ containerPort: 80, hostPort: 8080, name: 'http' }],
    cpu: 256,
    memory: 512,
    mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }],
    healthCheck: { command: ['CMD', 'true'] },
    user: '1000:1000',
    extraHosts: [{ hostname: 'db', ipAddress: '10.0.0.1' }],
    dnsServers: ['10.0.0.2'],
    dnsSearchDomains: ['example.com'],
    systemControls: [{ namespace: 'net.core.somaxconn', value: '1024' }],
    linuxParameters: { tmpfs: [{ containerPath: '/scratch', size: 64 }] },
    resourceRequirements: [{ type: 'GPU', value: '1' }],
  }),
);
const td = { family: 'web', revision: 3, spec };

function rendered(): PodTemplateSpec {
  return structuredClone(renderPodTemplate(td, { checkKubeRules: false }).template);
}

type Edit = (t: PodTemplateSpec) => void;
const c0 = (t: PodTemplateSpec) => t.spec.containers[0];

const P = 'spec.containerDefinitions[0]';
const cases: [string, Edit, string][] = [
  // Variables are found in the task definition by name (test/render-hostile.ts renders them from
  // it); one renamed here is named by its rendered field only.
  ['env name with =', (t) => void (c0(t).env![0].name = 'A=B'), `pod template: template.spec.containers[0].env[0].name "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`],
  ['secret env name empty', (t) => void (c0(t).env![1].name = ''), `pod template: template.spec.containers[0].env[1].name "": environment variable name must be non-empty`],
  ['secret name not a DNS name', (t) => void (c0(t).env![1].valueFrom!.secretKeyRef!.name = 'Db'), `${P}.secrets[0].valueFrom "Db": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (pod template: template.spec.containers[0].env[1].valueFrom.secretKeyRef.name)`],
  ['env name twice', (t) => void c0(t).env!.push({ name: 'MODE', value: 'y' }), `${P}.environment[0].name "MODE": Duplicate value (pod template: template.spec.containers[0].env[2].name)`],
  ['containerPort twice', (t) => void c0(t).ports!.push({ containerPort: 80, protocol: 'TCP' }), `${P}.portMappings[0].containerPort "80/TCP": Duplicate value (pod template: template.spec.containers[0].ports[1].containerPort)`],
  ['containerPort for two protocols', (t) => void c0(t).ports!.push({ containerPort: 80, protocol: 'UDP' }), ''],
  ['host alias IP twice', (t) => void t.spec.hostAliases!.push({ ip: '10.0.0.1', hostnames: ['cache'] }), `${P}.extraHosts[0].ipAddress "10.0.0.1": Duplicate value (pod template: template.spec.hostAliases[1].ip)`],
  [
    'topology spread twice',
    (t) => void (t.spec.topologySpreadConstraints = [1, 2].map(() => ({ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway' as const }))),
    'pod template: template.spec.topologySpreadConstraints[1] "zone/ScheduleAnyway": Duplicate value',
  ],
  ['containerPort 0', (t) => void (c0(t).ports![0].containerPort = 0), `pod template: template.spec.containers[0].ports[0].containerPort 0: must be between 1 and 65535, inclusive`],
  ['port name invalid', (t) => void (c0(t).ports![0].name = 'HTTP'), `pod template: template.spec.containers[0].ports[0].name "HTTP": must be no more than 15 lower case alphanumeric characters or '-', with at least one letter, and must not start or end with '-' or contain '--'`],
  ['port name twice', (t) => void c0(t).ports!.push({ containerPort: 81, name: 'http' }), `pod template: template.spec.containers[0].ports[1].name "http": Duplicate value`],
  ['host port twice', (t) => void c0(t).ports!.push({ containerPort: 81, hostPort: 8080, protocol: 'TCP' }), `pod template: template.spec.containers[0].ports[1].hostPort "8080/TCP": Duplicate value`],
  ['host network with another host port', (t) => void ((t.spec.hostNetwork = true), (c0(t).ports![0].hostPort = 8081)), `${P}.portMappings[0].hostPort 8081: must match \`containerPort\` when \`hostNetwork\` is true (pod template: template.spec.containers[0].ports[0].hostPort)`],
  ['cpu with an exponent', (t) => void (c0(t).resources!.requests!.cpu = '9.765625e+31m'), `${P}.cpu "9.765625e+31m": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (pod template: template.spec.containers[0].resources.requests[cpu])`],
  ['memory beyond 2^63 bytes', (t) => void (c0(t).resources!.limits!.memory = '9007199254740991Mi'), `${P}.memory "9007199254740991Mi": is beyond the range of a Kubernetes quantity (2^63-1) (pod template: template.spec.containers[0].resources.limits[memory])`],
  ['negative memory', (t) => void (c0(t).resources!.requests!.memory = '-1Mi'), `${P}.memory "-1Mi": must be greater than or equal to 0 (pod template: template.spec.containers[0].resources.requests[memory])`],
  ['request above limit', (t) => void (c0(t).resources!.requests!.memory = '1Gi'), `${P}.memory "1Gi": must be less than or equal to memory limit of 512Mi (pod template: template.spec.containers[0].resources.requests[memory])`],
  ['GPU not whole', (t) => void (c0(t).resources!.limits!['nvidia.com/gpu'] = '1.5'), `${P}.resourceRequirements[0].value "1.5": must be an integer (pod template: template.spec.containers[0].resources.limits[nvidia.com/gpu])`],
  ['mount of no volume', (t) => void (c0(t).volumeMounts![0].name = 'gone'), `${P}.mountPoints[0].containerPath "gone": not found (pod template: template.spec.containers[0].volumeMounts[0].name)`],
  ['mount path twice', (t) => void c0(t).volumeMounts!.push({ name: 'data', mountPath: '/data' }), `${P}.mountPoints[0].containerPath "/data": must be unique (pod template: template.spec.containers[0].volumeMounts[2].mountPath)`],
  ['volume name not a DNS label', (t) => void (t.spec.volumes![0].name = 'Data'), `pod template: template.spec.volumes[0].name "Data": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character; ${P}.mountPoints[0].containerPath "data": not found (pod template: template.spec.containers[0].volumeMounts[0].name)`],
  ['tmpfs size beyond 2^63 bytes', (t) => void (t.spec.volumes![1].emptyDir!.sizeLimit = '9007199254740991Mi'), `${P}.linuxParameters.tmpfs[0].size "9007199254740991Mi": is beyond the range of a Kubernetes quantity (2^63-1) (pod template: template.spec.volumes[1].emptyDir.sizeLimit)`],
  ['probe period beyond int32', (t) => void (c0(t).livenessProbe!.periodSeconds = 2 ** 31), `${P}.healthCheck 2147483648: must be between 0 and 2147483647, inclusive (pod template: template.spec.containers[0].livenessProbe.periodSeconds)`],
  ['liveness success threshold 2', (t) => void (c0(t).livenessProbe!.successThreshold = 2), `${P}.healthCheck 2: must be 1 (pod template: template.spec.containers[0].livenessProbe.successThreshold)`],
  ['probe without a command', (t) => void (c0(t).readinessProbe!.exec!.command = []), `${P}.healthCheck []: Required value (pod template: template.spec.containers[0].readinessProbe.exec.command)`],
  ['uid beyond int32', (t) => void (c0(t).securityContext!.runAsUser = 2 ** 31), `${P}.user 2147483648: must be between 0 and 2147483647, inclusive (pod template: template.spec.containers[0].securityContext.runAsUser)`],
  ['gid beyond int32', (t) => void (c0(t).securityContext!.runAsGroup = 1e20), `${P}.user 100000000000000000000: must be between 0 and 2147483647, inclusive (pod template: template.spec.containers[0].securityContext.runAsGroup)`],
  ['image with a space', (t) => void (c0(t).image = 'nginx '), `${P}.image "nginx ": must not have leading or trailing whitespace (pod template: template.spec.containers[0].image)`],
  ['container name twice', (t) => void t.spec.containers.push({ ...c0(t), ports: [] }), `spec.containerDefinitions[0].name "app": Duplicate value (pod template: template.spec.containers[1].name)`],
  ['host alias IP', (t) => void (t.spec.hostAliases![0].ip = '10.0.0.01'), `pod template: template.spec.hostAliases[0].ip "10.0.0.01": must not have leading 0s`],
  ['host alias name', (t) => void (t.spec.hostAliases![0].hostnames = ['Db']), `pod template: template.spec.hostAliases[0].hostnames[0] "Db": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`],
  ['nameserver', (t) => void (t.spec.dnsConfig!.nameservers = ['dns']), `pod template: template.spec.dnsConfig.nameservers[0] "dns": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`],
  ['four nameservers', (t) => void (t.spec.dnsConfig!.nameservers = ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5']), `pod template: template.spec.dnsConfig.nameservers ["10.0.0.2","10.0.0.3","10.0.0.4","10.0.0.5"]: must not have more than 3 nameservers`],
  ['search domain', (t) => void (t.spec.dnsConfig!.searches = ['bad domain']), `pod template: template.spec.dnsConfig.searches[0] "bad domain": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`],
  ['33 search domains', (t) => void (t.spec.dnsConfig!.searches = Array.from({ length: 33 }, (_, i) => `d${i}.example`)), `pod template: template.spec.dnsConfig.searches 33: must not have more than 32 search paths`],
  ['hostname', (t) => void (t.spec.hostname = 'Web'), `pod template: template.spec.hostname "Web": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`],
  // A value the task definition does not hold is named by the rendered field only.
  ['sysctl name', (t) => void (t.spec.securityContext!.sysctls![0].name = 'net..core'), `pod template: template.spec.securityContext.sysctls[0].name "net..core": must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$`],
  ['sysctl twice', (t) => void t.spec.securityContext!.sysctls!.push({ name: 'net.core.somaxconn', value: '1' }), `${P}.systemControls[0].namespace "net.core.somaxconn": Duplicate value (pod template: template.spec.securityContext.sysctls[1].name)`],
  ['grace period beyond 2^53', (t) => void (t.spec.terminationGracePeriodSeconds = 2 ** 54), `pod template: template.spec.terminationGracePeriodSeconds 18014398509481984: must be a whole number from 0 to 9007199254740991`],
  ['service account name', (t) => void (t.spec.serviceAccountName = 'Bad_Name'), `pod template: template.spec.serviceAccountName "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`],
  ['annotations over 256 KiB', (t) => void (t.metadata!.annotations = { big: 'x'.repeat(256 * 1024) }), `pod template: template.metadata.annotations "262147 bytes": may not be more than 262144 bytes`],
  ['label value', (t) => void (t.metadata!.labels!.extra = 'a b'), `pod template: template.metadata.labels[extra] "a b": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`],
  ['node selector value', (t) => void (t.spec.nodeSelector = { 'kubernetes.io/arch': 'amd 64' }), `pod template: template.spec.nodeSelector[kubernetes.io/arch] "amd 64": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`],
  [
    'node affinity value',
    (t) => void (t.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a b'] }] }] } } }),
    `pod template: template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0] "a b": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
  ],
];

describe('the pod template checker', () => {
  test('the rendered template breaks no rule', () => {
    expect(checkTaskDefinitionTemplate(td, rendered())).toEqual([]);
  });

  test.each(cases)('%s', (_name, edit, message) => {
    const template = rendered();
    edit(template);
    expect(describeProblems(checkTaskDefinitionTemplate(td, template))).toBe(message);
  });

  test('a template too large for etcd to keep as a workload is refused', () => {
    const template = rendered();
    c0(template).env = [{ name: 'BIG', value: 'x'.repeat(600 * 1024) }];
    expect(describeProblems(checkTaskDefinitionTemplate(td, template))).toMatch(
      /^pod template: template "60\d KiB": may not be more than 512 KiB as JSON \(etcd could not store the workload with its managed fields\)$/,
    );
  });

  test('renderPodTemplate refuses with the first field as the path', () => {
    const bad = { ...td, spec: task({}, container('app', { environment: [{ name: 'A=B' }, { name: 'C=D' }] })) };
    expect(() => renderPodTemplate(bad)).toThrow(KubeRulesError);
    try {
      renderPodTemplate(bad);
    } catch (err) {
      expect((err as KubeRulesError).path).toBe('$.containerDefinitions[0].environment[0].name');
      expect((err as KubeRulesError).problems).toHaveLength(2);
      expect((err as KubeRulesError).message).toBe(
        "$.containerDefinitions[0].environment[0].name: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '=' (pod template: template.spec.containers[0].env[0].name); " +
          "spec.containerDefinitions[0].environment[1].name \"C=D\": a valid environment variable name must consist only of printable ASCII characters other than '=' (pod template: template.spec.containers[0].env[1].name)",
      );
    }
  });

  test('more than five problems are counted, not listed', () => {
    const env = Array.from({ length: 7 }, (_, i) => ({ name: `A${i}=` }));
    const template = rendered();
    c0(template).env = env;
    expect(describeProblems(checkTaskDefinitionTemplate(td, template))).toMatch(/; and 2 more$/);
  });
});

function children(): ServiceChildren {
  const template = rendered();
  const metadata = { name: 'web', namespace: 'shop', labels: { app: 'web' } };
  return {
    workloads: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: { replicas: 3, selector: { matchLabels: {} }, template, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 0 } } } }],
    service: { apiVersion: 'v1', kind: 'Service', metadata, spec: { ports: [{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP' }] } },
    autoscaler: {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata,
      spec: { scaleTargetRef: { kind: 'Service', name: 'web' }, minReplicas: 1, maxReplicas: 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
    },
    serviceAccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'task-role-web', namespace: 'shop' } },
  };
}

type ChildEdit = (c: ServiceChildren) => void;
const deployment = (c: ServiceChildren) => c.workloads[0] as any;
const serviceCases: [string, ChildEdit, string][] = [
  ['replicas beyond int32', (c) => void (deployment(c).spec.replicas = 2 ** 31), 'spec.desiredCount 2147483648: must be between 0 and 2147483647, inclusive (Deployment web: spec.replicas)'],
  ['maxSurge beyond int32', (c) => void (deployment(c).spec.strategy.rollingUpdate.maxSurge = 2 ** 53), 'spec.deploymentConfiguration.maximumPercent 9007199254740992: must be between 0 and 2147483647, inclusive (Deployment web: spec.strategy.rollingUpdate.maxSurge)'],
  ['maxUnavailable above 100%', (c) => void (deployment(c).spec.strategy.rollingUpdate.maxUnavailable = '101%'), 'spec.deploymentConfiguration.minimumHealthyPercent "101%": must not be greater than 100% (Deployment web: spec.strategy.rollingUpdate.maxUnavailable)'],
  ['both limits 0', (c) => void (deployment(c).spec.strategy.rollingUpdate.maxSurge = 0), 'spec.deploymentConfiguration.minimumHealthyPercent 0: may not be 0 when `maxSurge` is 0 (Deployment web: spec.strategy.rollingUpdate.maxUnavailable)'],
  [
    'DaemonSet that both surges and stops',
    (c) => void (c.workloads = [{ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'web' }, spec: { selector: {}, template: rendered(), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '50%' } } } }]),
    'spec.deploymentConfiguration.maximumPercent 1: may not be set when maxUnavailable is non-zero (DaemonSet web: spec.updateStrategy.rollingUpdate.maxSurge)',
  ],
  [
    'DaemonSet surging 200%',
    (c) => void (c.workloads = [{ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'web' }, spec: { selector: {}, template: rendered(), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '200%', maxUnavailable: 0 } } } }]),
    'spec.deploymentConfiguration.maximumPercent "200%": must not be greater than 100% (DaemonSet web: spec.updateStrategy.rollingUpdate.maxSurge)',
  ],
  ['Service port 0', (c) => void (c.service!.spec!.ports![0].port = 0), 'Service web: spec.ports[0].port 0: must be between 1 and 65535, inclusive'],
  ['Service port twice', (c) => void c.service!.spec!.ports!.push({ name: 'again', port: 80, targetPort: 80, protocol: 'TCP' }), 'spec.loadBalancers[0].containerPort "80/TCP": Duplicate value (Service web: spec.ports[1])'],
  ['Service ports without names', (c) => void c.service!.spec!.ports!.push({ port: 81, targetPort: 81, protocol: 'TCP' }), 'Service web: spec.ports[1].name undefined: Required value'],
  ['Service port name', (c) => void (c.service!.spec!.ports![0].name = 'Http'), "spec.loadBalancers[0].containerPort \"Http\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (Service web: spec.ports[0].name)"],
  ['HPA minReplicas 0', (c) => void (c.autoscaler!.spec.minReplicas = 0), 'spec.autoScaling.minCapacity 0: must be between 1 and 2147483647, inclusive (HorizontalPodAutoscaler web: spec.minReplicas)'],
  ['HPA max below min', (c) => void (c.autoscaler!.spec.minReplicas = 20), 'spec.autoScaling.maxCapacity 10: must be greater than or equal to `minReplicas` (HorizontalPodAutoscaler web: spec.maxReplicas)'],
  ['HPA target beyond int32', (c) => void (c.autoscaler!.spec.metrics![0].resource!.target.averageUtilization = 1e300), 'spec.autoScaling.targetTrackingPolicies[0].targetValue 1e+300: must be between 1 and 2147483647, inclusive (HorizontalPodAutoscaler web: spec.metrics[0].resource.target.averageUtilization)'],
  ['ServiceAccount name', (c) => void (c.serviceAccount!.metadata!.name = 'Role_A'), "ServiceAccount Role_A: metadata.name \"Role_A\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"],
];

describe('the Service children checker', () => {
  const service = { spec: { taskDefinition: 'web', loadBalancers: [{ containerName: 'app', containerPort: 80 }] } };

  test('valid children break no rule', () => {
    expect(checkServiceChildren(children(), service, td)).toEqual([]);
  });

  test.each(serviceCases)('%s', (_name, edit, message) => {
    const c = children();
    edit(c);
    expect(describeProblems(checkServiceChildren(c, service, td))).toBe(message);
  });

  test('task definition fields are named with the revision', () => {
    const c = children();
    c0(deployment(c).spec.template).securityContext!.runAsUser = 2 ** 31;
    expect(describeProblems(checkServiceChildren(c, service, td))).toBe(
      'task definition web:3 spec.containerDefinitions[0].user 2147483648: must be between 0 and 2147483647, inclusive (Deployment web: spec.template.spec.containers[0].securityContext.runAsUser)',
    );
  });
});
