import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { formatIssues } from '../../../src/api/rules.js';
import { ServiceSpec, type Service } from '../../../src/api/service.js';
import { TaskDefinitionSpec } from '../../../src/api/taskdefinition.js';
import { parseTaskDefinitionRef } from '../../../src/api/values.js';
import { deriveServiceStatus } from '../../../src/ecs/status.js';
import { normaliseTaskDefinitionJson } from '../../../src/render/ecs-input.js';
import { dnsName } from '../../../src/render/names.js';
import { renderServiceChildren } from '../../../src/render/service/children.js';
import type { ClusterFacts } from '../../../src/render/service/inputs.js';
import { describeCorpus, REPO, readCorpus } from '../../corpus.js';

// Golden files: representative Services of the ECS corpus, each with the task definition it
// runs, rendered as a brand-new Service (the first pass of the status derivation gives the
// rollout plan). test/golden/service/<case>.yaml is the contract; UPDATE_GOLDEN=1 rewrites the
// files, and a missing one fails.

const goldenDir = join(REPO, 'test/golden/service');
const update = process.env.UPDATE_GOLDEN === '1';

const FARGATE_PROFILE = {
  metadata: { name: 'shop-fargate' },
  spec: { selectors: [{ namespace: 'shop', labels: { 'ecs.berth.dev/launch-type': 'FARGATE' } }], subnets: ['subnet-a', 'subnet-b'] },
};
const CLUSTER: ClusterFacts = {
  fargateProfiles: [FARGATE_PROFILE],
  subnetZones: { 'subnet-a': 'eu-west-1a', 'subnet-b': 'eu-west-1b' },
  knownLabelValues: new Map([['topology.kubernetes.io/zone', new Set(['eu-west-1a', 'eu-west-1b', 'eu-west-1c'])]]),
};

interface Case {
  name: string;
  service: string;
  taskDefinition: string;
  /** Changes to the corpus files, said in `changes`. */
  patch?: Record<string, unknown>;
  fixTaskDefinition?: (spec: Record<string, unknown>) => Record<string, unknown>;
  changes?: string;
}

// The Mythical Mysfits task definition says protocol "http", which ECS does not accept.
function tcpPorts(spec: Record<string, unknown>): Record<string, unknown> {
  const defs = spec.containerDefinitions as { portMappings?: { protocol?: string }[] }[];
  return { ...spec, containerDefinitions: defs.map((d) => ({ ...d, portMappings: d.portMappings?.map((m) => ({ ...m, protocol: 'tcp' })) })) };
}

const CASES: Case[] = [
  {
    name: 'replica-lb-autoscaling',
    service: 'fargate-circuitBreaker-execCommand-unknown-enableLogging.json',
    taskDefinition: 'fargate-arm64-secretsmanager-json-key-healthcheck.json',
    patch: {
      enableLogging: undefined,
      launchType: 'EC2',
      autoScaling: { minCapacity: 2, maxCapacity: 8, targetTrackingPolicies: [{ predefinedMetric: 'ECSServiceAverageCPUUtilization', targetValue: 70 }] },
      kubernetes: { serviceType: 'LoadBalancer' },
    },
    changes: 'without enableLogging (not an ECS field); launchType EC2; autoScaling and a LoadBalancer Service added',
  },
  { name: 'fargate-multi-target-group-grace', service: 'fargate-multi-targetgroup-propagateTags-gracePeriod.json', taskDefinition: 'fargate-describe-output-hyperdx-10containers-efs-arm64.json' },
  { name: 'fargate-service-connect', service: 'fargate-serviceConnect-execCommand-alb.json', taskDefinition: 'fargate-xray-sidecar-named-ports-appProtocol-ssm-secrets.json' },
  { name: 'fargate-spot-capacity-providers', service: 'fargate-spot-capacityProviderStrategy-circuitBreaker-alarms.json', taskDefinition: 'fargate-ec2-dual-compat-workshop-ui.json', patch: { taskDefinition: 'ecs-workshop-user-interface-service' }, changes: 'taskDefinition names the corpus task definition it is paired with' },
  {
    name: 'ec2-fargate-capacity-providers',
    service: 'fargate-spot-capacityProviderStrategy-circuitBreaker-alarms.json',
    taskDefinition: 'fargate-ec2-dual-compat-workshop-ui.json',
    patch: { taskDefinition: 'ecs-workshop-user-interface-service', desiredCount: 5, capacityProviderStrategy: [{ capacityProvider: 'EC2', base: 1, weight: 1 }, { capacityProvider: 'FARGATE', weight: 2 }] },
    changes: 'desiredCount 5 over EC2 (base 1, weight 1) and FARGATE (weight 2); taskDefinition names the corpus task definition it is paired with',
  },
  {
    name: 'ec2-nlb-spread',
    service: 'mysfits-ec2-awsvpc-nlb-placementStrategy-spread.json',
    taskDefinition: 'ec2-awsvpc-mysfits-task-cpu-mem-invalid-protocol-http.json',
    fixTaskDefinition: tcpPorts,
    changes: 'portMappings protocol http (not an ECS value) made tcp',
  },
  { name: 'ec2-cloudmap-registry', service: 'fargate-serviceRegistries-cloudmap-platform-1.2.0.json', taskDefinition: 'ec2-bridge-nginx-dynamic-hostport.json', patch: { taskDefinition: 'nginx', launchType: 'EC2' }, changes: 'launchType EC2; taskDefinition names the corpus task definition it is paired with' },
  { name: 'daemon', service: 'ec2-daemon-schedulingStrategy-minimal.json', taskDefinition: 'ec2-bridge-daemon-cwagent-host-volumes-readonly.json', patch: { taskDefinition: 'ecs-cwagent-daemon-service' }, changes: 'taskDefinition names the corpus task definition it is paired with' },
  {
    name: 'refused-fargate-ec2-task-definition',
    service: 'mysfits-ec2-awsvpc-nlb-placementStrategy-spread.json',
    taskDefinition: 'ec2-bridge-nginx-dynamic-hostport.json',
    patch: { taskDefinition: 'nginx', launchType: 'FARGATE', placementStrategy: undefined },
    changes: 'launchType FARGATE, without placementStrategy; taskDefinition names the corpus task definition it is paired with',
  },
];

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readCorpus(file)) as Record<string, unknown>;
}

