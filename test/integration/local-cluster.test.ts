import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { isLoopback, listeningSockets } from '../../src/local/sockets.js';
import { apply, kubectl, kubectlJson, newNamespace, testCluster, waitFor } from './cluster.js';

// What the embedded control plane promises every other test: real scheduling onto labelled fake
// node pools, RuntimeClass routing to the isolated pool, and a task image that fails for real.

const container = (image: string) => ({ name: 'app', image, resources: { requests: { cpu: '100m', memory: '64Mi' } } });

async function pods(namespace: string, selector: string): Promise<any[]> {
  return (await kubectlJson<{ items: any[] }>(['get', 'pods', '-n', namespace, '-l', selector])).items;
}

async function nodesByName(): Promise<Map<string, any>> {
  const nodes = (await kubectlJson<{ items: any[] }>(['get', 'nodes'])).items;
  return new Map(nodes.map((n) => [n.metadata.name, n]));
}

const isReady = (pod: any) => pod.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');
const isIsolated = (node: any) => node.metadata.labels['ecs.berth.dev/pool'] === 'isolated';

describe('embedded control plane', () => {
  test('nodes carry zone, instance type, arch and pool labels; isolated nodes are tainted', async () => {
    const nodes = [...(await nodesByName()).values()];
    const ordinary = nodes.filter((n) => !isIsolated(n));
    const isolated = nodes.filter(isIsolated);
    expect(ordinary.length).toBeGreaterThanOrEqual(6);
    expect(isolated.length).toBeGreaterThanOrEqual(4);
    for (const node of nodes) {
      expect(node.metadata.labels).toEqual(expect.objectContaining({
        'topology.kubernetes.io/zone': expect.stringMatching(/^zone-[abc]$/),
        'node.kubernetes.io/instance-type': expect.any(String),
        'kubernetes.io/arch': expect.stringMatching(/^(amd64|arm64)$/),
        'kubernetes.io/os': 'linux',
      }));
      expect(node.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
    }
    expect(new Set(ordinary.map((n) => n.metadata.labels['topology.kubernetes.io/zone']))).toEqual(new Set(['zone-a', 'zone-b', 'zone-c']));
    expect(ordinary.some((n) => n.metadata.labels['kubernetes.io/arch'] === 'arm64')).toBe(true);
    expect(ordinary.some((n) => n.status.capacity['nvidia.com/gpu'] === '1')).toBe(true);
    expect(isolated.every((n) => n.spec.taints?.some((t: any) => t.key === 'ecs.berth.dev/isolated' && t.effect === 'NoSchedule'))).toBe(true);
    expect(isolated.some((n) => n.metadata.labels['ecs.berth.dev/capacity-type'] === 'spot')).toBe(true);
  });

  test('a Deployment of 3 replicas reaches 3 ready pods on ordinary nodes', async () => {
    const ns = await newNamespace('deploy');
    await apply([{
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container('nginx:1.27')] } } },
    }]);
    const ready = await waitFor('3 ready pods', async () => {
      const list = await pods(ns, 'app=web');
      return list.length === 3 && list.every(isReady) ? list : undefined;
    });
    const nodes = await nodesByName();
    for (const pod of ready) expect(isIsolated(nodes.get(pod.spec.nodeName))).toBe(false);
    const deployment = await kubectlJson(['get', 'deployment', 'web', '-n', ns]);
    expect(deployment.status.readyReplicas).toBe(3);
  });

  test('a pod with runtimeClassName berth-isolated runs on an isolated node through RuntimeClass admission', async () => {
    const ns = await newNamespace('isolated');
    await apply([{
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sandboxed', namespace: ns, labels: { app: 'sandboxed' } },
      spec: { runtimeClassName: 'berth-isolated', containers: [container('nginx:1.27')] },
    }]);
    const pod = await waitFor('the isolated pod to be ready', async () => (await pods(ns, 'app=sandboxed')).find(isReady));
    // The pod did not ask for these: Kubernetes merged them from the RuntimeClass's scheduling.
    expect(pod.spec.nodeSelector).toEqual({ 'ecs.berth.dev/pool': 'isolated' });
    expect(pod.spec.tolerations).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'ecs.berth.dev/isolated', effect: 'NoSchedule' })]));
    expect(isIsolated((await nodesByName()).get(pod.spec.nodeName))).toBe(true);
  });

  test('a DaemonSet runs one pod on every eligible untainted node', async () => {
    const ns = await newNamespace('daemon');
    await apply([{
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: ns },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [container('fluent-bit:3')] } } },
    }]);
    const nodes = await nodesByName();
    const eligible = [...nodes.values()].filter((n) => !n.spec.taints?.length).map((n) => n.metadata.name).sort();
    const placed = await waitFor('a ready agent on every untainted node', async () => {
      const list = await pods(ns, 'app=agent');
      return list.length === eligible.length && list.every(isReady) ? list : undefined;
    });
    expect(placed.map((p) => p.spec.nodeName).sort()).toEqual(eligible);
  });

  test('a container whose image is tagged berth-fail keeps restarting and never becomes ready', async () => {
    const ns = await newNamespace('failing');
    await apply([{
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'crasher', namespace: ns, labels: { app: 'crasher' } },
      spec: { containers: [container('nginx:berth-fail'), { ...container('busybox:1.36'), name: 'helper' }] },
    }]);
    const restartsOf = (pod: any) => pod.status?.containerStatuses?.find((c: any) => c.name === 'app')?.restartCount ?? 0;
    const first = await waitFor('a first restart', async () => (await pods(ns, 'app=crasher')).find((p) => restartsOf(p) >= 1));
    const later = await waitFor('the restart count to grow', async () => (await pods(ns, 'app=crasher')).find((p) => restartsOf(p) > restartsOf(first)));
    expect(isReady(later)).toBe(false);
    const app = later.status.containerStatuses.find((c: any) => c.name === 'app');
    expect(app.state.waiting.reason).toBe('CrashLoopBackOff');
    expect(later.status.containerStatuses.find((c: any) => c.name === 'helper').ready).toBe(true);
  });

  test('every component listens on 127.0.0.1 only', () => {
    const sockets = listeningSockets(testCluster().processes.map((p) => p.pid));
    expect(sockets.length).toBeGreaterThanOrEqual(5);
    expect(sockets.filter((s) => !isLoopback(s.address))).toEqual([]);
  });

  test('the apiserver serves a certificate of the cluster CA, and the admin is in system:masters', async () => {
    const cluster = testCluster();
    const served = await new Promise<X509Certificate>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: cluster.ports.apiserver, servername: 'kubernetes.default.svc', rejectUnauthorized: false }, () => {
        resolve(new X509Certificate(socket.getPeerCertificate().raw));
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(served.subject).toBe('CN=kube-apiserver');
    expect(served.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(served.checkIP('10.96.0.1')).toBe('10.96.0.1');
    expect(served.checkHost('kubernetes.default.svc', { subject: 'never' })).toBe('kubernetes.default.svc');
    expect(served.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const whoami = await kubectlJson(['auth', 'whoami']);
    expect(whoami.status.userInfo).toMatchObject({ username: 'berth-admin', groups: expect.arrayContaining(['system:masters']) });
  });

  test('service-account tokens are signed with the cluster key and accepted by the apiserver', async () => {
    const token = (await kubectl(['create', 'token', 'default', '-n', 'default'])).trim();
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
    expect(header.alg).toBe('ES256');
    const review = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } };
    const reviewed = JSON.parse(await kubectl(['create', '-o', 'json', '-f', '-'], JSON.stringify(review)));
    expect(reviewed.status).toMatchObject({ authenticated: true, user: { username: 'system:serviceaccount:default:default' } });
  });
});
