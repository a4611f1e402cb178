import { canonicalJson } from '../render/taskdefinition/revisions.js';
import type { Kube, KubeObject } from '../runtime/index.js';

type WithStatus = KubeObject & { status?: unknown };

/**
 * Remembers the status each object was last given. The informer delivers the write a moment
 * later; a pass that runs before it would otherwise start from the old status and report the
 * same ECS events twice. While the cache still holds the resourceVersion the write replaced,
 * `fresh` answers with the written status instead.
 */
export class StatusMemory {
  private readonly written = new Map<string, { replaced: string; status: unknown }>();

  fresh<T extends WithStatus>(obj: T): T {
    const key = `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
    const entry = this.written.get(key);
    if (!entry) return obj;
    if (obj.metadata?.resourceVersion !== entry.replaced) {
      this.written.delete(key);
      return obj;
    }
    return { ...obj, status: entry.status };
  }

  /**
   * Writes a status once per pass and only when it changed, so a converged operator makes no
   * writes. Server-side apply under Berth's field manager: fields Berth stops setting disappear.
   */
  async write(kube: Kube, obj: WithStatus, status: unknown): Promise<boolean> {
    if (canonicalJson(obj.status ?? {}) === canonicalJson(status)) return false;
    await kube.applyStatus({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata?.name, namespace: obj.metadata?.namespace }, status });
    this.written.set(`${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`, { replaced: obj.metadata?.resourceVersion ?? '', status });
    return true;
  }
}
