import type { ContainerDefinition } from '../../../src/api/container.js';
import { planStartup } from '../../../src/render/dependencies.js';
import type { IgnoredField } from '../../../src/render/findings.js';
import { container, containerNamed, render, task } from './helpers.js';

const check = { command: ['CMD', 'true'] };

function plan(defs: ContainerDefinition[]) {
  const ignored: IgnoredField[] = [];
  return { ...planStartup(defs, ignored), ignored };
}

describe('dependsOn → init containers and sidecars', () => {
  test.each<[string, ContainerDefinition['essential'], 'START' | 'HEALTHY' | 'SUCCESS' | 'COMPLETE', string]>([
    ['START makes a native sidecar', true, 'START', 'sidecar'],
    ['HEALTHY makes a native sidecar', true, 'HEALTHY', 'sidecar'],
    ['SUCCESS makes an init container', false, 'SUCCESS', 'init'],
    ['COMPLETE makes an init container', false, 'COMPLETE', 'init'],
  ])('%s', (_, essential, condition, role) => {
    const p = plan([container('app', { dependsOn: [{ containerName: 'dep', condition }] }), container('dep', { essential, healthCheck: check })]);
    expect(p.roles).toEqual(['app', role]);
    expect(p.initOrder).toEqual([1]);
    expect(p.appOrder).toEqual([0]);
    expect(p.gated).toEqual([false, condition === 'HEALTHY']);
  });

  test('init containers start in dependency order, else in definition order', () => {
    const p = plan([
      container('app', { dependsOn: [{ containerName: 'proxy', condition: 'HEALTHY' }, { containerName: 'logs', condition: 'START' }] }),
      container('proxy', { healthCheck: check, dependsOn: [{ containerName: 'migrate', condition: 'SUCCESS' }] }),
      container('logs'),
      container('migrate', { essential: false, dependsOn: [{ containerName: 'logs', condition: 'START' }] }),
    ]);
    expect(p.roles).toEqual(['app', 'sidecar', 'sidecar', 'init']);
    expect(p.initOrder).toEqual([2, 3, 1]); // logs, migrate, proxy
  });

  test('the rendered pod: sidecars have restartPolicy Always, a HEALTHY one a startupProbe', () => {
    const out = render(
      task(
        {},
        container('app', { dependsOn: [{ containerName: 'proxy', condition: 'HEALTHY' }, { containerName: 'init', condition: 'SUCCESS' }] }),
        container('proxy', { healthCheck: check }),
        container('init', { essential: false, healthCheck: check }),
      ),
    );
    expect(out.template.spec.initContainers?.map((c) => [c.name, c.restartPolicy])).toEqual([
      ['proxy', 'Always'],
      ['init', undefined],
    ]);
    expect(containerNamed(out, 'proxy').startupProbe).toBeDefined();
    // Run-to-completion init containers may not have probes.
    expect(containerNamed(out, 'init')).not.toHaveProperty('livenessProbe');
    expect(out.template.spec.containers.map((c) => c.name)).toEqual(['app']);
  });

  test('COMPLETE is reported as approximated', () => {
    const p = plan([container('app', { dependsOn: [{ containerName: 'job', condition: 'COMPLETE' }] }), container('job', { essential: false })]);
    expect(p.ignored.map((f) => f.path)).toEqual(['$.containerDefinitions[0].dependsOn[0].condition']);
  });

  test('a container waited for both to start and to exit runs as an init container, reported', () => {
    const p = plan([
      container('a', { dependsOn: [{ containerName: 'job', condition: 'START' }] }),
      container('b', { dependsOn: [{ containerName: 'job', condition: 'SUCCESS' }] }),
      container('job', { essential: false }),
    ]);
    expect(p.roles[2]).toBe('init');
    expect(p.ignored.map((f) => f.path)).toContain('$.containerDefinitions[2]');
  });

  test.each<[string, ContainerDefinition[], string]>([
    ['an unknown container', [container('a', { dependsOn: [{ containerName: 'nope', condition: 'START' }] })], 'no container named "nope"'],
    ['itself', [container('a', { dependsOn: [{ containerName: 'a', condition: 'START' }] })], 'cannot depend on itself'],
    [
      'a cycle',
      [
        container('a'),
        container('b', { dependsOn: [{ containerName: 'c', condition: 'START' }] }),
        container('c', { dependsOn: [{ containerName: 'b', condition: 'START' }] }),
        container('d', { dependsOn: [{ containerName: 'b', condition: 'START' }] }),
      ],
      'dependsOn has a cycle among: b, c',
    ],
    ['SUCCESS on an essential container', [container('a', { dependsOn: [{ containerName: 'b', condition: 'SUCCESS' }] }), container('b')], 'cannot be set on essential'],
    ['HEALTHY without a healthCheck', [container('a', { dependsOn: [{ containerName: 'b', condition: 'HEALTHY' }] }), container('b')], 'needs a healthCheck'],
    ['no essential container', [container('a', { essential: false })], 'at least one container must be essential'],
  ])('refused: %s', (_, defs, message) => {
    expect(() => plan(defs)).toThrow(message);
  });
});

describe('essential', () => {
  test('a non-essential long-running container is reported: Kubernetes restarts it', () => {
    const p = plan([container('app'), container('side', { essential: false })]);
    expect(p.ignored.map((f) => f.path)).toEqual(['$.containerDefinitions[1].essential']);
  });

  test('unless its own restartPolicy restarts it anyway (its exit codes are restart rules: restarts.test.ts)', () => {
    const p = plan([container('app'), container('side', { essential: false, restartPolicy: { enabled: true, ignoredExitCodes: [0] } })]);
    expect(p.ignored).toEqual([]);
  });
});
