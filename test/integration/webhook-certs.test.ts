import { X509Certificate } from 'node:crypto';
import { Kube, Resources } from '../../src/runtime/index.js';
import type { CertificateNeeds } from '../../src/webhook/certs.js';
import { SecretCertificateStore } from '../../src/webhook/certstore.js';
import { CertificateRotator } from '../../src/webhook/rotation.js';
import { kubeConfig, kubectlJson, newNamespace } from './cluster.js';

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
