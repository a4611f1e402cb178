import { describe, expect, it } from '@jest/globals';
import type { FargateProfileSelector } from '../../../src/api/fargateprofile.js';
import { matchProfile, matchingProfiles, selectsNamespace, type ProfileLike } from '../../../src/fargate/profile.js';
import { toLabelValue } from '../../../src/placement/labels.js';

const profile = (name: string, ...selectors: FargateProfileSelector[]): ProfileLike => ({ metadata: { name }, spec: { selectors } });

const PROFILES: ProfileLike[] = [
  profile('prod', { namespace: 'prod' }),
  profile('team', { namespace: 'team-?' }, { namespace: 'shared', labels: { team: 'a*' } }),
  profile('batch', { namespace: 'jobs', labels: { kind: 'batch', tier: 'low' } }),
  profile('wild-keys', { namespace: 'lab', labels: { 'app.kubernetes.io/*': 'exp-*' } }),
  profile('everything-in-x', { namespace: 'x*' }),
];

describe('matchProfile', () => {
  // [name, namespace, labels, expected profile or undefined, selector index]
  const cases: [string, string, Record<string, string>, string | undefined, number][] = [
    ['namespace without labels matches every pod of it', 'prod', {}, 'prod', 0],
    ['any labels still match a namespace-only selector', 'prod', { app: 'web' }, 'prod', 0],
    ['another namespace does not', 'production', {}, undefined, -1],
    ['? matches exactly one character', 'team-1', {}, 'team', 0],
    ['? does not match two characters', 'team-12', {}, undefined, -1],
    ['? does not match none', 'team-', {}, undefined, -1],
    ['second selector: namespace and label wildcard value', 'shared', { team: 'alpha' }, 'team', 1],
    ['second selector: label value must match', 'shared', { team: 'beta' }, undefined, -1],
    ['second selector: the label must be there', 'shared', {}, undefined, -1],
    ['labels are ANDed: all present', 'jobs', { kind: 'batch', tier: 'low', extra: 'x' }, 'batch', 0],
    ['labels are ANDed: one missing', 'jobs', { kind: 'batch' }, undefined, -1],
    ['labels are ANDed: one different', 'jobs', { kind: 'batch', tier: 'high' }, undefined, -1],
    ['wildcard label key', 'lab', { 'app.kubernetes.io/name': 'exp-1' }, 'wild-keys', 0],
    ['wildcard label key with a non-matching value', 'lab', { 'app.kubernetes.io/name': 'prod-1' }, undefined, -1],
    ['* matches the empty rest of a namespace', 'x', {}, 'everything-in-x', 0],
  ];
  it.each(cases)('%s', (_name, namespace, labels, expected, selectorIndex) => {
    const m = matchProfile({ namespace, labels }, PROFILES);
    if (expected === undefined) {
      expect(m.matched).toBe(false);
      expect(!m.matched && m.reason).toBe(`no FargateProfile selects namespace "${namespace}" with the pod's labels`);
    } else {
      expect(m).toMatchObject({ matched: true, selectorIndex, pinned: false });
      expect(m.matched && m.profile.metadata.name).toBe(expected);
    }
  });

  describe('several matching profiles', () => {
    const overlapping = [
      profile('gamma', { namespace: 'apps' }),
      profile('beta-workload', { namespace: 'apps', labels: { tier: '*' } }),
      profile('alpha', { namespace: 'apps', labels: { special: 'yes' } }),
      profile('Zulu', { namespace: 'apps' }),
    ];

    it('takes the alphanumerically first name, whatever the list order', () => {
      for (const list of [overlapping, [...overlapping].reverse()]) {
        const m = matchProfile({ namespace: 'apps', labels: { tier: 'web' } }, list);
        expect(m.matched && m.profile.metadata.name).toBe('Zulu');
      }
      const lower = overlapping.filter((p) => p.metadata.name !== 'Zulu');
      const m = matchProfile({ namespace: 'apps', labels: { tier: 'web' } }, lower);
      expect(m.matched && m.profile.metadata.name).toBe('beta-workload');
    });

    it('lists every match in that order', () => {
      const names = matchingProfiles({ namespace: 'apps', labels: { tier: 'web', special: 'yes' } }, overlapping).map((m) => m.profile.metadata.name);
      expect(names).toEqual(['Zulu', 'alpha', 'beta-workload', 'gamma']);
    });

    it('follows a pin to a later profile that matches', () => {
      const m = matchProfile({ namespace: 'apps', labels: { tier: 'web', 'ecs.berth.dev/fargate-profile': 'gamma' } }, overlapping);
      expect(m).toMatchObject({ matched: true, pinned: true, selectorIndex: 0 });
      expect(m.matched && m.profile.metadata.name).toBe('gamma');
    });

    it('refuses a pin to a profile that does not match the pod', () => {
      const m = matchProfile({ namespace: 'apps', labels: { 'ecs.berth.dev/fargate-profile': 'alpha' } }, overlapping);
      expect(m).toEqual({
        matched: false,
        pinned: 'alpha',
        reason: 'the pod is pinned by ecs.berth.dev/fargate-profile to FargateProfile "alpha", but none of its selectors matches namespace "apps" with the pod\'s labels',
      });
    });

    it('refuses a pin to a profile that does not exist', () => {
      const m = matchProfile({ namespace: 'apps', labels: { 'ecs.berth.dev/fargate-profile': 'missing' } }, overlapping);
      expect(m).toMatchObject({ matched: false, pinned: 'missing' });
      expect(!m.matched && m.reason).toContain('"missing", which does not exist');
    });

    it('finds a long profile name from its encoded label value', () => {
      const long = `p-${'x'.repeat(70)}`;
      const list = [profile('a-first', { namespace: 'apps' }), profile(long, { namespace: 'apps' })];
      const m = matchProfile({ namespace: 'apps', labels: { 'ecs.berth.dev/fargate-profile': toLabelValue(long) } }, list);
      expect(m.matched && m.profile.metadata.name).toBe(long);
    });
  });

  it('matches nothing without profiles', () => {
    expect(matchProfile({ namespace: 'prod', labels: {} }, []).matched).toBe(false);
  });
});

describe('selectsNamespace', () => {
  it.each<[string, boolean]>([
    ['prod', true],
    ['team-7', true],
    ['shared', true],
    ['x-ray', true],
    ['kube-system', false],
    ['default', false],
  ])('%s → %s', (namespace, selected) => expect(selectsNamespace(namespace, PROFILES)).toBe(selected));
});
