// Which namespaces the pod webhook sees. The operator labels exactly the namespaces some
// FargateProfile selects, and the webhook configurations select only labelled namespaces, so a
// cluster without profiles never calls the webhook at all. kube-system and the operator's own
// namespace are never labelled and are excluded by name as well: the operator must be able to
// start (and the cluster to run) while the webhook is down.

import { selectsNamespace, type ProfileLike } from '../fargate/profile.js';

/** On a namespace: some FargateProfile selects it, so its pods go through the webhook. */
export const FARGATE_NAMESPACE_LABEL = 'ecs.berth.dev/fargate';

/** The label the apiserver puts on every namespace, with its name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function excludedNamespaces(operatorNamespace: string): string[] {
  return [...new Set(['kube-system', operatorNamespace])].sort();
}

/** The label's value a namespace should have: 'true', or none. */
export function desiredFargateLabel(namespace: string, profiles: readonly ProfileLike[], excluded: readonly string[]): 'true' | undefined {
  if (excluded.includes(namespace)) return undefined;
  return selectsNamespace(namespace, profiles) ? 'true' : undefined;
}

export interface NamespaceLabels {
  name: string;
  labels?: Readonly<Record<string, string>>;
}

/** The namespaces to label and to unlabel, by name. */
export function planNamespaceLabels(
  namespaces: readonly NamespaceLabels[],
  profiles: readonly ProfileLike[],
  excluded: readonly string[],
): { label: string[]; unlabel: string[] } {
  const label: string[] = [];
  const unlabel: string[] = [];
  for (const ns of namespaces) {
    const want = desiredFargateLabel(ns.name, profiles, excluded);
    const have = ns.labels?.[FARGATE_NAMESPACE_LABEL];
    if (want === have) continue;
    if (want) label.push(ns.name);
    else unlabel.push(ns.name);
  }
  return { label: label.sort(), unlabel: unlabel.sort() };
}

/** The namespaceSelector of both webhook configurations. */
export function webhookNamespaceSelector(excluded: readonly string[]) {
  return {
    matchLabels: { [FARGATE_NAMESPACE_LABEL]: 'true' },
    matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [...excluded] }],
  };
}
