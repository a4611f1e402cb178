import type { ContainerDefinition } from '../api/container.js';
import type { SecurityContext, Sysctl } from '../api/kube.js';
import { containerPath, type IgnoredField } from './findings.js';

// Docker run options of a container → its securityContext; what the container runtime cannot be
// asked for through the pod API is reported.

export function renderSecurityContext(def: ContainerDefinition, i: number, ignored: IgnoredField[]): SecurityContext | undefined {
  const sc: SecurityContext = {};
  const caps = def.linuxParameters?.capabilities;
  if (caps?.add?.length || caps?.drop?.length) {
    sc.capabilities = {};
    if (caps.add?.length) sc.capabilities.add = [...caps.add];
    if (caps.drop?.length) sc.capabilities.drop = [...caps.drop];
  }
  if (def.privileged) sc.privileged = true;
  if (def.readonlyRootFilesystem) sc.readOnlyRootFilesystem = true;
  if (def.user) Object.assign(sc, runAs(def.user, containerPath(i, 'user'), ignored));
  (def.dockerSecurityOptions ?? []).forEach((option, j) => {
    if (option === 'no-new-privileges' || option === 'no-new-privileges:true') {
      sc.allowPrivilegeEscalation = false;
    } else {
      ignored.push({
        path: containerPath(i, 'dockerSecurityOptions', j),
        reason: 'not honoured: only no-new-privileges has a securityContext equivalent (allowPrivilegeEscalation: false)',
      });
    }
  });
  noteLinuxParameters(def, i, ignored);
  return Object.keys(sc).length > 0 ? sc : undefined;
}

const ROOT = new Set(['root', '0']);

// Docker's user forms are user, uid, user:group, uid:gid, user:gid and uid:group; Kubernetes
// takes numbers only, so names are kept only for root, whose ID is always 0.
function runAs(user: string, path: string, ignored: IgnoredField[]): Pick<SecurityContext, 'runAsUser' | 'runAsGroup'> {
  const [u, g] = user.split(':', 2);
  const out: Pick<SecurityContext, 'runAsUser' | 'runAsGroup'> = {};
  const uid = numericId(u);
  const gid = g === undefined ? undefined : numericId(g);
  if (uid !== undefined) out.runAsUser = uid;
  if (gid !== undefined) out.runAsGroup = gid;
  if (uid === undefined || (g !== undefined && gid === undefined)) {
    ignored.push({
      path,
      reason: 'not honoured in part: Kubernetes needs numeric user and group IDs; names other than root are left to the image',
    });
  }
  return out;
}

function numericId(value: string): number | undefined {
  if (ROOT.has(value)) return 0;
  return /^[0-9]+$/.test(value) ? Number(value) : undefined;
}

function noteLinuxParameters(def: ContainerDefinition, i: number, ignored: IgnoredField[]): void {
  const params = def.linuxParameters;
  const note = (field: string, reason: string) => ignored.push({ path: containerPath(i, 'linuxParameters', field), reason });
  if (params?.initProcessEnabled) {
    note('initProcessEnabled', 'not honoured: Kubernetes has no init-process option; use an image with an init such as tini');
  }
  if (params?.devices?.length) note('devices', 'not honoured: host devices need a device plugin in Kubernetes');
  if (params?.maxSwap !== undefined) note('maxSwap', 'not honoured: swap is configured per node in Kubernetes');
  if (params?.swappiness !== undefined) note('swappiness', 'not honoured: swap is configured per node in Kubernetes');
  if (def.ulimits?.length) {
    ignored.push({ path: containerPath(i, 'ulimits'), reason: 'not honoured: ulimits come from the container runtime of the node' });
  }
}

/**
 * systemControls of all containers as pod sysctls (a pod has one set of namespaces). A name set
 * twice keeps its first value. Unsafe sysctls must also be allowed on the kubelet.
 */
export function renderSysctls(defs: readonly ContainerDefinition[], hostNetwork: boolean, ignored: IgnoredField[]): Sysctl[] {
  const out: Sysctl[] = [];
  defs.forEach((def, i) => {
    (def.systemControls ?? []).forEach((ctl, j) => {
      const path = containerPath(i, 'systemControls', j);
      if (!ctl.namespace || ctl.value === undefined) return;
      if (hostNetwork && ctl.namespace.startsWith('net.')) {
        ignored.push({ path, reason: 'not honoured: network sysctls cannot be set with the host network' });
        return;
      }
      const earlier = out.find((s) => s.name === ctl.namespace);
      if (earlier && earlier.value !== ctl.value) {
        ignored.push({ path, reason: `not honoured: the pod shares one value, "${earlier.value}", set by an earlier container` });
      } else if (!earlier) {
        out.push({ name: ctl.namespace, value: ctl.value });
      }
    });
  });
  return out;
}
