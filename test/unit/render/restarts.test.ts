import type { ContainerDefinition } from '../../../src/api/container.js';
import { container, containerNamed, render, task } from './helpers.js';

// ECS container restart policies → Kubernetes per-container restart rules.

const never = (codes: number[]) => ({ restartPolicy: 'Never', restartPolicyRules: [{ action: 'Restart', exitCodes: { operator: 'NotIn', values: codes } }] });

describe('restartPolicy', () => {
  test.each<[string, Partial<ContainerDefinition>, boolean, Record<string, unknown>, string[]]>([
    ['no policy: the pod restarts the container (as before)', { essential: false }, true, {}, ['$.containerDefinitions[1].essential']],
    ['enabled without ignored codes: the pod restarts it on every exit', { essential: false, restartPolicy: { enabled: true } }, true, {}, []],
    ['disabled: its ignored codes say nothing', { restartPolicy: { enabled: false, ignoredExitCodes: [0] } }, true, {}, []],
    ['ignored codes of a non-essential container: Never plus one rule, exactly ECS', { essential: false, restartPolicy: { enabled: true, ignoredExitCodes: [0, 143, 0] } }, true, never([0, 143]), []],
    [
      'ignored codes of an essential container: the same, with a note (ECS would stop the task)',
      { restartPolicy: { enabled: true, ignoredExitCodes: [0] } },
      true,
      never([0]),
      ['$.containerDefinitions[1].restartPolicy.ignoredExitCodes'],
    ],
    ['a cluster without restart rules: reported', { essential: false, restartPolicy: { enabled: true, ignoredExitCodes: [0] } }, false, {}, ['$.containerDefinitions[1].restartPolicy.ignoredExitCodes']],
    [
      'restartAttemptPeriod has no counterpart: reported',
      { essential: false, restartPolicy: { enabled: true, restartAttemptPeriod: 60 } },
      true,
      {},
      ['$.containerDefinitions[1].restartPolicy.restartAttemptPeriod'],
    ],
  ])('%s', (_name, fields, served, expected, paths) => {
    const out = render(task({}, container('app'), container('worker', fields)), { containerRestartRules: served });
    const worker = containerNamed(out, 'worker');
    expect({ restartPolicy: worker.restartPolicy, restartPolicyRules: worker.restartPolicyRules }).toEqual({ restartPolicy: undefined, restartPolicyRules: undefined, ...expected });
    expect(out.ignored.map((f) => f.path).filter((p) => p.startsWith('$.containerDefinitions[1]'))).toEqual(paths);
  });

  test('a sidecar (dependsOn START) keeps restartPolicy Always; its ignored codes are reported', () => {
    const out = render(
      task({}, container('app', { dependsOn: [{ containerName: 'proxy', condition: 'START' }] }), container('proxy', { restartPolicy: { enabled: true, ignoredExitCodes: [0] } })),
    );
    const proxy = containerNamed(out, 'proxy');
    expect(proxy.restartPolicy).toBe('Always');
    expect(proxy.restartPolicyRules).toBeUndefined();
    expect(out.ignored.find((f) => f.path === '$.containerDefinitions[1].restartPolicy.ignoredExitCodes')?.reason).toMatch(/^not honoured: .*init containers and sidecars/);
  });
});
