import { describe, expect, test } from '@jest/globals';
import { runProfile, type ProfileCommandDeps } from '../../../src/cli/profile.js';
import type { ProfileLike } from '../../../src/fargate/profile.js';
import { readFixture } from '../../corpus.js';
import { memoryIo } from '../convert/memory-io.js';

const PROFILES = `
apiVersion: ecs.berth.dev/v1alpha1
kind: FargateProfile
metadata: {name: default-fargate}
spec:
  selectors: [{namespace: "*", labels: {ecs.berth.dev/launch-type: FARGATE}}]
---
apiVersion: ecs.berth.dev/v1alpha1
kind: FargateProfile
metadata: {name: shop}
spec:
  selectors: [{namespace: other}, {namespace: shop}]
  runtimeClassName: kata
  subnets: [zone-b, zone-a]
`;

const pod = (name: string, labels: Record<string, string>, spec = 'containers: [{name: app, image: nginx, resources: {requests: {cpu: 500m, memory: 1Gi}}}]') => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: shop, labels: ${JSON.stringify(labels)}}
spec: {${spec}}
`;

async function match(files: Record<string, string>, ...argv: string[]) {
  const io = memoryIo({ 'profiles.yaml': PROFILES, ...files });
  const cluster: ProfileCommandDeps = { clusterProfiles: async () => [] };
  const code = await runProfile(['match', ...argv], io, cluster);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('berth profile match', () => {
  test('a pod one profile takes: profile, runtime class, size, zones, resources', async () => {
    const { code, out } = await match({ 'pod.yaml': pod('web', { app: 'web' }) }, '-f', 'pod.yaml', '--profiles', 'profiles.yaml');
    expect(code).toBe(0);
    expect(out).toBe([
      'Pod shop/web',
      '  namespace shop; labels app=web',
      '  FargateProfiles that select it, in the order they are considered:',
      '    shop  selector 2: namespace "shop"   <- takes the pod',
      '  => routed to FargateProfile shop',
      '     runtime class        kata',
      '     CapacityProvisioned  0.5vCPU 2GB',
      '     zones                zone-a, zone-b',
      '     pod resources        cpu 500m, memory 1792Mi (requests = limits)',
      '',
    ].join('\n'));
  });

  test('several profiles: all listed in order, the first name takes it; a pin takes another', async () => {
    const both = { app: 'web', 'ecs.berth.dev/launch-type': 'FARGATE' };
    const { out } = await match({ 'pod.yaml': pod('web', both) }, '-f', 'pod.yaml', '--profiles', 'profiles.yaml');
    expect(out).toContain('    default-fargate  selector 1: namespace "*", labels ecs.berth.dev/launch-type=FARGATE   <- takes the pod\n    shop             selector 2: namespace "shop"\n');
    expect(out).toContain('several select it: the alphanumerically first name wins');
    expect(out).toContain('runtime class        berth-isolated');
    const pinned = await match({ 'pod.yaml': pod('web', { ...both, 'ecs.berth.dev/fargate-profile': 'shop' }) }, '-f', 'pod.yaml', '--profiles', 'profiles.yaml');
    expect(pinned.out).toContain('    shop             selector 2: namespace "shop"   <- takes the pod');
    expect(pinned.out).toContain('pinned by label ecs.berth.dev/fargate-profile=shop');
    expect(pinned.out).toContain('=> routed to FargateProfile shop');
  });

  test.each<[string, string, string]>([
    ['no spec', 'apiVersion: v1\nkind: Pod\nmetadata: {name: bad, namespace: shop}\n', 'InvalidPod: spec: the pod has no spec'],
    ['containers not a list', pod('bad', {}).replace(/spec: .*/, 'spec: {containers: {name: app}}'), 'InvalidPod: spec.containers: must be a list, found an object'],
    ['a quantity that is a list', pod('bad', {}, 'containers: [{name: app, resources: {requests: {cpu: [1]}}}]'), 'spec.containers[0].resources.requests.cpu: invalid cpu quantity: a quantity is a string such as "250m" or "1Gi", not a list'],
    ['a cpu of 1e999999999', pod('bad', {}, 'containers: [{name: app, resources: {requests: {cpu: "1e999999999"}}}]'), "the exponent of '1e999999999' is outside -9..18"],
  ])('a malformed pod (%s) is refused naming the path, exit status 1', async (_name, text, message) => {
    const { code, out, err } = await match({ 'pod.yaml': text }, '-f', 'pod.yaml', '--profiles', 'profiles.yaml');
    expect(err).toBe('');
    expect(code).toBe(1);
    expect(out).toContain(message);
  });

  test('a quantity written as a number is read as Kubernetes reads it', async () => {
    const { code, out } = await match({ 'pod.yaml': pod('web', {}, 'containers: [{name: app, resources: {requests: {cpu: 1, memory: 1Gi}}}]') }, '-f', 'pod.yaml', '--profiles', 'profiles.yaml');
    expect(code).toBe(0);
    expect(out).toContain('CapacityProvisioned  1vCPU 2GB');
  });

  test('a refused pod names the rule, and the exit status is 1', async () => {
    const { code, out } = await match({ 'pod.yaml': pod('bad', {}, 'containers: [{name: app, image: nginx, securityContext: {privileged: true}}]') }, '-f', 'pod.yaml', '--profiles', 'profiles.yaml');
    expect(code).toBe(1);
    expect(out).toContain('=> refused by FargateProfile shop (rule Privileged)');
    expect(out).toContain('FargateProfile "shop" refuses the pod: Privileged: container "app" is privileged');
  });

  test('a pod no profile selects runs on ordinary nodes; -n names its namespace', async () => {
    const plain = 'apiVersion: v1\nkind: Pod\nmetadata: {name: plain}\nspec: {containers: [{name: app, image: nginx}]}\n';
    const { code, out } = await match({ 'pod.yaml': plain }, '-f', 'pod.yaml', '--profiles', 'profiles.yaml', '-n', 'web');
    expect(code).toBe(0);
    expect(out).toBe('Pod web/plain\n  namespace web; labels none\n  no FargateProfile selects it\n  => runs on ordinary nodes\n');
  });

  test('pod templates of workloads; a DaemonSet is refused', async () => {
    const workloads = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: app, image: nginx}]}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: shop}
spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: job, image: busybox}]}}}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec: {template: {spec: {containers: [{name: agent, image: busybox}]}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ignored}
`;
    const { code, out } = await match({ 'w.yaml': workloads }, 'w.yaml', '--profiles', 'profiles.yaml');
    expect(code).toBe(1);
    expect(out).toContain('Deployment shop/web (pod template)');
    expect(out).toContain('CronJob shop/nightly (pod template)');
    expect(out).toContain('DaemonSet shop/agent (pod template)');
    expect(out).toContain('=> refused by FargateProfile shop (rule DaemonSet)');
    expect(out).not.toContain('ConfigMap');
  });

  test('a Berth Service and its TaskDefinition: the pods as Berth renders them', async () => {
    const ecs = `
apiVersion: ecs.berth.dev/v1alpha1
kind: TaskDefinition
metadata: {name: api}
spec: {family: api, networkMode: awsvpc, requiresCompatibilities: [FARGATE], cpu: "1 vCPU", memory: "2GB", containerDefinitions: [{name: app, image: nginx, essential: true}]}
---
apiVersion: ecs.berth.dev/v1alpha1
kind: Service
metadata: {name: api}
spec: {taskDefinition: api, desiredCount: 2, launchType: FARGATE}
`;
    const { code, out } = await match({ 'svc.yaml': ecs }, '-f', 'svc.yaml', '--profiles', 'profiles.yaml', '-n', 'team');
    expect(code).toBe(0);
    expect(out).toContain('Service team/api (its pods as Berth renders them)');
    expect(out).toContain('ecs.berth.dev/service=api');
    expect(out).toContain('=> routed to FargateProfile default-fargate');
    // An ECS task runs at its task size, verbatim: no 256 MiB added, no rounding up.
    expect(out).toContain('CapacityProvisioned  1vCPU 2GB');
    expect(out).toContain('pod resources        cpu 1, memory 2Gi (requests = limits)');
    expect(out).not.toContain('TaskDefinition team/api'); // shown through its Service
  });

  test('ECS task definition JSON is imported first', async () => {
    const json = readFixture('fargate-arm64-secrets-healthcheck.json');
    const { code, out } = await match({ 'td.json': json }, '-f', 'td.json', '--profiles', 'profiles.yaml', '-n', 'team');
    expect(code).toBe(0);
    expect(out).toMatch(/^TaskDefinition team\/\S+ \(its pods as Berth renders them, launch type FARGATE\)/);
    expect(out).toContain('=> routed to FargateProfile default-fargate');
  });

  test('--launch-type decides for a TaskDefinition no Service runs', async () => {
    const json = readFixture('fargate-arm64-secrets-healthcheck.json');
    const { out } = await match({ 'td.json': json }, '-f', 'td.json', '--profiles', 'profiles.yaml', '--launch-type', 'EC2');
    expect(out).toContain('=> runs on ordinary nodes');
  });

  test('profiles come from the cluster unless --profiles names a file', async () => {
    const io = memoryIo({ 'pod.yaml': pod('web', { app: 'web' }) });
    const asked: (string | undefined)[] = [];
    const fromCluster: ProfileLike[] = [{ metadata: { name: 'cluster-wide' }, spec: { selectors: [{ namespace: 'sh?p' }] } }];
    const code = await runProfile(['match', '-f', 'pod.yaml', '--kubeconfig', '/k'], io, { clusterProfiles: async (k) => (asked.push(k), fromCluster) });
    expect(code).toBe(0);
    expect(asked).toEqual(['/k']);
    expect(io.stdout()).toContain('=> routed to FargateProfile cluster-wide');
  });

  test.each([
    [[], 'name the pods'],
    [['-f', 'pod.yaml', '--profiles', 'profiles.yaml', '--kubeconfig', 'k'], 'do not go together'],
    [['-f', 'pod.yaml', '--bogus'], 'unknown option --bogus'],
  ])('wrong usage %j: exit 2', async (argv, message) => {
    const { code, err } = await match({ 'pod.yaml': pod('web', {}) }, ...argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  test.each([
    ['a missing file', {}, ['-f', 'nope.yaml', '--profiles', 'profiles.yaml'], 'ENOENT'],
    ['no pods in it', { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' }, ['-f', 'cm.yaml', '--profiles', 'profiles.yaml'], 'no pods or pod templates'],
    ['an invalid profile', { 'bad.yaml': 'kind: FargateProfile\nmetadata: {name: x}\nspec: {selectors: []}\n', 'pod.yaml': pod('a', {}) }, ['-f', 'pod.yaml', '--profiles', 'bad.yaml'], 'bad.yaml: FargateProfile x: spec.selectors'],
    ['a Service without its TaskDefinition', { 's.yaml': 'apiVersion: ecs.berth.dev/v1alpha1\nkind: Service\nmetadata: {name: s}\nspec: {taskDefinition: "web:3"}\n' }, ['-f', 's.yaml', '--profiles', 'profiles.yaml'], 'its TaskDefinition "web" is not in the file'],
  ])('%s: exit 2 with the reason', async (_name, files, argv, message) => {
    const { code, err } = await match(files as Record<string, string>, ...argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  test('--help', async () => {
    const io = memoryIo({});
    expect(await runProfile(['match', '--help'], io)).toBe(0);
    expect(io.stdout()).toContain('Usage: berth profile match -f FILE');
    expect(await runProfile(['frobnicate'], io)).toBe(2);
    expect(io.stderr()).toContain('unknown subcommand "frobnicate"');
  });
});
