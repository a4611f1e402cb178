import { apply, kubectl, kubectlJson, newNamespace, removeNamespace, waitFor } from './cluster.js';
import { useOperator } from './operator.js';

// A user regex is evaluated by RE2 in linear time: a Service whose memberOf expression would
// backtrack for minutes in a JavaScript RegExp neither stalls the operator nor delays another
// namespace's Service, and /healthz stays OK throughout. Timeouts here only catch hangs.

const API = 'ecs.berth.dev/v1alpha1';
const BOMB = 'attribute:kubernetes.io/hostname =~ (.*.*.*.*.*)*x';

function objects(ns: string, name: string, spec: Record<string, unknown> = {}) {
  return [
    {
      apiVersion: API, kind: 'TaskDefinition', metadata: { name: 'web', namespace: ns },
      spec: { family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1.27', memory: 32, essential: true }] },
    },
    { apiVersion: API, kind: 'Service', metadata: { name, namespace: ns }, spec: { taskDefinition: 'web', launchType: 'EC2', desiredCount: 1, ...spec } },
  ];
}

const condition = (svc: any, type: string) => svc.status?.conditions?.find((c: any) => c.type === type);

/** Polls /healthz until stopped; counts the answers that were not 200. */
function pollHealth(url: string): { stop(): Promise<{ polls: number; failures: string[] }> } {
  let running = true;
  let polls = 0;
  const failures: string[] = [];
  const loop = (async () => {
    while (running) {
      polls++;
      try {
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (res.status !== 200) failures.push(`HTTP ${res.status}`);
      } catch (err) {
        failures.push((err as Error).message);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { polls, failures };
    },
  };
}

describe('a regex bomb in a placement expression', () => {
  const operator = useOperator();
  const namespaces: string[] = [];
  afterEach(async () => {
    for (const ns of namespaces.splice(0)) await removeNamespace(ns);
  });

  test('is evaluated linearly; another namespace is reconciled meanwhile and /healthz stays OK', async () => {
    const bombNs = await newNamespace('regex-bomb');
    const otherNs = await newNamespace('regex-other');
    namespaces.push(bombNs, otherNs);
    const health = pollHealth(operator.current().probeUrl);
    try {
      await apply(objects(bombNs, 'bomb', { placementConstraints: [{ type: 'memberOf', expression: BOMB }] }));
      await apply(objects(otherNs, 'web'));
      // The pattern matches no hostname, so the bomb's pods may run on no node (they stay
      // pending, as ECS tasks would), and Berth says so.
      const deployment = await waitFor('the bomb Service placed on no node', async () => {
        const d = await kubectlJson(['get', 'deployments', '-n', bombNs]).catch(() => undefined);
        return d?.items?.find((x: any) => x.metadata.name === 'bomb');
      }, 60000);
      const terms = deployment.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
      expect(terms).toEqual([{ matchExpressions: [
        { key: 'kubernetes.io/hostname', operator: 'Exists' },
        { key: 'kubernetes.io/hostname', operator: 'DoesNotExist' },
      ] }]);

      await waitFor('the other Service deployed', async () => (await kubectl(['get', 'deployments', '-n', otherNs, '-o', 'name']).catch(() => '')).includes('web'), 60000);
      await kubectl(['scale', 'ecssvc/web', '-n', otherNs, '--replicas=3']);
      await waitFor('the other Service scaled to 3', async () => (await kubectlJson(['get', 'deployment', 'web', '-n', otherNs])).spec.replicas === 3, 30000);
    } finally {
      const { polls, failures } = await health.stop();
      expect(polls).toBeGreaterThan(0);
      expect(failures).toEqual([]);
    }
  });

  test('a pattern longer than the limit: the Service says where and which rule', async () => {
    const ns = await newNamespace('regex-long');
    namespaces.push(ns);
    const expression = `attribute:kubernetes.io/hostname =~ ${'a'.repeat(300)}`;
    await apply(objects(ns, 'long', { placementConstraints: [{ type: 'memberOf', expression }] }));
    const ready = await waitFor('the refusal in condition Ready', async () => {
      const c = condition(await kubectlJson(['get', 'ecssvc', 'long', '-n', ns]), 'Ready');
      return c?.reason === 'InvalidPlacement' ? c : undefined;
    }, 60000);
    expect(ready.status).toBe('False');
    expect(ready.message).toBe(
      `spec.placementConstraints[0].expression: at column 37: '${'a'.repeat(80)}': the regular expression is 300 characters long, more than the limit of 256`,
    );
  });
});
