import { X509Certificate, randomBytes } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { connect } from 'node:tls';
import type { FargateProfile } from '../../src/api/fargateprofile.js';
import { Kube, Resources, type KubeObject } from '../../src/runtime/index.js';
import { CA_HANDOVER_MS, renew, type CertificateNeeds } from '../../src/webhook/certs.js';
import { MemoryCertificateStore, SecretCertificateStore } from '../../src/webhook/certstore.js';
import { mutatePod, validatePod } from '../../src/webhook/pods.js';
import { MUTATE_PATH, VALIDATE_PATH, webhookConfigurations } from '../../src/webhook/registration.js';
import { CertificateRotator, type CertificateChange } from '../../src/webhook/rotation.js';
import { startAdmissionServer, type AdmissionServer } from '../../src/webhook/server.js';
import { kubeConfig, kubectl, kubectlJson, newNamespace, waitFor } from './cluster.js';

// The webhook's certificates kept in a Secret, as replicas in a cluster keep them: the first
// replica makes them, the others take them, and a renewal by one reaches the others.

const DAY = 86_400_000;
const needs: CertificateNeeds = {
  dnsNames: ['berth-webhook', 'berth-webhook.ns', 'berth-webhook.ns.svc', 'berth-webhook.ns.svc.cluster.local'],
  ipAddresses: [],
  caLifetimeMs: 300 * DAY,
  servingLifetimeMs: 30 * DAY,
};

describe('webhook certificates in a Secret', () => {
  const kube = new Kube(kubeConfig(), { qps: 0 });
  afterAll(() => kube.close());
  let t = Date.now();
  const now = () => new Date(t);

  test('replicas share one CA, and follow each other’s renewals', async () => {
    const ns = await newNamespace('webhook-certs');
    const replica = () => new CertificateRotator({ store: new SecretCertificateStore(kube, ns, 'berth-webhook-certs'), needs, now });
    const a = replica();
    const b = replica();
    // Both start at once: one creates the Secret, the other loses the race and takes its bundle.
    await Promise.all([a.check(), b.check()]);
    expect(b.current).toEqual(a.current);

    const secret = await kubectlJson(['get', 'secret', 'berth-webhook-certs', '-n', ns]);
    expect(Object.keys(secret.data).sort()).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    const served = new X509Certificate(Buffer.from(secret.data['tls.crt'], 'base64').toString());
    expect(served.checkHost('berth-webhook.ns.svc')).toBe('berth-webhook.ns.svc');
    expect(served.checkIssued(new X509Certificate(a.caBundle))).toBe(true);

    // Two thirds of the serving certificate's life later, whoever looks first renews it.
    t += 21 * DAY;
    const renewed = await a.check();
    expect(renewed).toEqual(expect.objectContaining({ servingChanged: true, caChanged: false }));
    expect((await b.check())?.servingChanged).toBe(true);
    expect(b.current).toEqual(a.current);

    // The CA's turn: the new bundle trusts the old CA too, for replicas not yet on the new one.
    const oldCa = a.current!.caCert;
    t += 180 * DAY;
    const rotated = await b.check();
    expect(rotated?.caChanged).toBe(true);
    expect(rotated?.caBundle).toBe(b.current!.caCert + oldCa);
    expect((await a.check())?.caBundle).toBe(rotated?.caBundle);
    const stored = await kube.get<any>(Resources.Secret, 'berth-webhook-certs', ns);
    expect(Buffer.from(stored.data['ca-previous.crt'], 'base64').toString()).toBe(oldCa);
  });
});

