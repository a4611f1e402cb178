// The informer cache: objects by 'namespace/name', plus secondary indexes kept in step.

import { keyOf, joinKey, type KubeObject } from './objects.js';

/** Values an object is filed under in one index; an object may have none or several. */
export type IndexFunc<T> = (obj: T) => string[];

const NAMESPACE_INDEX = '__namespace';

export class Store<T extends KubeObject = KubeObject> {
  private readonly objects = new Map<string, T>();
  private readonly indexers: [string, IndexFunc<T>][];
  private readonly indexes = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.indexers = [[NAMESPACE_INDEX, (obj) => [obj.metadata?.namespace ?? '']], ...Object.entries(indexers)];
    for (const [name] of this.indexers) this.indexes.set(name, new Map());
  }

  get size(): number {
    return this.objects.size;
  }

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  getByName(name: string, namespace?: string): T | undefined {
    return this.objects.get(joinKey(namespace, name));
  }

  keys(): string[] {
    return [...this.objects.keys()];
  }

  /** All objects, or those of one namespace. */
  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.objects.values()];
    return this.byIndex(NAMESPACE_INDEX, namespace);
  }

  byIndex(index: string, value: string): T[] {
    const values = this.indexes.get(index);
    if (!values) throw new Error(`no index named ${index}`);
    const keys = values.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const key of keys) out.push(this.objects.get(key)!);
    return out;
  }

  /** Stores the object and returns the one it replaced. */
  set(obj: T): T | undefined {
    const key = keyOf(obj);
    const old = this.objects.get(key);
    if (old) this.unindex(key, old);
    this.objects.set(key, obj);
    this.index(key, obj);
    return old;
  }

  delete(key: string): T | undefined {
    const old = this.objects.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.objects.delete(key);
    return old;
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const values = this.indexes.get(name)!;
      for (const v of fn(obj)) {
        let keys = values.get(v);
        if (!keys) values.set(v, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const values = this.indexes.get(name)!;
      for (const v of fn(obj)) {
        const keys = values.get(v);
        if (!keys) continue;
        keys.delete(key);
        if (keys.size === 0) values.delete(v);
      }
    }
  }
}

/** Files an object under the 'namespace/name' key of its controller owner of `kind`. */
export function ownerIndex(kind: string, apiGroup?: string): IndexFunc<KubeObject> {
  return (obj) => {
    const owner = obj.metadata?.ownerReferences?.find(
      (o) => o.controller && o.kind === kind && (apiGroup === undefined || groupOf(o.apiVersion) === apiGroup),
    );
    return owner ? [joinKey(obj.metadata?.namespace, owner.name)] : [];
  };
}

/** Files an object under the value of one label. */
export function labelIndex(label: string): IndexFunc<KubeObject> {
  return (obj) => {
    const value = obj.metadata?.labels?.[label];
    return value === undefined ? [] : [value];
  };
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
