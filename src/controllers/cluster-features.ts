import type { Logger } from 'pino';
import type { Kube } from '../runtime/index.js';

// What the renderer needs to know about the cluster's Kubernetes version. Per-container restart
// rules (ContainerRestartRules) are beta and on by default from 1.35; on an older apiserver the
// fields would be dropped, so ECS's ignoredExitCodes are reported instead of rendered.

/** The first Kubernetes minor version that serves per-container restart rules by default. */
const RESTART_RULES_SINCE = 35;

/** True when the /version answer is Kubernetes 1.35 or later; "1", "36+" (GKE, EKS) count too. */
export function servesContainerRestartRules(version: { major?: string; minor?: string }): boolean {
  const major = Number.parseInt(version.major ?? '', 10);
  const minor = Number.parseInt(version.minor ?? '', 10);
  if (!Number.isFinite(major) || !Number.isFinite(minor)) return false;
  return major > 1 || (major === 1 && minor >= RESTART_RULES_SINCE);
}

/** Asks the apiserver once, at start; an unreadable version counts as an old cluster. */
export async function detectContainerRestartRules(kube: Kube, logger: Logger): Promise<boolean> {
  try {
    const version = await kube.request<{ major?: string; minor?: string; gitVersion?: string }>({ method: 'GET', path: '/version' });
    const served = servesContainerRestartRules(version);
    logger.info({ version: version.gitVersion, containerRestartRules: served }, 'cluster version');
    return served;
  } catch (err) {
    logger.warn({ err }, 'could not read the cluster version: restartPolicy.ignoredExitCodes are reported, not rendered');
    return false;
  }
}
