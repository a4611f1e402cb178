import type { HealthCheck } from '../../../src/api/container.js';
import type { IgnoredField } from '../../../src/render/findings.js';
import { parseHealthCheck, renderProbes, type ProbeContext } from '../../../src/render/probes.js';

const essential: ProbeContext = { essential: true, gated: false, windows: false, path: '$.containerDefinitions[0].healthCheck' };

describe('healthCheck commands', () => {
  test.each<[string[], string[] | undefined]>([
    [['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], ['/bin/sh', '-c', 'curl -f http://localhost/ || exit 1']],
    [['CMD', '/healthcheck', '--quick'], ['/healthcheck', '--quick']],
    [['NONE'], undefined],
    [['CMD-SHELL', 'a', 'b'], ['/bin/sh', '-c', 'a b']],
    // Exec form without a prefix, as ECS runs it (images without a shell).
    [['/healthcheck'], ['/healthcheck']],
    [['/bin/check', '--port', '8080'], ['/bin/check', '--port', '8080']],
  ])('%j', (command, exec) => {
    expect(parseHealthCheck({ command }).command).toEqual(exec);
  });

  test('CMD-SHELL on Windows uses cmd', () => {
    expect(parseHealthCheck({ command: ['CMD-SHELL', 'dir'] }, true).command).toEqual(['cmd', '/S', '/C', 'dir']);
  });

  test.each([['CMD'], ['CMD-SHELL']])('%s with nothing after it is not run, and reported', (kind) => {
    const ignored: IgnoredField[] = [];
    expect(renderProbes({ command: [kind] }, essential, ignored)).toEqual({});
    expect(ignored).toEqual([{ path: '$.containerDefinitions[0].healthCheck.command', reason: `not run: "${kind}" names no command` }]);
  });

  test('defaults are ECS\'s: 30 s interval, 5 s timeout, 3 retries', () => {
    expect(parseHealthCheck({ command: ['CMD', 'true'] })).toMatchObject({ interval: 30, timeout: 5, retries: 3, startPeriod: 0 });
  });
});

describe('probes', () => {
  const hc: HealthCheck = { command: ['CMD', 'check'], interval: 10, timeout: 2, retries: 4 };
  const probe = (failureThreshold: number) => ({ exec: { command: ['check'] }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold });

  test.each<[string, HealthCheck, Partial<ProbeContext>, object]>([
    ['essential: liveness and readiness', hc, {}, { livenessProbe: probe(4), readinessProbe: probe(4) }],
    [
      'startPeriod adds a startup probe covering the grace period',
      { ...hc, startPeriod: 25 },
      {},
      { startupProbe: probe(7), livenessProbe: probe(4), readinessProbe: probe(4) },
    ],
    ['non-essential: nothing, its health does not count', hc, { essential: false }, {}],
    ['non-essential but waited for: a startup probe only', hc, { essential: false, gated: true }, { startupProbe: probe(4) }],
    [
      'essential and waited for',
      hc,
      { gated: true },
      { startupProbe: probe(4), livenessProbe: probe(4), readinessProbe: probe(4) },
    ],
  ])('%s', (_, check, ctx, expected) => {
    expect(renderProbes(check, { ...essential, ...ctx }, [])).toEqual(expected);
  });

  test('each probe has its own command list', () => {
    const set = renderProbes(hc, { ...essential, gated: true }, []);
    expect(set.livenessProbe?.exec?.command).not.toBe(set.readinessProbe?.exec?.command);
  });
});
