import { createHash } from 'node:crypto';

// Deterministic identifiers. Status is derived afresh on every pass, so an identifier must come
// out the same every time it is computed from the same facts, or a converged operator would keep
// rewriting its status.

export const DEPLOYMENT_ID_PREFIX = 'ecs-svc/';

/** Pod label carrying a deployment id's digits: every deployment's pod template has it. */
export const LABEL_DEPLOYMENT = 'ecs.berth.dev/deployment';

/**
 * An ECS-style deployment id, `ecs-svc/` and 19 digits, for running `taskDefinition`
 * (family:revision) with restart token `restartToken` (spec.forceNewDeployment) in the Service
 * with uid `serviceUid`. The same revision and token give the same id, so a spec that asks for
 * what already runs starts no deployment, and a new token always starts one.
 */
export function deploymentId(serviceUid: string, taskDefinition: string, restartToken: string | number | undefined): string {
  const token = restartToken === undefined ? '' : String(restartToken);
  return DEPLOYMENT_ID_PREFIX + digits(hash(['deployment', serviceUid, taskDefinition, token]), 19);
}

/** The digits of a deployment id: a valid label value. */
export function deploymentLabelValue(id: string): string {
  return id.startsWith(DEPLOYMENT_ID_PREFIX) ? id.slice(DEPLOYMENT_ID_PREFIX.length) : id;
}

/** The deployment id a label value stands for, or undefined for anything else. */
export function deploymentIdFromLabel(value: string | undefined): string | undefined {
  return value !== undefined && /^[0-9]{19}$/.test(value) ? DEPLOYMENT_ID_PREFIX + value : undefined;
}

/** A UUID-shaped id for a service event, from what makes the event unique. */
export function eventId(serviceUid: string, createdAt: string, message: string, index: number): string {
  const h = hash(['event', serviceUid, createdAt, message, String(index)]);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function hash(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

function digits(hex: string, count: number): string {
  const n = BigInt(`0x${hex.slice(0, 16)}`) % 10n ** BigInt(count);
  return n.toString().padStart(count, '0');
}
