import { describe, expect, test } from '@jest/globals';
import type { ProfileLike } from '../../../src/fargate/profile.js';
import { desiredFargateLabel, excludedNamespaces, planNamespaceLabels, webhookNamespaceSelector } from '../../../src/webhook/scope.js';

const profile = (name: string, ...namespaces: string[]): ProfileLike => ({ metadata: { name }, spec: { selectors: namespaces.map((namespace) => ({ namespace })) } });
const excluded = excludedNamespaces('berth-system');
const LABEL = 'ecs.berth.dev/fargate';

describe('which namespaces the webhook sees', () => {
  test('kube-system and the operator’s own namespace are excluded', () => {
    expect(excluded).toEqual(['berth-system', 'kube-system']);
    expect(excludedNamespaces('kube-system')).toEqual(['kube-system']);
  });

  test.each([
    ['an exact name', [profile('p', 'shop')], 'shop', 'true'],
    ['another name', [profile('p', 'shop')], 'web', undefined],
    ['* selects every namespace', [profile('p', '*')], 'anything', 'true'],
    ['* still leaves kube-system out', [profile('p', '*')], 'kube-system', undefined],
    ['* still leaves the operator’s namespace out', [profile('p', '*')], 'berth-system', undefined],
    ['naming kube-system does not bring it in', [profile('p', 'kube-system')], 'kube-system', undefined],
    ['? is one character', [profile('p', 'team-?')], 'team-a', 'true'],
    ['? is not two', [profile('p', 'team-?')], 'team-ab', undefined],
    ['a prefix wildcard', [profile('p', 'prod-*')], 'prod-eu', 'true'],
    ['any selector of any profile', [profile('p', 'a'), profile('q', 'x', 'shop')], 'shop', 'true'],
    ['no profiles', [], 'shop', undefined],
  ] as const)('%s', (_name, profiles, namespace, want) => {
    expect(desiredFargateLabel(namespace, profiles, excluded)).toBe(want);
  });

  test('the plan labels what is selected and not labelled, and unlabels what is labelled and not selected', () => {
    const namespaces = [
      { name: 'shop' },
      { name: 'shop-eu', labels: { [LABEL]: 'true' } },
      { name: 'web', labels: { [LABEL]: 'true' } },
      { name: 'kube-system', labels: { [LABEL]: 'true' } },
      { name: 'misc', labels: { [LABEL]: 'false' } },
      { name: 'default' },
    ];
    expect(planNamespaceLabels(namespaces, [profile('p', 'shop*')], excluded)).toEqual({ label: ['shop'], unlabel: ['kube-system', 'misc', 'web'] });
    expect(planNamespaceLabels(namespaces, [profile('p', '*')], excluded)).toEqual({ label: ['default', 'misc', 'shop'], unlabel: ['kube-system'] });
    expect(planNamespaceLabels(namespaces, [], excluded)).toEqual({ label: [], unlabel: ['kube-system', 'misc', 'shop-eu', 'web'] });
  });

  test('the webhooks select labelled namespaces, minus the excluded ones by name', () => {
    expect(webhookNamespaceSelector(excluded)).toEqual({
      matchLabels: { [LABEL]: 'true' },
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['berth-system', 'kube-system'] }],
    });
  });
});
