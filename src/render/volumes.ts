import type { ContainerDefinition } from '../api/container.js';
import type { Volume, VolumeMount } from '../api/kube.js';
import type { TaskDefinitionSpec } from '../api/taskdefinition.js';
import type { Volume as EcsVolume } from '../api/volume.js';
import { containerPath, joinPath, RenderError, type IgnoredField } from './findings.js';
import { mebibytes } from './quantities.js';
import { dnsName } from './names.js';

// ECS volume → Kubernetes volume (README.md has the table):
//   spec.kubernetes.volumes entry              → that PersistentVolumeClaim
//   host.sourcePath                            → hostPath
//   EFS, FSx, shared Docker volume             → PersistentVolumeClaim named by rule (claimNameFor)
//   configuredAtLaunch                         → emptyDir (a fresh volume per task)
//   task-scoped Docker volume, bare volume     → emptyDir
// linuxParameters.tmpfs and sharedMemorySize become memory-backed emptyDirs of their container.

export interface VolumePlan {
  volumes: Volume[];
  /** Mounts by container definition index. */
  mounts: VolumeMount[][];
}

export function planVolumes(spec: TaskDefinitionSpec, containerNames: readonly string[], ignored: IgnoredField[]): VolumePlan {
  const ecsVolumes = spec.volumes ?? [];
  const names = new Map<string, string>();
  const volumes = ecsVolumes.map((v, i) => {
    const name = dnsName(v.name);
    const clash = [...names.entries()].find(([, n]) => n === name);
    if (clash) throw new RenderError(joinPath(['volumes', i, 'name']), `"${v.name}" and "${clash[0]}" both become volume "${name}"`);
    names.set(v.name, name);
    return { name, ...volumeSource(spec, v, i, ignored) };
  });

  const defs = spec.containerDefinitions;
  const mounts = defs.map((_, i) => mountsOf(defs, i, names, new Set()));

  defs.forEach((def, i) => {
    for (const { volume, mount } of memoryVolumes(def, i, containerNames[i], ignored)) {
      if (volumes.some((v) => v.name === volume.name)) {
        throw new RenderError(containerPath(i, 'linuxParameters'), `volume name "${volume.name}" is already taken by a task volume`);
      }
      volumes.push(volume);
      mounts[i].push(mount);
    }
  });
  return { volumes, mounts };
}

function volumeSource(spec: TaskDefinitionSpec, v: EcsVolume, i: number, ignored: IgnoredField[]): Omit<Volume, 'name'> {
  const mapped = spec.kubernetes?.volumes?.find((k) => k.name === v.name);
  if (mapped) {
    const { claimName, readOnly } = mapped.persistentVolumeClaim;
    return { persistentVolumeClaim: readOnly ? { claimName, readOnly } : { claimName } };
  }
  if (v.host?.sourcePath) return { hostPath: { path: v.host.sourcePath } };

  const byRule = claimNameFor(v);
  if (byRule) {
    const field = v.efsVolumeConfiguration
      ? 'efsVolumeConfiguration'
      : v.fsxWindowsFileServerVolumeConfiguration
        ? 'fsxWindowsFileServerVolumeConfiguration'
        : v.s3filesVolumeConfiguration
          ? 's3filesVolumeConfiguration'
          : 'dockerVolumeConfiguration';
    ignored.push({
      path: joinPath(['volumes', i, field]),
      reason:
        `approximated: mounted from PersistentVolumeClaim "${byRule}", named by rule; name the claim in spec.kubernetes.volumes. ` +
        'The storage settings belong to the claim and its PersistentVolume',
    });
    return { persistentVolumeClaim: { claimName: byRule } };
  }
  if (v.configuredAtLaunch) {
    ignored.push({
      path: joinPath(['volumes', i, 'configuredAtLaunch']),
      reason: 'approximated: an empty directory that lives as long as the pod; name a claim in spec.kubernetes.volumes for real storage',
    });
  }
  const docker = v.dockerVolumeConfiguration;
  if (docker && ((docker.driver && docker.driver !== 'local') || docker.driverOpts || docker.labels)) {
    ignored.push({
      path: joinPath(['volumes', i, 'dockerVolumeConfiguration']),
      reason: 'not honoured: the Docker volume driver, its options and labels; the task-scoped volume is an emptyDir',
    });
  }
  return { emptyDir: {} };
}

