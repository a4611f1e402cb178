import { describe, expect, test } from '@jest/globals';
import { attempt, failedCondition, recordNewFailures, settle, type WriteFailure } from '../../../src/controllers/failures.js';
import { KubeApiError, TerminalError, type EventRecorder, type KubeObject } from '../../../src/runtime/index.js';

// How a pass reports the writes the apiserver refused, and how it ends.

const refused = (code: number, message: string) => new KubeApiError(code, 'PATCH', '/apis/apps/v1/namespaces/shop/deployments/web', { code, message });
const failure = (error: unknown, name = 'web', kind = 'Deployment'): WriteFailure => ({ action: 'apply', kind, name, error });

const invalid = failure(refused(422, 'Deployment.apps "web" is invalid: spec.template.spec.containers[0].env[0].name: Invalid value: "A=B"'));
const denied = failure(refused(403, 'services "web" is forbidden: exceeded quota: q'), 'web', 'Service');
const unavailable = failure(refused(503, 'the server is currently unable to handle the request'));
const conflict = failure(refused(409, 'the object has been modified'));

describe('attempt', () => {
  test('collects a failure and lets the pass go on', async () => {
    const failures: WriteFailure[] = [];
    expect(await attempt(failures, { action: 'apply', kind: 'Deployment', name: 'web' }, () => Promise.reject(new Error('boom')))).toBeUndefined();
    expect(await attempt(failures, { action: 'apply', kind: 'Service', name: 'web' }, () => Promise.resolve(3))).toBe(3);
    expect(failures).toEqual([{ action: 'apply', kind: 'Deployment', name: 'web', error: new Error('boom') }]);
  });
});

describe('failedCondition', () => {
  test('names each refused object with the apiserver\'s message', () => {
    expect(failedCondition('Ready', [invalid, denied])).toEqual({
      type: 'Ready',
      status: 'False',
      reason: 'ApplyFailed',
      message:
        'apply Deployment web failed: Deployment.apps "web" is invalid: spec.template.spec.containers[0].env[0].name: Invalid value: "A=B"; ' +
        'apply Service web failed: services "web" is forbidden: exceeded quota: q',
    });
  });

  test.each<[string, WriteFailure[]]>([
    ['no failure', []],
    ['only a conflict, which just runs the pass again', [conflict]],
  ])('none for %s', (_name, failures) => {
    expect(failedCondition('Ready', failures)).toBeUndefined();
  });
});

describe('settle', () => {
  const polling = { requeueAfter: 5000 };
  test.each<[string, WriteFailure[], 'result' | 'requeue' | 'terminal' | 'transient']>([
    ['nothing failed: the pass\'s own result', [], 'result'],
    ['a conflict: run again after the backoff', [conflict], 'requeue'],
    ['a refusal: terminal', [invalid, denied], 'terminal'],
    ['a refusal and a conflict: run again (the refusal is tried with it)', [invalid, conflict], 'requeue'],
    ['a transient failure wins: retried with backoff', [invalid, unavailable, conflict], 'transient'],
  ])('%s', (_name, failures, outcome) => {
    const run = () => settle(failures, polling);
    if (outcome === 'result') expect(run()).toBe(polling);
    if (outcome === 'requeue') expect(run()).toEqual({ requeue: true });
    if (outcome === 'terminal') expect(run).toThrow(TerminalError);
    if (outcome === 'transient') expect(run).toThrow(unavailable.error as Error);
  });
});

describe('recordNewFailures', () => {
  const svc: KubeObject = { apiVersion: 'ecs.berth.dev/v1alpha1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' } };
  const recorded: string[] = [];
  const events = { record: async (_obj: KubeObject, type: string, reason: string, message: string) => void recorded.push(`${type} ${reason} ${message}`) } as unknown as EventRecorder;
  const condition = (reason: string, failures: WriteFailure[]) => ({
    type: 'Ready', status: 'False' as const, reason, lastTransitionTime: '2026-01-01T00:00:00Z',
    message: failedCondition('Ready', failures)?.message ?? '',
  });

  test.each<[string, ReturnType<typeof condition> | undefined, WriteFailure[], number]>([
    ['a first failure is told', undefined, [invalid], 1],
    ['the same failure on a retry is not told again', condition('ApplyFailed', [invalid]), [invalid], 0],
    ['a new failure beside a known one is told', condition('ApplyFailed', [invalid]), [invalid, denied], 1],
    ['the same text under another reason is told', condition('WorkloadNameTaken', [invalid]), [invalid], 1],
    ['a conflict is never told', undefined, [conflict], 0],
  ])('%s', async (_name, previous, failures, told) => {
    recorded.length = 0;
    await recordNewFailures(events, svc, previous, failures);
    expect(recorded).toHaveLength(told);
    for (const line of recorded) expect(line).toMatch(/^Warning ApplyFailed apply \w+ web failed: /);
  });
});
