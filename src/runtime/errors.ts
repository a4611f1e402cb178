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

export function parseStatus(text: string): StatusBody | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as StatusBody) : undefined;
  } catch {
    return undefined;
  }
}
