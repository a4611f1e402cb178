import { canonicalJson } from '../render/taskdefinition/revisions.js';
import type { Kube, KubeObject } from '../runtime/index.js';

/**
 * Writes a status once per pass and only when it changed, so a converged operator makes no
 * writes. Server-side apply under Berth's field manager: fields Berth stops setting disappear.
 */
export async function writeStatus(kube: Kube, obj: KubeObject & { status?: unknown }, status: unknown): Promise<boolean> {
  if (canonicalJson(obj.status ?? {}) === canonicalJson(status)) return false;
  await kube.applyStatus({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata?.name, namespace: obj.metadata?.namespace }, status });
  return true;
}
