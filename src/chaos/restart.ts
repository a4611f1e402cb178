import type { Service } from '../api/service.js';
import { seconds, until } from '../bench/measure.js';
import { ServiceRef } from '../controllers/resources.js';
import { restartComponent } from '../local/cluster.js';
import { sleep } from '../runtime/time.js';
import { Fleet } from './fleet.js';
import { record } from './kill.js';
import { operator, type ChaosContext, type ScenarioResult } from './scenario.js';

// Restart kube-apiserver (or etcd) while Services roll. The operator must find its watches again
// on its own: a change made right after the component is ready is reconciled within 10 s, and
// every rollout started before the restart completes.

export type Component = 'kube-apiserver' | 'etcd';

export interface RestartOptions {
  restarts: number;
  services: number;
  /** How long the component stays stopped before it starts again. */
  downMs: number;
}

/** How soon the operator must act on a change after the component is back. */
export const WATCH_BOUND_MS = 10_000;

export async function restartScenario(ctx: ChaosContext, component: Component, options: RestartOptions): Promise<ScenarioResult> {
  const { random, progress } = ctx;
  const result: ScenarioResult = {
    title: `restart ${component} during rollouts`, runs: '', checked: '', lost: 0, duplicated: 0, orphaned: 0,
    timeLabel: `watches back (${component} ready → a change reconciled)`, times: [], boundMs: WATCH_BOUND_MS, failures: [], notes: [],
  };
  const fleet = new Fleet(ctx.kube, `chaos-${component === 'etcd' ? 'etcd' : 'apiserver'}`, options.services, 0);
  const current = await operator(ctx, ['--no-webhook']);
  const downtimes: number[] = [];
  let started = 0;
  let completed = 0;
  try {
    await fleet.create();
    if (!record(result, (await fleet.converge(ctx.convergeTimeoutMs)).findings, 'before the first restart')) return finish();
    for (let i = 1; i <= options.restarts; i++) {
      const rollout = await fleet.newImage();
      started += rollout.services.length;
      await sleep(random.int(0, 2000));
      const stoppedAt = performance.now();
      await restartComponent(ctx.cluster.name, component, { downMs: options.downMs });
      const readyAt = performance.now();
      downtimes.push(readyAt - stoppedAt);

      // The probe: a forceNewDeployment made as soon as the component is ready.
      const probe = fleet.services[0];
      await fleet.force([probe]);
      started += 1;
      const generation = (await ctx.kube.get<Service>(ServiceRef, probe, fleet.namespace))?.metadata.generation ?? 0;
      let watchMs = NaN;
      try {
        await until(`the operator to reconcile ${probe} after the ${component} restart`, async () => {
          const svc = await ctx.kube.get<Service>(ServiceRef, probe, fleet.namespace).catch(() => undefined);
          return (svc?.status?.observedGeneration ?? 0) >= generation;
        }, ctx.convergeTimeoutMs, 100);
        watchMs = performance.now() - readyAt;
        result.times.push(watchMs);
      } catch (err) {
        result.failures.push(`restart ${i}: ${err instanceof Error ? err.message : String(err)}; log ${current.logName}`);
      }
      const converged = await fleet.converge(ctx.convergeTimeoutMs);
      if (!record(result, converged.findings, `after restart ${i}, log ${current.logName}`)) break;
      completed += rollout.services.length + 1;
      progress(`${component}: restart ${i}/${options.restarts} took ${seconds(readyAt - stoppedAt)}; a change made then was reconciled ${seconds(watchMs)} later; converged ${seconds(performance.now() - readyAt)} after`);
    }
  } finally {
    await current.stop();
  }
  return finish();

  function finish(): ScenarioResult {
    result.runs = `${downtimes.length} restarts`;
    result.checked = `${completed}/${started} rollouts completed`;
    const longest = downtimes.length > 0 ? seconds(Math.max(...downtimes)) : 'n/a';
    result.notes.push(
      `${options.services} Services of desiredCount 2 rolling to a new revision when ${component} is stopped (SIGTERM)${options.downMs ? `, left stopped ${seconds(options.downMs)}` : ''} and started again with the same ports and data; it was away for up to ${longest}. Then a forceNewDeployment of one Service; the time is from ${component} answering ready to that Service's status.observedGeneration catching up (bound ${WATCH_BOUND_MS / 1000} s).`,
    );
    return result;
  }
}
