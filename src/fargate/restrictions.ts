// What a pod routed to a FargateProfile may not ask for, as on EKS Fargate: each pod runs alone
// in an isolated runtime, so nothing that reaches into the node is allowed, and daemons (one pod
// per node) make no sense there.

import type { Container, Pod, PodSpec } from '../api/kube.js';

export type RestrictionRule = 'DaemonSet' | 'Privileged' | 'HostNetwork' | 'HostPort' | 'HostPID' | 'HostIPC' | 'HostPath';

export interface Violation {
  rule: RestrictionRule;
  /** Starts with the rule's name: "Privileged: container "app" is privileged; …". */
  message: string;
}

export interface RestrictionOptions {
  /**
   * The kind of the pod's controller when the pod has no owner reference yet (a template being
   * rendered); owner references on the pod take precedence.
   */
  ownerKind?: string;
}

const ISOLATED = 'isolated (Fargate) pods';

export function findViolations(pod: Pick<Pod, 'metadata' | 'spec'>, options: RestrictionOptions = {}): Violation[] {
  const out: Violation[] = [];
  const spec: PodSpec = pod.spec;
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  const ownerKind = owner?.kind ?? options.ownerKind;
  if (ownerKind === 'DaemonSet') {
    const which = owner ? ` ${owner.name}` : '';
    out.push({ rule: 'DaemonSet', message: `DaemonSet: the pod belongs to DaemonSet${which}; ${ISOLATED} run one per node, so a daemon has to become a sidecar` });
  }
  if (spec.hostNetwork) out.push({ rule: 'HostNetwork', message: `HostNetwork: the pod uses the node's network (hostNetwork), which ${ISOLATED} cannot share` });
  if (spec.hostPID) out.push({ rule: 'HostPID', message: `HostPID: the pod uses the node's process namespace (hostPID), which ${ISOLATED} cannot share` });
  if (spec.hostIPC) out.push({ rule: 'HostIPC', message: `HostIPC: the pod uses the node's IPC namespace (hostIPC), which ${ISOLATED} cannot share` });
  for (const c of allContainers(spec)) {
    if (c.securityContext?.privileged) {
      out.push({ rule: 'Privileged', message: `Privileged: container "${c.name}" is privileged, which ${ISOLATED} cannot be` });
    }
    for (const p of c.ports ?? []) {
      if (p.hostPort) out.push({ rule: 'HostPort', message: `HostPort: container "${c.name}" binds host port ${p.hostPort}, which ${ISOLATED} cannot do` });
    }
  }
  for (const v of spec.volumes ?? []) {
    if (v.hostPath) out.push({ rule: 'HostPath', message: `HostPath: volume "${v.name}" mounts ${v.hostPath.path} from the node, which ${ISOLATED} cannot do` });
  }
  return out;
}

function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}
