import type { DaemonSet, Deployment, ObjectMeta, Pod } from '../api/kube.js';
import type { Service } from '../api/service.js';

// What the Service controller reads from its caches for one pass, all of it as the apiserver
// returned it. Nothing here is fetched by the pure code.

/** The parts of an apps/v1 ReplicaSet that status derivation reads. */
export interface ReplicaSetLike {
  metadata: ObjectMeta;
  spec?: {
    replicas?: number;
    template?: { metadata?: { labels?: Record<string, string> } };
  };
}

/** A resolved task definition revision. */
export interface TaskDefinitionTarget {
  family: string;
  revision: number;
}

/** Why the Service cannot run what its spec asks for (a condition reason and message). */
export interface ServiceProblem {
  reason: string;
  message: string;
  /** No task can be placed anywhere (no FargateProfile takes a FARGATE task): reported as ECS reports an unplaceable task. */
  unplaceable?: boolean;
  /** A Warning Event when the problem appears or changes (the spec must change; nothing else reports it). */
  warn?: boolean;
}

export interface ServiceObservation {
  /** The Service: metadata (name, uid, generation), spec, and status as last written (previous state). */
  service: Pick<Service, 'metadata' | 'spec' | 'status'>;
  /**
   * The revision spec.taskDefinition names now: the latest ACTIVE revision for a bare family.
   * Absent when it cannot be resolved (no such TaskDefinition or revision).
   */
  target?: TaskDefinitionTarget;
  /**
   * Set when the target must not be deployed (unresolvable or INACTIVE revision, launch type
   * mismatch, a pod template the renderer refused). No new deployment starts; what runs, runs on.
   */
  problem?: ServiceProblem;
  /**
   * The Deployments (REPLICA) or the DaemonSet (DAEMON) the Service owns: the one named after it,
   * or one per capacity provider, and any the spec no longer asks for that are still there.
   */
  workloads: readonly (Deployment | DaemonSet)[];
  /** The names of the workloads the spec asks for; every workload given when absent. */
  workloadNames?: readonly string[];
  /** The ReplicaSets of those Deployments (owner reference), for the desired count of each deployment. */
  replicaSets?: readonly ReplicaSetLike[];
  /** The pods labelled ecs.berth.dev/service=<service>, terminating ones included. */
  pods: readonly Pod[];
  now: Date;
}
