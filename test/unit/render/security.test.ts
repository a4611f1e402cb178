import type { ContainerDefinition } from '../../../src/api/container.js';
import { container, containerNamed, ignoredPaths, render, task } from './helpers.js';

function securityOf(fields: Partial<ContainerDefinition>) {
  const out = render(task({}, container('app', fields)));
  return { securityContext: containerNamed(out, 'app').securityContext, ignored: ignoredPaths(out) };
}

describe('container security', () => {
  test.each<[string, Partial<ContainerDefinition>, object | undefined, string[]]>([
    ['nothing', { privileged: false, readonlyRootFilesystem: false }, undefined, []],
    ['privileged', { privileged: true }, { privileged: true }, []],
    ['read-only root', { readonlyRootFilesystem: true }, { readOnlyRootFilesystem: true }, []],
    ['capabilities', { linuxParameters: { capabilities: { add: ['SYS_PTRACE'], drop: ['ALL'] } } }, { capabilities: { add: ['SYS_PTRACE'], drop: ['ALL'] } }, []],
    ['empty capabilities', { linuxParameters: { capabilities: {} } }, undefined, []],
    ['user "1337"', { user: '1337' }, { runAsUser: 1337 }, []],
    ['user "1000:2000"', { user: '1000:2000' }, { runAsUser: 1000, runAsGroup: 2000 }, []],
    ['user "root"', { user: 'root' }, { runAsUser: 0 }, []],
    ['user "nginx"', { user: 'nginx' }, undefined, ['$.containerDefinitions[0].user']],
    ['user "1000:staff"', { user: '1000:staff' }, { runAsUser: 1000 }, ['$.containerDefinitions[0].user']],
    ['no-new-privileges', { dockerSecurityOptions: ['no-new-privileges'] }, { allowPrivilegeEscalation: false }, []],
    ['other security options', { dockerSecurityOptions: ['label:type:svirt_t'] }, undefined, ['$.containerDefinitions[0].dockerSecurityOptions[0]']],
  ])('%s', (_, fields, securityContext, ignored) => {
    expect(securityOf(fields)).toEqual({ securityContext, ignored });
  });

  test.each<[string, Partial<ContainerDefinition>, string]>([
    ['initProcessEnabled', { linuxParameters: { initProcessEnabled: true } }, '$.containerDefinitions[0].linuxParameters.initProcessEnabled'],
    ['devices', { linuxParameters: { devices: [{ hostPath: '/dev/fuse' }] } }, '$.containerDefinitions[0].linuxParameters.devices'],
    ['swappiness', { linuxParameters: { swappiness: 10 } }, '$.containerDefinitions[0].linuxParameters.swappiness'],
    ['ulimits', { ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 4096 }] }, '$.containerDefinitions[0].ulimits'],
  ])('%s is reported', (_, fields, path) => {
    expect(securityOf(fields).ignored).toEqual([path]);
  });
});

describe('sysctls', () => {
  test('systemControls of all containers become pod sysctls, first value wins', () => {
    const out = render(
      task(
        {},
        container('a', { systemControls: [{ namespace: 'net.core.somaxconn', value: '1024' }] }),
        container('b', { systemControls: [{ namespace: 'net.core.somaxconn', value: '4096' }, { namespace: 'kernel.shm_rmid_forced', value: '1' }] }),
      ),
    );
    expect(out.template.spec.securityContext).toEqual({
      sysctls: [
        { name: 'net.core.somaxconn', value: '1024' },
        { name: 'kernel.shm_rmid_forced', value: '1' },
      ],
    });
    expect(ignoredPaths(out)).toEqual(['$.containerDefinitions[1].systemControls[0]']);
  });

  test('network sysctls are not allowed with the host network', () => {
    const out = render(task({ networkMode: 'host' }, container('a', { systemControls: [{ namespace: 'net.core.somaxconn', value: '1' }] })));
    expect(out.template.spec.securityContext).toBeUndefined();
    expect(ignoredPaths(out)).toEqual(['$.containerDefinitions[0].systemControls[0]']);
  });
});
