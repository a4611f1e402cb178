import type { Service } from '../../api/service.js';
import { serviceNameOf } from '../../api/service.js';
import { LABEL_SERVICE } from '../labels.js';
import { dnsName, labelValue } from '../names.js';

// Names of a Service's children. The Deployment (or DaemonSet), the HorizontalPodAutoscaler and
// the Kubernetes Service are all named after the Service, so `kubectl get deploy,svc,hpa web`
// finds them. A Kubernetes Service name is stricter (a DNS-1035 label: at most 63 characters,
// starting with a letter), so it goes through dnsName and gets an "s-" prefix when it would start
// with a digit.

type Named = Pick<Service, 'metadata' | 'spec'>;

/** Deployment, DaemonSet and HorizontalPodAutoscaler: the Service's own name. */
export function workloadName(svc: Named): string {
  return svc.metadata.name;
}

/** The Kubernetes Service: the Service's name as a DNS-1035 label. */
export function kubeServiceName(svc: Named): string {
  const name = dnsName(svc.metadata.name, 63);
  return /^[a-z]/.test(name) ? name : dnsName(`s-${name}`, 63);
}

/**
 * The workload selector and the Kubernetes Service selector: the service label only. Revisions
 * and deployments come and go under one Deployment, whose selector is immutable.
 */
export function selectorLabels(svc: Named): Record<string, string> {
  return { [LABEL_SERVICE]: labelValue(serviceNameOf(svc)) };
}
