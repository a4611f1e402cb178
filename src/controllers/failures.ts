import type { Condition, ConditionInput } from '../api/conditions.js';
import { TerminalError, failureKind, failureMessage, type EventRecorder, type KubeObject, type ReconcileResult } from '../runtime/index.js';

// How a controller reports the writes the apiserver refused, Karpenter-style: every write of a
// pass is tried, the failures are collected, shown in a condition with the apiserver's own words
// and in one Warning event per distinct failure, the status is written once, and only then does
// the pass end, by how the failures can be retried (settle).

/** A write that failed, named by the object it was for. */
export interface WriteFailure {
  kind: string;
  name: string;
  /** What was being done, e.g. 'apply' or 'delete'. */
  action: string;
  error: unknown;
}

export const APPLY_FAILED = 'ApplyFailed';

/** Runs one write; a failure is collected instead of ending the pass. */
export async function attempt<T>(failures: WriteFailure[], what: Omit<WriteFailure, 'error'>, write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (error) {
    failures.push({ ...what, error });
    return undefined;
  }
}

/** One line per failure: the object, and the apiserver's message. */
export function describeFailure(f: WriteFailure): string {
  return `${f.action} ${f.kind} ${f.name} failed: ${failureMessage(f.error)}`;
}

// Conditions hold at most 32768 characters.
const MAX_MESSAGE = 32_000;

/**
 * The condition saying which writes failed, or undefined when none did that a user must see
 * (a 409 only means "run again").
 */
export function failedCondition(type: string, failures: readonly WriteFailure[]): ConditionInput | undefined {
  const shown = failures.filter((f) => failureKind(f.error) !== 'conflict');
  if (shown.length === 0) return undefined;
  const message = shown.map(describeFailure).join('; ');
  return { type, status: 'False', reason: APPLY_FAILED, message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 3)}...` : message };
}

/**
 * One Warning event per failure the object's condition did not already report: a failure
 * retried pass after pass is told once, a new one (another child, another message) again.
 */
export async function recordNewFailures(events: EventRecorder, obj: KubeObject, previous: Condition | undefined, failures: readonly WriteFailure[]): Promise<void> {
  const known = previous?.reason === APPLY_FAILED ? previous.message : '';
  for (const f of failures) {
    if (failureKind(f.error) === 'conflict') continue;
    const line = describeFailure(f);
    if (!known.includes(line)) await events.record(obj, 'Warning', APPLY_FAILED, line);
  }
}

/**
 * Ends a pass after its status is written: a transient failure is thrown (retried with backoff),
 * a conflict runs the pass again, and a refusal that retrying cannot change is thrown as
 * TerminalError (no retry until the object or what it reads changes, or the periodic resync).
 */
export function settle(failures: readonly WriteFailure[], result?: ReconcileResult): ReconcileResult | undefined {
  const transient = failures.find((f) => failureKind(f.error) === 'transient');
  if (transient) throw transient.error;
  if (failures.some((f) => failureKind(f.error) === 'conflict')) return { requeue: true };
  const terminal = failures.filter((f) => failureKind(f.error) === 'terminal');
  if (terminal.length > 0) throw new TerminalError(terminal.map(describeFailure).join('; '), { cause: terminal[0].error });
  return result;
}
