// Errors the runtime raises and the helpers controllers use to classify them.

import { ApiException } from '@kubernetes/client-node';

/** The apiserver's metav1.Status body, as far as Berth reads it. */
export interface StatusBody {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[]; retryAfterSeconds?: number };
}

/** A non-2xx answer from the apiserver. `status` is the parsed metav1.Status when the body was one. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly code: number,
    readonly method: string,
    readonly path: string,
    readonly status: StatusBody | undefined,
    readonly retryAfterSeconds?: number,
  ) {
    super(`${method} ${path}: ${code} ${status?.reason ?? ''}${status?.message ? `: ${status.message}` : ''}`.trim());
  }

  get reason(): string | undefined {
    return this.status?.reason;
  }
}

/**
 * A write this process refused to send: it is not sure it still leads (see Kube.withWriteFence).
 * Transient: the manager stops soon after, or leadership is confirmed and the pass is retried.
 */
export class WriteFencedError extends Error {
  constructor(reason: string) {
    super(`write not sent: ${reason}`);
    this.name = 'WriteFencedError';
  }
}

/**
 * Thrown by a reconcile to say "retrying will not help": the controller counts it, logs it and
 * does not requeue. The reconcile is expected to have recorded the problem in a condition.
 */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Code and reason of an error from the runtime's own client or from a typed client-node call. */
export function apiStatus(e: unknown): { code: number; reason?: string; message?: string } | undefined {
  if (e instanceof KubeApiError) return { code: e.code, reason: e.reason, message: e.status?.message };
  if (e instanceof ApiException) {
    // client-node 1.4 keeps the Status as the raw response text.
    const body = typeof e.body === 'string' ? parseStatus(e.body) : (e.body as StatusBody | undefined);
    return { code: e.code, reason: body?.reason, message: body?.message };
  }
  return undefined;
}

export const isNotFound = (e: unknown): boolean => apiStatus(e)?.code === 404;
export const isConflict = (e: unknown): boolean => apiStatus(e)?.code === 409 && apiStatus(e)?.reason !== 'AlreadyExists';
export const isAlreadyExists = (e: unknown): boolean => apiStatus(e)?.reason === 'AlreadyExists';
export const isGone = (e: unknown): boolean => apiStatus(e)?.code === 410;
export const isInvalid = (e: unknown): boolean => apiStatus(e)?.code === 422;
export const isForbidden = (e: unknown): boolean => apiStatus(e)?.code === 403;
export const isTooManyRequests = (e: unknown): boolean => apiStatus(e)?.code === 429;

/**
 * What a controller does about a failed request:
 * - `conflict`: 409, the object changed since it was read (or exists already): run again after
 *   the key's backoff, without counting an error.
 * - `terminal`: the apiserver refused the request itself and will refuse the same request again:
 *   400 BadRequest (a field strict validation does not know), 403 Forbidden (RBAC, an admission
 *   webhook or policy that denies, a ResourceQuota, a terminating namespace), 405, 413 (too large),
 *   415 and 422 Invalid (validation, ValidatingAdmissionPolicy), and the 500 storage answers for an
 *   object larger than etcd keeps (ResourceExhausted). Retrying at once cannot help; the
 *   object is reconciled again when it or what it reads changes, and on the periodic resync.
 * - `transient`: everything else: 404 (a namespace not there yet), 408, 429 once the transport
 *   stopped waiting, 5xx (an unreachable webhook is a 500), and errors with no HTTP answer.
 */
export type FailureKind = 'conflict' | 'terminal' | 'transient';

const REFUSED = new Set([400, 403, 405, 413, 415, 422]);
// etcd's refusal of an object over its size limit, as the apiserver passes it on.
const TOO_LARGE = /ResourceExhausted|request is too large|larger than max/;

export function failureKind(e: unknown): FailureKind {
  const code = apiStatus(e)?.code;
  if (code === 409) return 'conflict';
  if (code !== undefined && REFUSED.has(code)) return 'terminal';
  if (code === 500 && TOO_LARGE.test(apiStatus(e)?.message ?? '')) return 'terminal';
  return 'transient';
}

/** The apiserver's own words for a failed request (its Status message), else the error's message. */
export function failureMessage(e: unknown): string {
  const status = apiStatus(e);
  if (status?.message) return status.message;
  if (status) return `${status.code}${status.reason ? ` ${status.reason}` : ''}`;
  return e instanceof Error ? e.message : String(e);
}

export function parseStatus(text: string): StatusBody | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as StatusBody) : undefined;
  } catch {
    return undefined;
  }
}
