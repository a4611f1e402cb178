import type { Service } from '../../api/service.js';
import { schedulingStrategyOf, serviceNameOf } from '../../api/service.js';
import { LABEL_SERVICE } from '../labels.js';
import { dnsName, labelValue, shortHash } from '../names.js';

// Names of a Service's children. The Deployment (or DaemonSet), the HorizontalPodAutoscaler and
// the Kubernetes Service are all named after the Service, so `kubectl get deploy,svc,hpa web`
// finds them. A REPLICA Service with a capacityProviderStrategy runs one Deployment per provider
// instead, `<service>-<provider>` (web-fargate, web-fargate-spot), so adding or removing a
// provider adds or removes one workload and leaves the others' tasks alone. A Kubernetes Service
// name is stricter (a DNS-1035 label: at most 63 characters, starting with a letter), so it goes
// through dnsName and gets an "s-" prefix when it would start with a digit.

type Named = Pick<Service, 'metadata' | 'spec'>;

/** The longest object name Kubernetes takes (a DNS subdomain). */
const MAX_NAME = 253;

/** The workload of a Service without capacity provider split, the DaemonSet, and the HorizontalPodAutoscaler: the Service's own name. */
export function workloadName(svc: Named): string {
  return svc.metadata.name;
}

/** True when the Service runs one workload per capacity provider. */
export function splitsByProvider(svc: Named): boolean {
  return schedulingStrategyOf(svc.spec) !== 'DAEMON' && (svc.spec.capacityProviderStrategy ?? []).length > 0;
}

/** `<service>-<provider>`, the provider as a DNS label (FARGATE_SPOT → fargate-spot). */
export function providerWorkloadName(svc: Named, capacityProvider: string): string {
  const suffix = dnsName(capacityProvider, 63);
  const name = `${svc.metadata.name}-${suffix}`;
  if (name.length <= MAX_NAME) return name;
  return `${svc.metadata.name.slice(0, MAX_NAME - suffix.length - 10).replace(/[-.]+$/, '')}-${shortHash(svc.metadata.name)}-${suffix}`;
}

/** Every workload the spec asks for, in strategy order. */
export function workloadNames(svc: Named): string[] {
  if (!splitsByProvider(svc)) return [workloadName(svc)];
  return (svc.spec.capacityProviderStrategy ?? []).map((p) => providerWorkloadName(svc, p.capacityProvider));
}

/** The Kubernetes Service: the Service's name as a DNS-1035 label. */
export function kubeServiceName(svc: Named): string {
  const name = dnsName(svc.metadata.name, 63);
  return /^[a-z]/.test(name) ? name : dnsName(`s-${name}`, 63);
}

/**
 * The label every task of the Service carries: the Kubernetes Service selector and the
 * Service's status.selector (for the autoscaler), across every workload. A workload selects on it
 * too, with the capacity provider label when there is one workload per provider (selectors are
 * immutable, and the workloads of a Service must not select each other's pods).
 */
export function selectorLabels(svc: Named): Record<string, string> {
  return { [LABEL_SERVICE]: labelValue(serviceNameOf(svc)) };
}
