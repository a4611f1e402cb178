import { formatTime } from '../api/conditions.js';
import type { ServiceEvent } from '../api/service.js';
import { eventId } from './ids.js';
import { tasksIn, type TaskMessageKind } from './messages.js';

// The service's event log: the newest events in status.events (newest first, as ECS lists
// them), each also emitted once as a Kubernetes Event on the Service. An event is made only on
// the pass where what it reports happens, so deriving the status again from the same world adds
// nothing.

/** Events kept in status; Kubernetes Events keep the longer history. */
export const MAX_STATUS_EVENTS = 20;

/** A Kubernetes Event the controller records on the Service. */
export interface ServiceEventAction {
  type: 'Normal' | 'Warning';
  /** CamelCase, e.g. SteadyState, TasksStarted, DeploymentFailed. */
  reason: string;
  /** The ECS message, also stored in status.events. */
  message: string;
}

/** `actions` (in the order they happened) on top of `previous`, newest first, at most MAX_STATUS_EVENTS. */
export function appendEvents(
  previous: readonly ServiceEvent[] | undefined,
  actions: readonly ServiceEventAction[],
  serviceUid: string,
  now: Date,
): ServiceEvent[] {
  const createdAt = formatTime(now);
  const fresh = actions.map((a, i) => ({ id: eventId(serviceUid, createdAt, a.message, i), createdAt, message: a.message })).reverse();
  return [...fresh, ...(previous ?? [])].slice(0, MAX_STATUS_EVENTS);
}

/** Tasks already reported as started (or stopped) by the events still in the log. */
export function reportedTasks(events: readonly ServiceEvent[] | undefined, kind: TaskMessageKind): Set<string> {
  const out = new Set<string>();
  for (const e of events ?? []) for (const t of tasksIn(e.message, kind) ?? []) out.add(t);
  return out;
}

/**
 * When the log is full, older events have been dropped, and the tasks they named with them. A
 * task created before the oldest event kept was reported by then, so only younger tasks that no
 * kept event names are new. Undefined while nothing has been dropped.
 */
export function reportWatermark(events: readonly ServiceEvent[] | undefined): string | undefined {
  const list = events ?? [];
  return list.length >= MAX_STATUS_EVENTS ? list[list.length - 1].createdAt : undefined;
}

/** The newest event whose message passes `test`, with its position (0 = newest). */
export function newestEvent(events: readonly ServiceEvent[] | undefined, test: (message: string) => boolean): { event: ServiceEvent; index: number } | undefined {
  const list = events ?? [];
  const index = list.findIndex((e) => test(e.message));
  return index < 0 ? undefined : { event: list[index], index };
}

/** Splits `items` into runs of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