function renderCase(c: Case): Record<string, unknown> {
  const source: Record<string, unknown> = { service: `ecs-corpus/services/${c.service}`, taskDefinition: `ecs-corpus/taskdefs/${c.taskDefinition}` };
  if (c.changes) source.changes = c.changes;
  const raw = { ...readJson(`services/${c.service}`), ...c.patch };
  for (const [k, v] of Object.entries(raw)) if (v === undefined) delete raw[k];

  const { spec: normalised } = normaliseTaskDefinitionJson(readJson(`taskdefs/${c.taskDefinition}`));
  const tdRaw = c.fixTaskDefinition ? c.fixTaskDefinition(normalised) : normalised;
  const td = TaskDefinitionSpec.safeParse(tdRaw);
  if (!td.success) return { source, error: formatIssues(td.error.issues, ['taskDefinition', 'spec']) };

  // As `berth import` names it: metadata.name is the Kubernetes form of serviceName.
  const { serviceName, ...rest } = raw as { serviceName?: string };
  const parsed = ServiceSpec.safeParse(rest);
  if (!parsed.success) return { source, error: formatIssues(parsed.error.issues, ['spec']) };
  const ref = parseTaskDefinitionRef(parsed.data.taskDefinition);
  const svc: Service = {
    apiVersion: 'ecs.berth.dev/v1alpha1',
    kind: 'Service',
    metadata: { name: dnsName(serviceName ?? 'service'), namespace: 'shop', uid: '0c6b1a52-5d0e-4f8e-9a51-2f4f1b6f3e10', generation: 1 },
    spec: parsed.data,
  };
  const target = { family: ref.family, revision: ref.revision ?? 1 };
  const derived = deriveServiceStatus({ service: svc, target, workloads: [], pods: [], now: new Date('2026-03-01T10:00:00Z') });
  if (!derived.rollout) throw new Error(`${c.name}: no rollout plan`);
  const out = renderServiceChildren({ service: svc, taskDefinition: { ...target, spec: td.data }, rollout: derived.rollout, cluster: CLUSTER });
  if (!out.ok) return { source, rollout: derived.rollout, refused: { reason: out.reason, message: out.message } };
  const { workloads, service, autoscaler, serviceAccount } = out.children;
  return {
    source,
    rollout: derived.rollout,
    children: [...workloads, service, autoscaler, serviceAccount].filter((o) => o !== undefined),
    ...(out.ignored.length > 0 ? { ignored: out.ignored } : {}),
    ...(out.serviceIgnored.length > 0 ? { serviceIgnored: out.serviceIgnored } : {}),
    ...(out.fargate ? { fargate: out.fargate.map(({ workload, decision }) => ({ workload, ...(decision.action === 'route' ? { action: 'route', profile: decision.profile } : decision) })) } : {}),
  };
}

describeCorpus('Service → children (golden)', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const golden = join(goldenDir, `${c.name}.yaml`);
    const actual = stringify(renderCase(c), { lineWidth: 0, aliasDuplicateObjects: false });
    if (update) {
      mkdirSync(goldenDir, { recursive: true });
      writeFileSync(golden, actual);
    }
    if (!existsSync(golden)) throw new Error(`no golden file ${golden}: review the rendering, then create it with UPDATE_GOLDEN=1`);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });

  test('every golden file has its case', () => {
    const names = CASES.map((c) => `${c.name}.yaml`);
    expect(readdirSync(goldenDir).filter((f) => !names.includes(f))).toEqual([]);
  });
});
