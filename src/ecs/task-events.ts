import type { ServiceEvent } from '../api/service.js';
import { chunk, newestEvent, reportWatermark, reportedTasks, type ServiceEventAction } from './events.js';
import { TASKS_PER_MESSAGE, isSteadyStateMessage, isUnableToPlaceMessage, tasksStarted, tasksStopped, unableToPlace } from './messages.js';
import type { TaskObservation } from './tasks.js';

// Events about tasks: started, stopped, and tasks the scheduler cannot place. Which tasks were
// already reported is read back from the event log itself (the messages name them), so nothing
// else has to be remembered between passes.

/** ECS repeats an unresolved placement failure after this long. */
export const REPEAT_PLACEMENT_FAILURE_MS = 6 * 60 * 60 * 1000;

/**
 * ECS reports the tasks it starts together in one message ("has started 3 tasks: (task a) (task
 * b) (task c)"). A ReplicaSet creates a batch of pods within moments, but each pod wakes the
 * controller on its own; so while a reported-to-be task is still PENDING and younger than this,
 * the whole batch waits, and the pass after the window reports it at once.
 */
export const START_BATCH_SECONDS = 2;

/**
 * `unplaceable`: why no task of the service can be placed at all, when that is known before any
 * task exists (no FargateProfile takes its FARGATE tasks); it is reported as a task the
 * scheduler cannot place.
 */
export function taskEvents(
  service: string,
  tasks: readonly TaskObservation[],
  previous: readonly ServiceEvent[] | undefined,
  now: Date,
  unplaceable?: string,
): ServiceEventAction[] {
  return [...stopped(service, tasks, previous), ...started(service, tasks, previous, now), ...placement(service, tasks, previous, now, unplaceable)];
}

function started(service: string, tasks: readonly TaskObservation[], previous: readonly ServiceEvent[] | undefined, now: Date): ServiceEventAction[] {
  if (startBatchOpenFor(tasks, previous, now) !== undefined) return [];
  const fresh = unreportedStarts(tasks, previous).map((t) => t.name);
  return chunk(fresh, TASKS_PER_MESSAGE).map((names) => ({ type: 'Normal', reason: 'TasksStarted', message: tasksStarted(service, names) }));
}

function unreportedStarts(tasks: readonly TaskObservation[], previous: readonly ServiceEvent[] | undefined): TaskObservation[] {
  const reported = reportedTasks(previous, 'started');
  const watermark = reportWatermark(previous);
  return tasks
    .filter((t) => t.lastStatus !== 'STOPPING' && !reported.has(t.name))
    .filter((t) => watermark === undefined || (t.createdAt ?? '') >= watermark);
}

/**
 * Seconds until the batch of started tasks not yet reported closes, or undefined when it can be
 * reported now: no unreported task is both PENDING and younger than START_BATCH_SECONDS.
 * Creation times have whole seconds, so a task's age is read as at most what it may be.
 */
export function startBatchOpenFor(tasks: readonly TaskObservation[], previous: readonly ServiceEvent[] | undefined, now: Date): number | undefined {
  let open: number | undefined;
  for (const t of unreportedStarts(tasks, previous)) {
    const created = t.createdAt === undefined ? NaN : Date.parse(t.createdAt);
    if (t.lastStatus !== 'PENDING' || Number.isNaN(created)) continue;
    const left = Math.ceil((created + 1000 + START_BATCH_SECONDS * 1000 - now.getTime()) / 1000);
    if (left > 0) open = Math.max(open ?? 0, left);
  }
  return open;
}

function stopped(service: string, tasks: readonly TaskObservation[], previous: readonly ServiceEvent[] | undefined): ServiceEventAction[] {
  const alreadyStopped = reportedTasks(previous, 'stopped');
  const running = new Set(tasks.filter((t) => t.lastStatus === 'PENDING' || t.lastStatus === 'RUNNING').map((t) => t.name));
  // Oldest report first, so the names come out in the order the tasks were started.
  const names = [...reportedTasks([...(previous ?? [])].reverse(), 'started')].filter((n) => !running.has(n) && !alreadyStopped.has(n));
  return chunk(names, TASKS_PER_MESSAGE).map((group) => ({ type: 'Normal', reason: 'TasksStopped', message: tasksStopped(service, group) }));
}

// One event per placement problem: repeated only when the scheduler's reason changes, after the
// service has reached a steady state in between, or after six hours, as ECS does.
function placement(service: string, tasks: readonly TaskObservation[], previous: readonly ServiceEvent[] | undefined, now: Date, unplaceable?: string): ServiceEventAction[] {
  const stuck = tasks.find((t) => t.unschedulable !== undefined && (t.lastStatus === 'PENDING' || t.lastStatus === 'RUNNING'));
  const reason = unplaceable ?? stuck?.unschedulable;
  if (reason === undefined) return [];
  const message = unableToPlace(service, reason);
  const last = newestEvent(previous, isUnableToPlaceMessage);
  if (last && last.event.message === message) {
    const steadySince = newestEvent(previous, isSteadyStateMessage);
    const resolvedSince = steadySince !== undefined && steadySince.index < last.index;
    const stale = now.getTime() - Date.parse(last.event.createdAt) >= REPEAT_PLACEMENT_FAILURE_MS;
    if (!resolvedSince && !stale) return [];
  }
  return [{ type: 'Warning', reason: 'TaskPlacementFailed', message }];
}
