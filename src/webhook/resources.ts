// The admission handler for Berth's own kinds (TaskDefinition, Service, FargateProfile), pure: the
// request and what the caches know in, the answer out. The decision is src/ecs/admission.ts, the
// same one `berth import` asks.
//
// What is never refused, so that a cluster cannot get stuck on its own objects: an object being
// deleted (its finalizers must come off), an update that leaves the spec alone (finalizers,
// labels, annotations), and, on an update, a problem the object already had: only what the update
// brings is refused, as the apiserver ratchets its own validation of unchanged fields. The
// configuration skips the first two before calling (matchConditions), so they pass even while
// no operator serves; they are checked here as well for any caller that does not.

import { BERTH_PLURALS } from '../api/crd.js';
import { GROUP } from '../api/resource.js';
import { admissionMessage, admitResource, formatFinding, type AdmissionContext, type AdmissionVerdict } from '../ecs/admission.js';
import { canonicalJson } from '../render/taskdefinition/revisions.js';
import type { Handled } from './pods.js';
import { isObject } from '../api/json.js';
import { allow, deny, type AdmissionRequest } from './review.js';

export type ResourceHandler = (request: AdmissionRequest, context: AdmissionContext) => Handled;

export function validateBerthResource(request: AdmissionRequest, context: AdmissionContext): Handled {
  if (!isChecked(request)) return { response: allow(request), result: 'ignored' };
  const object = request.object;
  if (!isObject(object) || !isObject(object.metadata)) return invalid(request, `the admission request carries no ${request.kind?.kind ?? 'object'}`);
  if (object.metadata.deletionTimestamp) return { response: allow(request), result: 'ignored' };

  let verdict = admitResource(withNamespace(object, request.namespace), context);
  if (request.operation === 'UPDATE' && isObject(request.oldObject)) {
    const old = request.oldObject;
    if (canonicalJson(old.spec) === canonicalJson(object.spec)) return { response: allow(request), result: 'ignored' };
    if (!verdict.allowed) verdict = onlyNew(verdict, admitResource(withNamespace(old, request.namespace), context));
  }
  if (verdict.allowed) return { response: allow(request), result: 'allowed' };
  // 400, as ECS answers ClientException and InvalidParameterException.
  return { response: deny(request, admissionMessage(verdict), 400, 'BadRequest'), result: 'refused' };
}

function isChecked(request: AdmissionRequest): boolean {
  const resource = request.resource;
  return (
    (request.operation === 'CREATE' || request.operation === 'UPDATE') &&
    !request.subResource &&
    resource?.group === GROUP &&
    BERTH_PLURALS.includes(resource.resource)
  );
}

/** The refusals of `next` that `previous` did not have already. */
function onlyNew(next: Extract<AdmissionVerdict, { allowed: false }>, previous: AdmissionVerdict): AdmissionVerdict {
  if (previous.allowed) return next;
  const had = new Set(previous.findings.map(formatFinding));
  const findings = next.findings.filter((f) => !had.has(formatFinding(f)));
  return findings.length === 0 ? { allowed: true } : { ...next, findings };
}

// On CREATE the object may carry no namespace yet; the request has it.
function withNamespace(object: Record<string, unknown>, namespace: string | undefined): Record<string, unknown> {
  const metadata = object.metadata as Record<string, unknown>;
  return namespace && !metadata.namespace ? { ...object, metadata: { ...metadata, namespace } } : object;
}

function invalid(request: AdmissionRequest, message: string): Handled {
  return { response: deny(request, `berth: ${message}`, 400, 'BadRequest'), result: 'invalid' };
}
