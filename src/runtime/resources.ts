// Built-in resources Berth reads or writes, so common calls need no discovery round trip.

import type { ResourceRef } from './paths.js';

const ref = (group: string, version: string, plural: string, kind: string, namespaced = true): ResourceRef => ({
  group,
  version,
  plural,
  kind,
  namespaced,
});

export const Resources = {
  Namespace: ref('', 'v1', 'namespaces', 'Namespace', false),
  Node: ref('', 'v1', 'nodes', 'Node', false),
  Pod: ref('', 'v1', 'pods', 'Pod'),
  Service: ref('', 'v1', 'services', 'Service'),
  ServiceAccount: ref('', 'v1', 'serviceaccounts', 'ServiceAccount'),
  ConfigMap: ref('', 'v1', 'configmaps', 'ConfigMap'),
  Secret: ref('', 'v1', 'secrets', 'Secret'),
  Event: ref('', 'v1', 'events', 'Event'),
  Deployment: ref('apps', 'v1', 'deployments', 'Deployment'),
  DaemonSet: ref('apps', 'v1', 'daemonsets', 'DaemonSet'),
  ReplicaSet: ref('apps', 'v1', 'replicasets', 'ReplicaSet'),
  ControllerRevision: ref('apps', 'v1', 'controllerrevisions', 'ControllerRevision'),
  HorizontalPodAutoscaler: ref('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler'),
  PodDisruptionBudget: ref('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget'),
  NetworkPolicy: ref('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy'),
  Lease: ref('coordination.k8s.io', 'v1', 'leases', 'Lease'),
  RuntimeClass: ref('node.k8s.io', 'v1', 'runtimeclasses', 'RuntimeClass', false),
  CustomResourceDefinition: ref('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false),
  MutatingWebhookConfiguration: ref('admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false),
  ValidatingWebhookConfiguration: ref('admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false),
} as const satisfies Record<string, ResourceRef>;
