// The two admission handlers for Pod CREATE, as pure functions of the request and the profiles.
//
// /mutate-pods routes a pod that a profile takes (runtime class, zones, label, CapacityProvisioned,
// resources) by answering with the JSON patch from the pod to its routed copy, and refuses a pod
// the profile cannot run. /validate-pods looks at the pod as it will be stored, after every
// mutating webhook: it refuses what the profile cannot run and a pod that a profile takes but
// that is not routed to it, so no later mutation can slip a pod past the isolation.
//
// Outcomes are counted where a request ends: a refusal where it is made, a routed pod by the
// validating handler (the mutating one may be called twice). Dry runs count nothing.

import type { Pod } from '../api/kube.js';
import type { ProfileLike } from '../fargate/profile.js';
import { admitPod, routePod, type Refusal, type RouteOptions } from '../fargate/route.js';
import { isObject } from '../api/json.js';
import { allow, deny, type AdmissionRequest, type AdmissionResponse } from './review.js';

/** How a request ended, for metrics; 'allowed' is a Berth object that passed its checks. */
export type AdmissionResult = 'routed' | 'allowed' | 'refused' | 'unmatched' | 'ignored' | 'invalid' | 'unavailable' | 'error';

/** What happened to a pod a profile took, to be counted in the profile's status. */
export interface PodOutcome {
  profile: string;
  result: 'routed' | 'refused';
  namespace: string;
  /** The pod's name, or its generateName. */
  pod: string;
  rule?: string;
  message?: string;
}

export interface Handled {
  response: AdmissionResponse;
  result: AdmissionResult;
  outcome?: PodOutcome;
}

export interface PodAdmissionContext {
  profiles: readonly ProfileLike[];
  options: RouteOptions;
}

export type PodHandler = (request: AdmissionRequest, context: PodAdmissionContext) => Handled;

/** The apiserver truncates longer warnings. */
const WARNING_MAX = 256;

export function mutatePod(request: AdmissionRequest, context: PodAdmissionContext): Handled {
  if (!isPodCreate(request)) return { response: allow(request), result: 'ignored' };
  const pod = podOf(request);
  if (typeof pod === 'string') return invalid(request, pod);
  const { decision, patch } = admitPod(pod, context.profiles, { ...context.options, namespace: request.namespace });
  if (decision.action === 'none') return { response: allow(request), result: 'unmatched' };
  if (decision.action === 'refuse') return refuse(request, pod, decision);
  const response: AdmissionResponse = allow(request);
  if (patch.length > 0) {
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(patch)).toString('base64');
  }
  if (decision.resources.notes.length > 0) response.warnings = decision.resources.notes.map((n) => n.slice(0, WARNING_MAX));
  return { response, result: 'routed' };
}

export function validatePod(request: AdmissionRequest, context: PodAdmissionContext): Handled {
  if (!isPodCreate(request)) return { response: allow(request), result: 'ignored' };
  const pod = podOf(request);
  if (typeof pod === 'string') return invalid(request, pod);
  const decision = routePod(pod, context.profiles, { ...context.options, namespace: request.namespace });
  if (decision.action === 'none') return { response: allow(request), result: 'unmatched' };
  if (decision.action === 'refuse') return refuse(request, pod, decision);
  const runtimeClass = pod.spec.runtimeClassName;
  if (runtimeClass !== decision.runtimeClassName) {
    const message = `FargateProfile "${decision.profile}" takes the pod, but it is not routed to it: NotRouted: its runtimeClassName is ${runtimeClass ? `"${runtimeClass}"` : 'not set'} instead of "${decision.runtimeClassName}"`;
    return refuse(request, pod, { action: 'refuse', profile: decision.profile, rule: 'NotRouted', message });
  }
  return { response: allow(request), result: 'routed', outcome: outcome(request, pod, decision.profile, 'routed') };
}

function refuse(request: AdmissionRequest, pod: Pod, refusal: Refusal): Handled {
  const counted = refusal.profile === undefined ? undefined : outcome(request, pod, refusal.profile, 'refused', refusal);
  return { response: deny(request, refusal.message), result: 'refused', outcome: counted };
}

function outcome(request: AdmissionRequest, pod: Pod, profile: string, result: PodOutcome['result'], refusal?: Refusal): PodOutcome | undefined {
  if (request.dryRun) return undefined;
  return {
    profile,
    result,
    namespace: request.namespace ?? pod.metadata?.namespace ?? '',
    pod: pod.metadata?.name || pod.metadata?.generateName || request.name || '(unnamed)',
    ...(refusal ? { rule: refusal.rule, message: refusal.message } : {}),
  };
}

// Fails closed: a request that should carry a pod and does not is refused, not waved through.
function invalid(request: AdmissionRequest, message: string): Handled {
  return { response: deny(request, `berth: ${message}`, 400, 'BadRequest'), result: 'invalid' };
}

function isPodCreate(request: AdmissionRequest): boolean {
  const resource = request.resource?.resource ?? 'pods';
  return request.operation === 'CREATE' && resource === 'pods' && (request.resource?.group ?? '') === '' && !request.subResource;
}

function podOf(request: AdmissionRequest): Pod | string {
  const object = request.object;
  if (!isObject(object)) return 'the admission request carries no pod';
  if (object.kind !== undefined && object.kind !== 'Pod') return `the admission request carries a ${String(object.kind)}, not a Pod`;
  const spec = object.spec;
  if (!isObject(spec) || !Array.isArray(spec.containers)) return 'the pod in the admission request has no spec.containers';
  if (object.metadata !== undefined && !isObject(object.metadata)) return 'the pod in the admission request has an invalid metadata';
  return object as unknown as Pod;
}
