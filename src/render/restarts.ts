import { isEssential, type ContainerDefinition } from '../api/container.js';
import type { Container } from '../api/kube.js';
import type { ContainerRole } from './dependencies.js';
import { containerPath, type IgnoredField } from './findings.js';

// An ECS container restartPolicy through Kubernetes' per-container restart rules
// (ContainerRestartRules: beta and on by default since Kubernetes 1.35). A long-running container
// restarts whenever it exits (the pod's restartPolicy is Always), which is restartPolicy
// `enabled` without ignoredExitCodes. ignoredExitCodes need the rules: the container says Never,
// and one rule restarts it on every exit code but those. restartAttemptPeriod has no counterpart
// (the kubelet backs off exponentially); dependencies.ts reports it.

export function renderRestartRules(
  def: ContainerDefinition,
  i: number,
  role: ContainerRole,
  rulesServed: boolean,
  ignored: IgnoredField[],
): Pick<Container, 'restartPolicy' | 'restartPolicyRules'> {
  const codes = def.restartPolicy?.enabled === true ? (def.restartPolicy.ignoredExitCodes ?? []) : [];
  if (codes.length === 0) return {};
  const path = containerPath(i, 'restartPolicy', 'ignoredExitCodes');
  if (role !== 'app') {
    ignored.push({ path, reason: 'not honoured: Kubernetes has no restart rules for init containers and sidecars; they restart whatever their exit code' });
    return {};
  }
  if (!rulesServed) {
    ignored.push({ path, reason: 'not honoured: the cluster serves no per-container restart rules (Kubernetes 1.35+); the container restarts whatever its exit code' });
    return {};
  }
  if (isEssential(def)) {
    ignored.push({
      path,
      reason: 'approximated: after an ignored exit code the container stays stopped and its task keeps running, not ready; ECS would stop the task, as the container is essential',
    });
  }
  return { restartPolicy: 'Never', restartPolicyRules: [{ action: 'Restart', exitCodes: { operator: 'NotIn', values: [...new Set(codes)] } }] };
}