// A CA change under load. The webhook is put together here as the operator puts it together
// (webhook.ts: rotator -> setCertificate / register), on a clock the test moves, and registered
// under its own configuration name for one namespace, so it meets no other webhook of the run.
// The apiserver keeps its connections to the webhook alive; pods are created one after another
// before, during and after the CA renewal and the certificate swap, and every one is admitted.
describe('a CA change while the apiserver is calling the webhook', () => {
  const kube = new Kube(kubeConfig(), { qps: 0 });
  const suffix = randomBytes(3).toString('hex');
  const configName = `berth-pki-${suffix}`;
  const runtimeClass = `berth-pki-${suffix}`;
  let server: AdmissionServer | undefined;
  afterAll(async () => {
    await kubectl(['delete', 'mutatingwebhookconfiguration,validatingwebhookconfiguration', configName, '--ignore-not-found']);
    await kubectl(['delete', 'runtimeclass', runtimeClass, '--ignore-not-found']);
    await server?.close();
    kube.close();
  });

  test('pods keep being admitted across the CA renewal and the certificate swap', async () => {
    const ns = await newNamespace('webhook-ca-swap');
    await kube.apply({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: runtimeClass }, handler: 'runc' } as KubeObject, { fieldManager: 'berth-test' });
    const profile = { metadata: { name: `pki-${suffix}` }, spec: { selectors: [{ namespace: ns }], runtimeClassName: runtimeClass } } as unknown as FargateProfile;
    const context = () => ({ profiles: [profile], options: {} });

    // A CA of 30 days, serving certificates of 15, and a clock that starts 20 days back: the CA
    // comes due 20 minutes before "now".
    let offsetMs = -20 * DAY;
    const now = () => new Date(Date.now() + offsetMs);
    const needs: CertificateNeeds = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], caLifetimeMs: 30 * DAY, servingLifetimeMs: 15 * DAY };
    let url = '';
    const register = async (caBundle: string) => {
      for (const config of webhookConfigurations({ endpoint: { url }, caBundle, excludedNamespaces: [] }) as any[]) {
        config.metadata.name = configName;
        for (const webhook of config.webhooks) webhook.namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': ns } };
        await kube.apply(config, { fieldManager: 'berth-test' });
      }
    };
    const changes: CertificateChange[] = [];
    const rotator = new CertificateRotator({
      store: new MemoryCertificateStore(),
      needs,
      now,
      onChange: async (change) => {
        changes.push(change);
        if (change.servingChanged) server?.setCertificate({ cert: change.bundle.cert, key: change.bundle.key });
        if (change.caChanged && server) await register(change.caBundle);
      },
    });
    await rotator.check();
    // An hour back, the serving certificate's own renewal: the one in use at the CA renewal is not due.
    offsetMs = -1 * 3600_000;
    expect(await rotator.check()).toEqual(expect.objectContaining({ caChanged: false, servingChanged: true }));
    server = await startAdmissionServer({
      host: '127.0.0.1',
      port: 0,
      tls: { cert: rotator.current!.cert, key: rotator.current!.key },
      routes: { [MUTATE_PATH]: { name: 'mutate', handle: (r) => mutatePod(r, context()) }, [VALIDATE_PATH]: { name: 'validate', handle: (r) => validatePod(r, context()) } },
    });
    url = `https://127.0.0.1:${server.port}`;
    await register(rotator.caBundle);

    const pod = (name: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns },
      spec: { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
    });
    const created: string[] = [];
    const failed: string[] = [];
    const createPod = async (name: string) => {
      try {
        await kube.create(pod(name));
        created.push(name);
      } catch (err) {
        failed.push(`${name}: ${(err as Error).message}`);
      }
    };
    await waitFor('the apiserver to route pods through the webhook', async () => {
      const dryRun = JSON.parse(await kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], JSON.stringify(pod('probe'))));
      return dryRun.spec.runtimeClassName === runtimeClass;
    });

    // Connections the webhook accepts: far fewer than the calls it answers, as the apiserver
    // keeps them alive.
    let connections = 0;
    const onSocket = (message: unknown) => {
      if ((message as { socket: Socket }).socket.localPort === server?.port) connections++;
    };
    diagnostics.subscribe('net.server.socket', onSocket);

    // Three creators, one pod after another each, as long as the test runs: at most 3 x 150 pods.
    let running = true;
    const loop = Promise.all(
      [0, 1, 2].map(async (creator) => {
        for (let i = 0; running && i < 150; i++) await createPod(`pod-${creator}-${i}`);
      }),
    );
    const atLeast = (n: number) => waitFor(`${n} pods created (failures: ${failed.length})`, async () => created.length >= n || failed.length > 0, 120_000);

    await atLeast(10);
    const firstCa = rotator.current!.caCert;
    const firstServing = rotator.current!.cert;
    // The CA is due: the new one is trusted first (both CAs in the caBundle), nothing is swapped yet.
    offsetMs = 0;
    expect(await rotator.check()).toEqual(expect.objectContaining({ caChanged: true, servingChanged: false }));
    const newCa = rotator.current!.caCert;
    expect(rotator.caBundle).toBe(newCa + firstCa);
    expect(rotator.current!.cert).toBe(firstServing);
    await atLeast(created.length + 10);

    // The check after the handover: a certificate of the new CA, swapped in under the same server.
    offsetMs = CA_HANDOVER_MS + 60_000;
    expect(await rotator.check()).toEqual(expect.objectContaining({ caChanged: false, servingChanged: true }));
    const served = new X509Certificate(await servedCertificate(server.port));
    expect(served.verify(new X509Certificate(newCa).publicKey)).toBe(true);
    await atLeast(created.length + 10);

    // The previous CA no longer needed: the apiserver trusts the new CA alone, on new connections.
    await register(newCa);
    await atLeast(created.length + 10);
    running = false;
    await loop;
    diagnostics.unsubscribe('net.server.socket', onSocket);

    expect(failed).toEqual([]);
    expect(created.length).toBeGreaterThanOrEqual(40);
    // Two calls per pod (mutating, validating) over a handful of connections.
    expect(connections).toBeGreaterThan(0);
    expect(connections).toBeLessThan(created.length / 2);
    const pods = (await kubectlJson(['get', 'pods', '-n', ns])).items as any[];
    const routed = pods.filter((p) => p.spec.runtimeClassName === runtimeClass && p.metadata.labels?.['ecs.berth.dev/fargate-profile'] === profile.metadata.name);
    expect(routed.map((p) => p.metadata.name).sort()).toEqual(pods.map((p) => p.metadata.name).sort());
    expect(changes).toHaveLength(4);

    // And the trust is real: with a caBundle that does not hold the serving certificate's CA,
    // the apiserver refuses the certificate, and pods fail closed.
    await register((await renew(undefined, 'all', needs, new Date())).caCert);
    await waitFor('pods refused for a certificate the caBundle does not trust', async () => {
      try {
        await kube.create(pod(`untrusted-${randomBytes(2).toString('hex')}`));
        return false;
      } catch (err) {
        return /failed calling webhook|x509|certificate/i.test((err as Error).message) ? (err as Error).message : false;
      }
    });
    await kubectl(['delete', 'namespace', ns, '--wait=false']);
  });
});

/** The certificate (DER) a TLS server presents to a new connection. */
async function servedCertificate(port: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().raw);
      socket.end();
    });
    socket.on('error', reject);
  });
}
