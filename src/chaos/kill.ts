import { seconds } from '../bench/measure.js';
import { sleep } from '../runtime/time.js';
import { Fleet } from './fleet.js';
import { checkSnapshot, isClean, type Findings } from './invariants.js';
import type { ChaosOperator } from './operator.js';
import { operator, type ChaosContext, type ScenarioResult } from './scenario.js';

// kill -9 the operator at random moments of rollouts, and start it again: after each kill the
// fleet must converge to exactly what the specs ask for, with no child orphaned or duplicated.

export interface KillOptions {
  /** ECS deployments to start over the whole scenario. */
  rollouts: number;
  services: number;
}

const NAMESPACE = 'chaos-kill';
/** Longest pause between a change and the kill: rollouts of two tasks on kwok take a few seconds. */
const KILL_WINDOW_MS = 3000;

export async function killScenario(ctx: ChaosContext, options: KillOptions): Promise<ScenarioResult> {
  const { random, progress } = ctx;
  const result: ScenarioResult = {
    title: 'kill -9 the operator during rollouts', runs: '', checked: '', lost: 0, duplicated: 0, orphaned: 0,
    timeLabel: 'recovery (restart → converged)', times: [], failures: [], notes: [],
  };
  const split = options.services >= 2 ? 1 : 0;
  const fleet = new Fleet(ctx.kube, NAMESPACE, options.services, split);
  const args = ['--no-webhook'];
  let current: ChaosOperator = await operator(ctx, args);
  let kills = 0;
  let started = 0;
  let completed = 0;
  let midRollout = 0;
  const changes = { image: 0, force: 0, providers: 0 };
  try {
    await fleet.create();
    const first = await fleet.converge(ctx.convergeTimeoutMs);
    if (!record(result, first.findings, 'before the first kill')) return finish();

    while (started < options.rollouts) {
      const rollout = await fleet.change(random);
      changes[rollout.change]++;
      started += rollout.services.length;
      const delay = random.int(0, KILL_WINDOW_MS);
      await sleep(delay);
      await current.kill();
      kills++;
      if (await inProgress(fleet)) midRollout++;
      await sleep(random.int(0, 1000));
      current = await operator(ctx, args, false);
      // Sometimes once more while it is starting up: caches half-synced, the first reconciles in flight.
      if (random.chance(0.25)) {
        await sleep(random.int(200, 2500));
        await current.kill();
        kills++;
        current = await operator(ctx, args, false);
      }
      const converged = await fleet.converge(ctx.convergeTimeoutMs);
      const recovery = performance.now() - current.startedAt;
      if (!record(result, converged.findings, `after kill ${kills} (${rollout.change} of ${rollout.services.join(', ')}), log ${current.logName}`)) break;
      completed += rollout.services.length;
      result.times.push(recovery);
      progress(`kill: ${started}/${options.rollouts} rollouts, ${kills} kills; ${rollout.change} of ${rollout.services.length} Service(s), killed ${delay} ms in, converged ${seconds(recovery)} after the restart`);
    }
  } finally {
    await current.stop();
  }
  return finish();

  function finish(): ScenarioResult {
    result.runs = `${kills} kills`;
    result.checked = `${completed}/${started} rollouts completed`;
    result.notes.push(
      `${options.services} Services of desiredCount 2 (${split} split over capacity providers EC2 and FARGATE); ${started} ECS deployments started by ${changes.image} new TaskDefinition revisions, ${changes.force} forceNewDeployment changes and ${changes.providers} capacity provider changes (a provider's Deployment added or retired, with a restart); the operator killed ${kills} times, 0–${KILL_WINDOW_MS / 1000} s after the change and sometimes again during its start-up; ${midRollout} of the first kills of a round found the fleet not converged (a rollout or its status in flight).`,
    );
    return result;
  }
}

/** True when the fleet is not converged: the kill landed in the middle of something. */
async function inProgress(fleet: Fleet): Promise<boolean> {
  try {
    return !isClean(checkSnapshot(await fleet.snapshot()));
  } catch {
    return false;
  }
}

/** Adds what failed to the result; true when nothing did. */
export function record(result: ScenarioResult, findings: Findings, when: string): boolean {
  if (isClean(findings)) return true;
  result.lost += findings.pending.length;
  result.duplicated += findings.duplicated.length;
  result.orphaned += findings.orphaned.length;
  for (const line of [...findings.pending, ...findings.duplicated, ...findings.orphaned]) result.failures.push(`${when}: ${line}`);
  return false;
}
