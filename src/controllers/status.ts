import { canonicalJson } from '../render/taskdefinition/revisions.js';
import { joinKey, keyOf, type Kube, type KubeObject } from '../runtime/index.js';

type WithStatus = KubeObject & { status?: unknown };

/**
 * Remembers the status each object was last given. The informer delivers the write a moment
 * later; a pass that runs before it would otherwise start from the old status and report the
 * same ECS events (or the same failure) twice. Until the cache holds the version the write
 * created, or a version whose status is the written one, `fresh` answers with the written status.
 * (Comparing with the version the write replaced is not enough: two writes in quick succession
 * leave the cache at the first one, which is not the replaced version of the second.)
 */
export class StatusMemory {
  private readonly written = new Map<string, { resourceVersion: string | undefined; status: unknown }>();

  fresh<T extends WithStatus>(obj: T): T {
    const key = keyOf(obj);
    const entry = this.written.get(key);
    if (!entry) return obj;
    if (obj.metadata?.resourceVersion === entry.resourceVersion || canonicalJson(obj.status ?? {}) === canonicalJson(entry.status)) {
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
    const stored = await kube.applyStatus({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata?.name, namespace: obj.metadata?.namespace }, status });
    this.written.set(keyOf(obj), { resourceVersion: stored.metadata?.resourceVersion, status });
    return true;
  }

  /** Drops what is remembered of an object that is gone. */
  forget(namespace: string | undefined, name: string): void {
    this.written.delete(joinKey(namespace, name));
  }
}
