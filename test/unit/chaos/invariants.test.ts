import { describe, expect, test } from '@jest/globals';
import { checkSnapshot, type Snapshot } from '../../../src/chaos/invariants.js';
import { deploymentId, deploymentLabelValue } from '../../../src/ecs/ids.js';

// A converged namespace, then one fault at a time: each must show up as the finding a user would
// call it (an orphan, a duplicate, a Service not where its spec says), and nothing else must.

const ID = deploymentId('svc-uid', 'app:2', 't1');
const OLD_ID = deploymentId('svc-uid', 'app:1', 't1');
const owner = (kind: string, uid: string, apiVersion = 'apps/v1') => [{ apiVersion, kind, name: 'x', uid }];
const berthOwner = (uid: string) => owner('Service', uid, 'ecs.berth.dev/v1alpha1');

function deployment(name: string, uid: string, id = ID, provider?: string): any {
  const labels: Record<string, string> = { 'ecs.berth.dev/service': 'web', 'app.kubernetes.io/managed-by': 'berth' };
  if (provider) labels['ecs.berth.dev/capacity-provider'] = provider;
  return {
    kind: 'Deployment', metadata: { name, uid, generation: 5, labels, ownerReferences: berthOwner('svc-uid') },
    spec: { replicas: 2, template: { metadata: { labels: { 'ecs.berth.dev/deployment': deploymentLabelValue(id) } } } },
    status: { observedGeneration: 5, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 },
  };
}

function pod(name: string, id = ID, rs = 'rs-uid'): any {
  return {
    kind: 'Pod', metadata: { name, labels: { 'ecs.berth.dev/service': 'web', 'ecs.berth.dev/deployment': deploymentLabelValue(id) }, ownerReferences: owner('ReplicaSet', rs) },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function converged(): Snapshot {
  return {
    services: [{
      apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'Service', metadata: { name: 'web', uid: 'svc-uid', generation: 3 },
      spec: { taskDefinition: 'app', desiredCount: 2, launchType: 'EC2', forceNewDeployment: 't1' },
      status: {
        observedGeneration: 3, taskDefinition: 'app:2', runningCount: 2,
        deployments: [{ id: ID, status: 'PRIMARY', taskDefinition: 'app:2', rolloutState: 'COMPLETED', runningCount: 2 }],
        conditions: [{ type: 'SteadyState', status: 'True' }],
      },
    }] as any,
    taskDefinitions: [{ metadata: { name: 'app', generation: 2 }, status: { observedGeneration: 2, revision: 2 } }],
    deployments: [deployment('web', 'dep-uid')],
    replicaSets: [{ kind: 'ReplicaSet', metadata: { name: 'web-abc', uid: 'rs-uid', ownerReferences: owner('Deployment', 'dep-uid') } }],
    kubeServices: [],
    autoscalers: [],
    pods: [pod('web-abc-1'), pod('web-abc-2')],
  };
}

type Case = [string, (s: Snapshot) => void, { orphaned?: RegExp; duplicated?: RegExp; pending?: RegExp }];

const cases: Case[] = [
  ['its Service is gone', (s) => (s.services = []), { orphaned: /Deployment web: its Service x \(svc-uid\) is gone/ }],
  ['a retired provider Deployment is still there', (s) => s.deployments.push(deployment('web-fargate', 'dep-2', ID, 'FARGATE')), { orphaned: /Deployment web-fargate: Service x no longer asks for it/ }],
  ['two Deployments for one Service', (s) => s.deployments.push(deployment('web-2', 'dep-2')), { orphaned: /web-2/, duplicated: /2 Deployments for web\/-: web, web-2/ }],
  ['a Berth-labelled Deployment with no owner', (s) => s.deployments.push({ ...deployment('stray', 'dep-3'), metadata: { ...deployment('stray', 'dep-3').metadata, ownerReferences: undefined, labels: { 'app.kubernetes.io/managed-by': 'berth' } } }), { orphaned: /Deployment stray: managed by Berth but owned by no Service/ }],
  ['a ReplicaSet whose Deployment is gone', (s) => s.replicaSets.push({ kind: 'ReplicaSet', metadata: { name: 'old', uid: 'rs-2', ownerReferences: owner('Deployment', 'gone') } }), { orphaned: /ReplicaSet old: its Deployment is gone/ }],
  ['a pod whose ReplicaSet is gone', (s) => s.pods.push(pod('lost', ID, 'gone')), { orphaned: /Pod lost: its ReplicaSet is gone/, pending: /3 ready pods/ }],
  ['the Deployment is missing', (s) => (s.deployments = []), { pending: /Deployment web is missing/, orphaned: /ReplicaSet web-abc: its Deployment is gone/ }],
  ['status from an older generation', (s) => (s.services[0].status!.observedGeneration = 2), { pending: /observedGeneration 2 is not generation 3/ }],
  ['status names the old revision', (s) => (s.services[0].status!.taskDefinition = 'app:1'), { pending: /status.taskDefinition is app:1, not app:2/ }],
  ['the old deployment still listed', (s) => s.services[0].status!.deployments!.push({ id: OLD_ID, status: 'ACTIVE', taskDefinition: 'app:1', rolloutState: 'COMPLETED' }), { pending: /not one PRIMARY/ }],
  ['a new token not deployed yet', (s) => (s.services[0].spec.forceNewDeployment = 't2'), { pending: /not one PRIMARY/ }],
  ['the rollout is in progress', (s) => (s.services[0].status!.deployments![0].rolloutState = 'IN_PROGRESS'), { pending: /PRIMARY deployment is IN_PROGRESS/ }],
  ['status counts a task that is not running', (s) => (s.services[0].status!.runningCount = 3), { pending: /runningCount 3/ }],
  ['no steady state yet', (s) => (s.services[0].status!.conditions = []), { pending: /SteadyState is not True/ }],
  ['the Deployment runs the old template', (s) => (s.deployments[0] = deployment('web', 'dep-uid', OLD_ID)), { pending: /does not run deployment/ }],
  ['a pod is not ready', (s) => (s.pods[1].status!.conditions = [{ type: 'Ready', status: 'False' }]), { pending: /1 ready pods of .* and 1 others/ }],
  ['an old task still runs', (s) => s.pods.push(pod('old', OLD_ID)), { pending: /2 ready pods of .* and 1 others/ }],
  ['a TaskDefinition change not registered yet', (s) => (s.taskDefinitions[0].metadata!.generation = 3), { pending: /TaskDefinition app status is of generation 2, not 3/ }],
  ['the TaskDefinition has no revision', (s) => (s.taskDefinitions = []), { pending: /TaskDefinition app has no revision yet/ }],
];

describe('checkSnapshot', () => {
  test('a converged namespace has no findings; terminating objects are not counted', () => {
    const s = converged();
    s.pods.push({ ...pod('leaving', OLD_ID), metadata: { ...pod('leaving', OLD_ID).metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });
    expect(checkSnapshot(s)).toEqual({ orphaned: [], duplicated: [], pending: [] });
  });

  test.each(cases)('%s', (_, mutate, expected) => {
    const s = converged();
    mutate(s);
    const findings = checkSnapshot(s);
    for (const kind of ['orphaned', 'duplicated', 'pending'] as const) {
      if (expected[kind]) {
        expect(findings[kind]).toHaveLength(1);
        expect(findings[kind][0]).toMatch(expected[kind]!);
      } else {
        expect(findings[kind]).toEqual([]);
      }
    }
  });
});
