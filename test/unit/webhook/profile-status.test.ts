import { describe, expect, test } from '@jest/globals';
import type { FargateProfileStatus } from '../../../src/api/fargateprofile.js';
import { addOutcomes, profileConditions, sameProfileConditions } from '../../../src/controllers/fargateprofile-status.js';
import { AdmissionOutcomes } from '../../../src/webhook/outcomes.js';

const t0 = new Date('2026-11-22T12:00:00Z');
const profile = (status?: FargateProfileStatus) => ({ metadata: { name: 'p', generation: 1 }, status });

describe('FargateProfile conditions', () => {
  test('Active when its runtime class exists', () => {
    expect(profileConditions({ profile: profile(), runtimeClassName: 'berth-isolated', runtimeClassExists: true }, t0)).toEqual({
      observedGeneration: 1,
      conditions: [{ type: 'Active', status: 'True', observedGeneration: 1, lastTransitionTime: '2026-11-22T12:00:00Z', reason: 'Active', message: 'pods it selects run with RuntimeClass "berth-isolated"' }],
    });
  });

  test('not Active while the runtime class is missing', () => {
    const [active] = profileConditions({ profile: profile(), runtimeClassName: 'gvisor', runtimeClassExists: false }, t0).conditions;
    expect(active).toEqual(expect.objectContaining({ status: 'False', reason: 'RuntimeClassNotFound' }));
    expect(active.message).toContain('RuntimeClass "gvisor" does not exist');
  });

  test('an unchanged condition keeps its transition time, so nothing is written again', () => {
    const first = profileConditions({ profile: profile(), runtimeClassName: 'x', runtimeClassExists: true }, t0);
    const stored = profile({ ...first, podsRouted: 4 });
    const later = profileConditions({ profile: stored, runtimeClassName: 'x', runtimeClassExists: true }, new Date(t0.getTime() + 60_000));
    expect(later).toEqual(first);
    expect(sameProfileConditions(stored.status, later)).toBe(true);
    const flipped = profileConditions({ profile: stored, runtimeClassName: 'x', runtimeClassExists: false }, new Date(t0.getTime() + 60_000));
    expect(sameProfileConditions(stored.status, flipped)).toBe(false);
    expect(flipped.conditions[0].lastTransitionTime).toBe('2026-11-22T12:01:00Z');
  });
});

describe('pod counts', () => {
  let now = t0;
  const outcomes = new AdmissionOutcomes({ now: () => now });
  const refuse = (pod: string, rule = 'Privileged') => outcomes.record({ profile: 'p', result: 'refused', namespace: 'shop', pod, rule, message: `${rule}: no` });

  test('outcomes add up per profile; refusals newest first', () => {
    outcomes.record({ profile: 'p', result: 'routed', namespace: 'shop', pod: 'a' });
    outcomes.record({ profile: 'p', result: 'routed', namespace: 'shop', pod: 'b' });
    refuse('c');
    now = new Date(t0.getTime() + 1000);
    refuse('d', 'HostPath');
    outcomes.record({ profile: 'q', result: 'routed', namespace: 'x', pod: 'e' });
    expect(outcomes.profiles()).toEqual(['p', 'q']);
    const pending = outcomes.snapshot('p')!;
    expect(pending.routed).toBe(2);
    expect(pending.refused).toBe(2);
    expect(pending.refusals.map((r) => [r.pod, r.reason, r.time])).toEqual([['d', 'HostPath', '2026-11-22T12:00:01Z'], ['c', 'Privileged', '2026-11-22T12:00:00Z']]);
  });

  test('the stored counts plus the pending ones; refusals merged newest first', () => {
    const stored: FargateProfileStatus = { podsRouted: 10, podsRefused: 1, recentRefusals: [{ namespace: 'old', pod: 'z', reason: 'HostPort', time: '2026-11-21T00:00:00Z' }] };
    const counts = addOutcomes(stored, outcomes.snapshot('p')!);
    expect(counts.podsRouted).toBe(12);
    expect(counts.podsRefused).toBe(3);
    expect(counts.recentRefusals.map((r) => r.pod)).toEqual(['d', 'c', 'z']);
    expect(counts.recentRefusals[0]).toEqual({ namespace: 'shop', pod: 'd', reason: 'HostPath', message: 'HostPath: no', time: '2026-11-22T12:00:01Z' });
    expect(addOutcomes(undefined, { routed: 1, refused: 0, refusals: [] })).toEqual({ podsRouted: 1, podsRefused: 0, recentRefusals: [] });
  });

  test('what was written is taken off; what came meanwhile stays', () => {
    const written = outcomes.snapshot('p')!;
    refuse('f');
    outcomes.acknowledge('p', written);
    expect(outcomes.snapshot('p')).toEqual({ routed: 0, refused: 1, refusals: [expect.objectContaining({ pod: 'f' })] });
    outcomes.acknowledge('p', outcomes.snapshot('p')!);
    expect(outcomes.profiles()).toEqual(['q']);
    outcomes.forget('q');
    expect(outcomes.profiles()).toEqual([]);
  });

  test('at most 20 refusals are kept, pending or stored', () => {
    for (let i = 0; i < 25; i++) refuse(`pod-${i}`);
    const pending = outcomes.snapshot('p')!;
    expect(pending.refused).toBe(25);
    expect(pending.refusals).toHaveLength(20);
    expect(pending.refusals[0].pod).toBe('pod-24');
    const stored: FargateProfileStatus = { recentRefusals: Array.from({ length: 20 }, (_, i) => ({ namespace: 'n', pod: `old-${i}`, reason: 'R', time: '2026-01-01T00:00:00Z' })) };
    expect(addOutcomes(stored, pending).recentRefusals).toHaveLength(20);
    expect(addOutcomes(stored, pending).recentRefusals.every((r) => r.pod.startsWith('pod-'))).toBe(true);
  });

  test('fields are cut to what the schema allows', () => {
    const long = addOutcomes(undefined, { routed: 0, refused: 1, refusals: [{ time: '2026-11-22T12:00:00Z', namespace: 'n', pod: 'p'.repeat(300), reason: 'R', message: 'm'.repeat(2000) }] });
    expect(long.recentRefusals[0].pod).toHaveLength(253);
    expect(long.recentRefusals[0].message).toHaveLength(1024);
  });
});
