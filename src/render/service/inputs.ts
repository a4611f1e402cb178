import type { FargateProfile } from '../../api/fargateprofile.js';
import type { CapacityProviderTable } from '../../placement/capacity.js';
import type { KnownLabelValues } from '../../placement/compile.js';

// What a Service render needs from the cluster besides the Service and its task definition,
// gathered by the controller from its caches.

export interface ClusterFacts {
  /** Node label values seen now (collectLabelValues over the nodes), for wildcard and regex placement. */
  knownLabelValues?: KnownLabelValues;
  /** Every FargateProfile. Absent: pods are left for the admission webhook to route. */
  fargateProfiles?: readonly Pick<FargateProfile, 'metadata' | 'spec'>[];
  /** Subnet → zone, for FargateProfile subnets. */
  subnetZones?: Readonly<Record<string, string>>;
  /** RuntimeClass of profiles that name none (operator configuration). */
  defaultRuntimeClassName?: string;
  /** A scheduler whose profile packs nodes, for binpack strategies (operator configuration). */
  binpackSchedulerName?: string;
  /** Capacity providers besides FARGATE, FARGATE_SPOT and EC2 (operator configuration). */
  capacityProviders?: CapacityProviderTable;
  /** The cluster serves per-container restart rules (Kubernetes 1.35+). Absent: it does. */
  containerRestartRules?: boolean;
}

/** Nothing can be rendered: a condition reason and message for the Service. */
export interface RenderRefusal {
  ok: false;
  reason: string;
  message: string;
  /** No task can be placed anywhere: ECS reports that as a placement failure, and so does Berth. */
  unplaceable?: boolean;
  /** Worth a Warning Event when it appears or changes: the user has to change the spec. */
  warn?: boolean;
}
