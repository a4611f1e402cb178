import { describe, expect, test } from '@jest/globals';
import { webhookConfigurations } from '../../../src/webhook/registration.js';
import { certificateNeeds } from '../../../src/webhook/webhook.js';

const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('webhook configurations', () => {
  test('registered by URL: Pod CREATE, fail closed, no side effects, v1 reviews, 5 s', () => {
    const [mutating, validating] = webhookConfigurations({ endpoint: { url: 'https://127.0.0.1:9443' }, caBundle: ca, excludedNamespaces: ['berth-system', 'kube-system'] }) as any[];
    expect(mutating.kind).toBe('MutatingWebhookConfiguration');
    expect(validating.kind).toBe('ValidatingWebhookConfiguration');
    for (const config of [mutating, validating]) {
      expect(config.apiVersion).toBe('admissionregistration.k8s.io/v1');
      expect(config.metadata.name).toBe('berth-pods');
      expect(config.webhooks).toHaveLength(1);
      const [w] = config.webhooks;
      expect(w).toEqual(expect.objectContaining({
        name: 'pods.fargate.ecs.berth.dev',
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        failurePolicy: 'Fail',
        timeoutSeconds: 5,
        rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }],
        namespaceSelector: {
          matchLabels: { 'ecs.berth.dev/fargate': 'true' },
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['berth-system', 'kube-system'] }],
        },
      }));
      expect(Buffer.from(w.clientConfig.caBundle, 'base64').toString()).toBe(ca);
    }
    expect(mutating.webhooks[0].clientConfig.url).toBe('https://127.0.0.1:9443/mutate-pods');
    expect(mutating.webhooks[0].reinvocationPolicy).toBe('IfNeeded');
    expect(validating.webhooks[0].clientConfig.url).toBe('https://127.0.0.1:9443/validate-pods');
    expect(validating.webhooks[0].reinvocationPolicy).toBeUndefined();
  });

  test("Berth's own kinds: CREATE and UPDATE in every namespace, fail closed, never DELETE, status, deletions or spec-less updates", () => {
    const configs = webhookConfigurations({ endpoint: { url: 'https://127.0.0.1:9443' }, caBundle: ca, excludedNamespaces: ['berth-system'] }) as any[];
    const resources = configs.find((c) => c.metadata.name === 'berth-resources');
    expect(configs.map((c) => `${c.kind}/${c.metadata.name}`)).toEqual([
      'MutatingWebhookConfiguration/berth-pods', 'ValidatingWebhookConfiguration/berth-pods', 'ValidatingWebhookConfiguration/berth-resources',
    ]);
    expect(resources.webhooks).toEqual([{
      name: 'resources.ecs.berth.dev',
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      timeoutSeconds: 5,
      clientConfig: { url: 'https://127.0.0.1:9443/validate-berth', caBundle: Buffer.from(ca).toString('base64') },
      rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['ecs.berth.dev'], apiVersions: ['*'], resources: ['taskdefinitions', 'services', 'fargateprofiles'], scope: '*' }],
      matchConditions: [
        { name: 'not-being-deleted', expression: '!has(object.metadata.deletionTimestamp)' },
        { name: 'spec-changed', expression: "request.operation != 'UPDATE' || !has(object.spec) || !has(oldObject.spec) || object.spec != oldObject.spec" },
      ],
    }]);
  });

  test('registered through a Service', () => {
    const [mutating] = webhookConfigurations({ endpoint: { service: { namespace: 'berth-system', name: 'berth-webhook', port: 443 } }, caBundle: ca, excludedNamespaces: [] }) as any[];
    expect(mutating.webhooks[0].clientConfig.service).toEqual({ namespace: 'berth-system', name: 'berth-webhook', port: 443, path: '/mutate-pods' });
    expect(mutating.webhooks[0].clientConfig.url).toBeUndefined();
  });

  test('the serving certificate names what the apiserver dials', () => {
    expect(certificateNeeds('127.0.0.1')).toEqual(expect.objectContaining({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }));
    expect(certificateNeeds('::1')).toEqual(expect.objectContaining({ ipAddresses: ['::1'] }));
    expect(certificateNeeds('webhook.example')).toEqual(expect.objectContaining({ dnsNames: ['webhook.example'], ipAddresses: [] }));
    expect(certificateNeeds('0.0.0.0', { namespace: 'berth-system', name: 'berth-webhook', port: 443 })).toEqual(expect.objectContaining({
      dnsNames: ['berth-webhook', 'berth-webhook.berth-system', 'berth-webhook.berth-system.svc', 'berth-webhook.berth-system.svc.cluster.local'],
      ipAddresses: [],
    }));
  });
});
