import type { DaemonSet } from '../api/kube.js';
import type { ServiceSpec } from '../api/service.js';
import { schedulingStrategyOf } from '../api/service.js';

// How many tasks the service should run now.
//
//   REPLICA  spec.desiredCount. Absent, a new service starts with 1 task (as CloudFormation and
//            the console create it); with autoScaling, with minCapacity until the autoscaler
//            writes desiredCount through the scale subresource.
//   DAEMON   one task per eligible node: what the DaemonSet controller counts
//            (status.desiredNumberScheduled), 0 before the DaemonSet reports.

export const DEFAULT_DESIRED_COUNT = 1;

export function desiredCountOf(spec: Pick<ServiceSpec, 'desiredCount' | 'schedulingStrategy' | 'autoScaling'>, daemonSet?: Pick<DaemonSet, 'status'>): number {
  if (schedulingStrategyOf(spec) === 'DAEMON') return daemonSet?.status?.desiredNumberScheduled ?? 0;
  if (spec.desiredCount !== undefined) return spec.desiredCount;
  return spec.autoScaling ? spec.autoScaling.minCapacity : DEFAULT_DESIRED_COUNT;
}
