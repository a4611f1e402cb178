// AdmissionReview (admission.k8s.io/v1): what the apiserver sends a webhook and what it expects
// back. Parsing checks only what the handlers rely on; anything else in the request is ignored.

import { isObject } from '../api/json.js';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface AdmissionRequest {
  uid: string;
  kind?: GroupVersionKind;
  resource?: GroupVersionResource;
  subResource?: string;
  name?: string;
  namespace?: string;
  /** CREATE, UPDATE, DELETE or CONNECT. */
  operation: string;
  object?: unknown;
  oldObject?: unknown;
  /** The request will not be persisted: no side effects. */
  dryRun?: boolean;
}

export interface AdmissionStatus {
  code?: number;
  reason?: string;
  message?: string;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: AdmissionStatus;
  patchType?: 'JSONPatch';
  /** Base64 of the JSON patch. */
  patch?: string;
  /** Shown to the client (kubectl prints them); keep each short. */
  warnings?: string[];
}

export type ParsedReview = { ok: true; request: AdmissionRequest } | { ok: false; message: string };

/** The request of an AdmissionReview body; `ok: false` when the body is not one (answer 400). */
export function parseReview(body: string): ParsedReview {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return { ok: false, message: `the body is not JSON: ${(err as Error).message}` };
  }
  if (!isObject(json)) return { ok: false, message: 'the body is not a JSON object' };
  if (json.apiVersion !== ADMISSION_API_VERSION || json.kind !== 'AdmissionReview') {
    return { ok: false, message: `expected an ${ADMISSION_API_VERSION} AdmissionReview, got apiVersion ${String(json.apiVersion)} kind ${String(json.kind)}` };
  }
  const request = json.request;
  if (!isObject(request)) return { ok: false, message: 'the AdmissionReview has no request' };
  if (typeof request.uid !== 'string' || request.uid === '') return { ok: false, message: 'the request has no uid' };
  if (typeof request.operation !== 'string') return { ok: false, message: 'the request has no operation' };
  return { ok: true, request: request as unknown as AdmissionRequest };
}

export function allow(request: AdmissionRequest, extra: Partial<AdmissionResponse> = {}): AdmissionResponse {
  return { uid: request.uid, allowed: true, ...extra };
}

/** A refusal; `code` becomes the HTTP status the client sees (403 unless told). */
export function deny(request: AdmissionRequest, message: string, code = 403, reason = 'Forbidden'): AdmissionResponse {
  return { uid: request.uid, allowed: false, status: { code, reason, message } };
}

/** The whole answer body. */
export function reviewBody(response: AdmissionResponse): string {
  return JSON.stringify({ apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response });
}

