import type { Volume as EcsVolume } from '../../../src/api/volume.js';
import { claimNameFor } from '../../../src/render/volumes.js';
import { container, containerNamed, ignoredPaths, render, task } from './helpers.js';

const mount = (sourceVolume: string, containerPath = '/data', readOnly?: boolean) => ({ sourceVolume, containerPath, readOnly });

function volumeOf(v: EcsVolume, kubernetesVolumes?: { name: string; persistentVolumeClaim: { claimName: string; readOnly?: boolean } }[]) {
  const out = render(task({ volumes: [v], kubernetes: kubernetesVolumes ? { volumes: kubernetesVolumes } : undefined }, container('app', { mountPoints: [mount(v.name)] })));
  return { volume: out.template.spec.volumes?.[0], ignored: ignoredPaths(out) };
}

describe('task volumes', () => {
  test.each<[string, EcsVolume, object, string[]]>([
    ['a bare volume is an emptyDir', { name: 'scratch' }, { name: 'scratch', emptyDir: {} }, []],
    ['host without a path is an emptyDir', { name: 'scratch', host: {} }, { name: 'scratch', emptyDir: {} }, []],
    ['host.sourcePath is a hostPath', { name: 'proc', host: { sourcePath: '/proc' } }, { name: 'proc', hostPath: { path: '/proc' } }, []],
    ['a task-scoped Docker volume is an emptyDir', { name: 'd', dockerVolumeConfiguration: { scope: 'task', driver: 'local' } }, { name: 'd', emptyDir: {} }, []],
    [
      'a task-scoped volume of another driver: emptyDir, driver reported',
      { name: 'd', dockerVolumeConfiguration: { driver: 'rexray/ebs', driverOpts: { size: '5' } } },
      { name: 'd', emptyDir: {} },
      ['$.volumes[0].dockerVolumeConfiguration'],
    ],
    [
      'a shared Docker volume is a claim of its name',
      { name: 'rexray_vol', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true } },
      { name: 'rexray-vol', persistentVolumeClaim: { claimName: 'rexray-vol' } },
      ['$.volumes[0].dockerVolumeConfiguration'],
    ],
    [
      'EFS is a claim named after the file system',
      { name: 'efs', efsVolumeConfiguration: { fileSystemId: 'fs-1234', rootDirectory: '/data' } },
      { name: 'efs', persistentVolumeClaim: { claimName: 'efs-fs-1234-data' } },
      ['$.volumes[0].efsVolumeConfiguration'],
    ],
    [
      'configured at launch without a claim is an emptyDir',
      { name: 'ebs', configuredAtLaunch: true },
      { name: 'ebs', emptyDir: {} },
      ['$.volumes[0].configuredAtLaunch'],
    ],
  ])('%s', (_, v, expected, ignored) => {
    expect(volumeOf(v)).toEqual({ volume: expected, ignored });
  });

  test('spec.kubernetes.volumes names the claim, for any kind of volume', () => {
    const claim = [{ name: 'efs', persistentVolumeClaim: { claimName: 'shared-data', readOnly: true } }];
    expect(volumeOf({ name: 'efs', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }, claim)).toEqual({
      volume: { name: 'efs', persistentVolumeClaim: { claimName: 'shared-data', readOnly: true } },
      ignored: [],
    });
    expect(volumeOf({ name: 'efs', configuredAtLaunch: true }, claim).volume).toEqual({
      name: 'efs',
      persistentVolumeClaim: { claimName: 'shared-data', readOnly: true },
    });
  });

  test.each<[EcsVolume, string | undefined]>([
    [{ name: 'v', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }, 'efs-fs-1'],
    [{ name: 'v', efsVolumeConfiguration: { fileSystemId: 'fs-1', rootDirectory: '/' } }, 'efs-fs-1'],
    [{ name: 'v', efsVolumeConfiguration: { fileSystemId: 'fs-1', authorizationConfig: { accessPointId: 'fsap-9' } } }, 'efs-fs-1-fsap-9'],
    [
      { name: 'v', fsxWindowsFileServerVolumeConfiguration: { fileSystemId: 'fs-2', rootDirectory: 'share', authorizationConfig: { credentialsParameter: 'x', domain: 'd' } } },
      'fsx-fs-2-share',
    ],
    [{ name: 'v', s3filesVolumeConfiguration: { fileSystemArn: 'arn:aws:s3files:us-east-1:1:file-system/fs-3', rootDirectory: '/data' } }, 's3files-fs-3-data'],
    [{ name: 'v' }, undefined],
  ])('claimNameFor %j', (v, name) => {
    expect(claimNameFor(v)).toBe(name);
  });
});

describe('mounts', () => {
  test('mountPoints, then volumesFrom transitively, read-only when asked', () => {
    const out = render(
      task(
        { volumes: [{ name: 'a' }, { name: 'b' }] },
        container('first', { mountPoints: [mount('a', '/a'), mount('b', '/b', true)] }),
        container('second', { volumesFrom: [{ sourceContainer: 'first' }] }),
        container('third', { mountPoints: [mount('a', '/a')], volumesFrom: [{ sourceContainer: 'second', readOnly: true }] }),
      ),
    );
    expect(containerNamed(out, 'second').volumeMounts).toEqual([
      { name: 'a', mountPath: '/a' },
      { name: 'b', mountPath: '/b', readOnly: true },
    ]);
    // Its own mount of /a wins; /b comes from second (from first), read-only.
    expect(containerNamed(out, 'third').volumeMounts).toEqual([
      { name: 'a', mountPath: '/a' },
      { name: 'b', mountPath: '/b', readOnly: true },
    ]);
  });

  test('tmpfs and sharedMemorySize are memory-backed emptyDirs of their container', () => {
    const out = render(
      task(
        {},
        container('app_1', {
          linuxParameters: { tmpfs: [{ containerPath: '/run', size: 64, mountOptions: ['ro', 'noexec'] }], sharedMemorySize: 256 },
        }),
      ),
    );
    expect(out.template.spec.volumes).toEqual([
      { name: 'tmpfs-app-1-0', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'shm-app-1', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } },
    ]);
    expect(containerNamed(out, 'app-1').volumeMounts).toEqual([
      { name: 'tmpfs-app-1-0', mountPath: '/run', readOnly: true },
      { name: 'shm-app-1', mountPath: '/dev/shm' },
    ]);
    expect(ignoredPaths(out)).toEqual(['$.containerDefinitions[0].linuxParameters.tmpfs[0].mountOptions']);
  });

  test('volume names that clash after conversion are refused', () => {
    expect(() => render(task({ volumes: [{ name: 'a_b' }, { name: 'a-b' }] }))).toThrow('both become volume "a-b"');
  });

  test('a mount point of an unknown volume is refused', () => {
    expect(() => render(task({}, container('app', { mountPoints: [mount('nope')] })))).toThrow('needs a sourceVolume');
  });
});
