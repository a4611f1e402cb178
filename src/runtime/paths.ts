// REST paths of Kubernetes resources, and the templated form used as a metric label.

/** Where a kind lives in the API. `group` is '' for the core group. */
export interface ResourceRef {
  group: string;
  version: string;
  /** Lower-case plural resource name, e.g. 'deployments'. */
  plural: string;
  kind: string;
  namespaced: boolean;
}

export function apiVersionOf(ref: ResourceRef): string {
  return ref.group ? `${ref.group}/${ref.version}` : ref.version;
}

/** '/api/v1' or '/apis/<group>/<version>'. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/**
 * The path of a collection (no name) or of one object. A namespaced resource without a
 * namespace gives the all-namespaces collection, which is only valid for list and watch.
 */
export function resourcePath(ref: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
  let path = groupVersionPath(apiVersionOf(ref));
  if (ref.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${ref.plural}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource) path += `/${subresource}`;
  return path;
}

/** Human name of a resource for logs and metric labels: 'deployments.apps', 'pods'. */
export function resourceName(ref: ResourceRef): string {
  return ref.group ? `${ref.plural}.${ref.group}` : ref.plural;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/**
 * Replaces namespace and object names in an API path with placeholders, so the path can label
 * a metric without unbounded cardinality: '/api/v1/namespaces/{namespace}/pods/{name}/status'.
 */
export function templatePath(path: string): string {
  const parts = path.split('?')[0].split('/').filter(Boolean);
  let i: number;
  if (parts[0] === 'api' && parts.length >= 2) i = 2;
  else if (parts[0] === 'apis' && parts.length >= 3) i = 3;
  else return parts.length > 0 && parts.length <= 3 ? `/${parts.join('/')}` : '/{other}';

  const out = parts.slice(0, i);
  const rest = parts.slice(i);
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    out.push('namespaces');
    if (rest.length === 2 || NAMESPACE_SUBRESOURCES.has(rest[2])) {
      // The Namespace object itself.
      out.push('{name}', ...rest.slice(2, 3));
      return `/${out.join('/')}`;
    }
    out.push('{namespace}');
    rest.splice(0, 2);
  }
  if (rest.length >= 1) out.push(rest[0]);
  if (rest.length >= 2) out.push('{name}');
  if (rest.length >= 3) out.push(rest[2]);
  return `/${out.join('/')}`;
}