/**
 * The claim that backs a shared ECS volume when spec.kubernetes.volumes does not name one:
 * EFS `efs-<fileSystemId>[-<accessPointId>][-<rootDirectory>]`, FSx `fsx-<fileSystemId>-<rootDirectory>`,
 * S3 Files `s3files-<file system id>[-<rootDirectory>]`,
 * a shared Docker volume its own name, all through dnsName. Tasks that use the same storage
 * share the claim, as they share the file system on ECS. Undefined for other volumes.
 */
export function claimNameFor(v: EcsVolume): string | undefined {
  const efs = v.efsVolumeConfiguration;
  if (efs) {
    const root = (efs.rootDirectory ?? '').replace(/^\/+/, '');
    return dnsName(['efs', efs.fileSystemId, efs.authorizationConfig?.accessPointId ?? '', root].filter((p) => p !== '').join('-'), 253);
  }
  const fsx = v.fsxWindowsFileServerVolumeConfiguration;
  if (fsx) return dnsName(`fsx-${fsx.fileSystemId}-${fsx.rootDirectory}`, 253);
  const s3files = v.s3filesVolumeConfiguration;
  if (s3files) {
    const root = (s3files.rootDirectory ?? '').replace(/^\/+/, '');
    const id = s3files.fileSystemArn.slice(s3files.fileSystemArn.lastIndexOf('/') + 1);
    return dnsName(['s3files', id, root].filter((p) => p !== '').join('-'), 253);
  }
  if (v.dockerVolumeConfiguration?.scope === 'shared') return dnsName(v.name, 253);
  return undefined;
}

// mountPoints, then the mount points of volumesFrom containers (transitively, as Docker's
// --volumes-from does); a path already mounted keeps its first mount.
function mountsOf(
  defs: readonly ContainerDefinition[],
  i: number,
  names: Map<string, string>,
  seen: Set<number>,
  forceReadOnly = false,
): VolumeMount[] {
  seen.add(i);
  const out: VolumeMount[] = [];
  const add = (m: VolumeMount) => {
    if (!out.some((o) => o.mountPath === m.mountPath)) out.push(m);
  };
  (defs[i].mountPoints ?? []).forEach((mp, j) => {
    const name = mp.sourceVolume === undefined ? undefined : names.get(mp.sourceVolume);
    if (name === undefined || !mp.containerPath) {
      throw new RenderError(containerPath(i, 'mountPoints', j), 'a mount point needs a sourceVolume from spec.volumes and a containerPath');
    }
    add(mp.readOnly || forceReadOnly ? { name, mountPath: mp.containerPath, readOnly: true } : { name, mountPath: mp.containerPath });
  });
  for (const from of defs[i].volumesFrom ?? []) {
    const source = defs.findIndex((d) => d.name === from.sourceContainer);
    if (source === -1 || seen.has(source)) continue;
    mountsOf(defs, source, names, seen, forceReadOnly || from.readOnly === true).forEach(add);
  }
  return out;
}

/** The emptyDir of linuxParameters.tmpfs[j] of a container (its Kubernetes name). */
export function tmpfsVolumeName(containerName: string, j: number): string {
  return dnsName(`tmpfs-${containerName}-${j}`);
}

/** The emptyDir at /dev/shm of a container with sharedMemorySize (its Kubernetes name). */
export function shmVolumeName(containerName: string): string {
  return dnsName(`shm-${containerName}`);
}

function memoryVolumes(def: ContainerDefinition, i: number, containerName: string, ignored: IgnoredField[]): { volume: Volume; mount: VolumeMount }[] {
  const out: { volume: Volume; mount: VolumeMount }[] = [];
  const params = def.linuxParameters;
  (params?.tmpfs ?? []).forEach((t, j) => {
    const options = t.mountOptions ?? [];
    const unhonoured = options.filter((o) => o !== 'ro' && o !== 'rw');
    if (unhonoured.length > 0) {
      ignored.push({
        path: containerPath(i, 'linuxParameters', 'tmpfs', j, 'mountOptions'),
        reason: `not honoured: ${unhonoured.join(', ')}; an emptyDir takes no mount options (only ro is kept)`,
      });
    }
    const name = tmpfsVolumeName(containerName, j);
    const mount: VolumeMount = options.includes('ro') ? { name, mountPath: t.containerPath, readOnly: true } : { name, mountPath: t.containerPath };
    out.push({ volume: { name, emptyDir: { medium: 'Memory', sizeLimit: mebibytes(t.size) } }, mount });
  });
  if (params?.sharedMemorySize) {
    const name = shmVolumeName(containerName);
    out.push({ volume: { name, emptyDir: { medium: 'Memory', sizeLimit: mebibytes(params.sharedMemorySize) } }, mount: { name, mountPath: '/dev/shm' } });
  }
  return out;
}
