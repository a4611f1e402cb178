import { seconds, until } from '../bench/measure.js';
import { sleep } from '../runtime/time.js';
import { Fleet, retrying } from './fleet.js';
import { record } from './kill.js';
import { controllerWrites, isLeading, type ChaosOperator } from './operator.js';
import { operator, type ChaosContext, type ScenarioResult } from './scenario.js';

// Two replicas with Lease leader election (the defaults: 8 s lease, 6 s renew deadline, 2 s
// retry). kill -9 the leader during a rollout: the standby takes over, finishes the rollout, and
// only the leader of the moment ever writes (each replica's /metrics counts its own writes).

export interface LeaderOptions {
  takeovers: number;
  /** Rounds where the leader is frozen (SIGSTOP) past its lease and then woken. */
  pauses: number;
  services: number;
}

const LEASE_NAMESPACE = 'berth-system';
/**
 * How soon a standby must lead after the leader is killed. It waits the lease's duration (8 s)
 * from the moment it first saw the last renewal, which its polls (2–4.4 s apart, client-go's
 * jitter) notice a little after the kill, and acts at its next poll after that.
 */
export const TAKEOVER_BOUND_MS = 15_000;

export async function leaderScenario(ctx: ChaosContext, options: LeaderOptions): Promise<ScenarioResult[]> {
  const { random, progress } = ctx;
  const result: ScenarioResult = {
    title: 'kill -9 the leader of two replicas', runs: '', checked: '', lost: 0, duplicated: 0, orphaned: 0,
    timeLabel: 'takeover (kill → standby leads)', times: [], boundMs: TAKEOVER_BOUND_MS, failures: [], notes: [],
  };
  const paused: ScenarioResult = {
    title: 'freeze the leader past its lease (SIGSTOP), then wake it', runs: '', checked: '', lost: 0, duplicated: 0, orphaned: 0,
    timeLabel: 'old leader stops (woken → exited)', times: [], failures: [], notes: [],
  };
  const pausedCounts = { started: 0, completed: 0, writesAfter: [] as number[] };
  await retrying('namespace berth-system', () => ctx.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: LEASE_NAMESPACE } }, { fieldManager: 'berth-chaos' }));
  const args = ['--leader-elect', '--leader-election-namespace', LEASE_NAMESPACE, '--no-webhook'];
  const fleet = new Fleet(ctx.kube, 'chaos-leader', options.services, 0);
  const replicas: ChaosOperator[] = [await operator(ctx, args), await operator(ctx, args)];
  const writeLines: string[] = [];
  let started = 0;
  let completed = 0;
  try {
    await fleet.create();
    if (!record(result, (await fleet.converge(ctx.convergeTimeoutMs)).findings, 'before the first kill')) return finish();
    for (let i = 1; i <= options.takeovers; i++) {
      const leader = await leaderOf(replicas);
      const standby = replicas.find((r) => r !== leader)!;
      const rollout = await fleet.newImage();
      started += rollout.services.length;
      await sleep(random.int(0, 2000));
      const leaderWrites = controllerWrites((await leader.metrics()) ?? '');
      const killedAt = performance.now();
      await leader.kill();

      // Its writes while it was still a standby, from the last scrape before it led: must be 0.
      let writesAsStandby = 0;
      await until('the standby to take over', async () => {
        const metrics = await standby.metrics();
        if (!metrics) return false;
        if (isLeading(metrics)) return true;
        writesAsStandby = controllerWrites(metrics);
        return false;
      }, 60000, 100);
      const takeover = performance.now() - killedAt;
      result.times.push(takeover);
      if (writesAsStandby > 0) result.failures.push(`takeover ${i}: the standby wrote ${writesAsStandby} times before it led`);
      if (leader.alive()) result.failures.push(`takeover ${i}: the old leader still runs`);

      const converged = await fleet.converge(ctx.convergeTimeoutMs);
      if (!record(result, converged.findings, `after takeover ${i}, log ${standby.logName}`)) break;
      completed += rollout.services.length;
      const newLeaderWrites = controllerWrites((await standby.metrics()) ?? '');
      writeLines.push(`takeover ${i}: old leader ${leaderWrites} writes until killed; new leader 0 before it led (measured ${writesAsStandby}), ${newLeaderWrites} after`);
      progress(`leader: takeover ${i}/${options.takeovers} in ${seconds(takeover)}; writes: old leader ${leaderWrites} until killed, new leader ${writesAsStandby} as standby and ${newLeaderWrites} after`);

      // A fresh standby for the next round.
      replicas.splice(replicas.indexOf(leader), 1, await operator(ctx, args));
    }
    for (let i = 1; i <= options.pauses && passedSoFar(); i++) {
      const leader = await leaderOf(replicas);
      const standby = replicas.find((r) => r !== leader)!;
      // A quiet moment, the fleet converged: no write of the leader is in flight when it freezes.
      const before = controllerWrites((await leader.metrics()) ?? '');
      const frozenAt = performance.now();
      leader.pause();
      await until('the standby to take over from the frozen leader', async () => isLeading((await standby.metrics()) ?? ''), 60000, 100);
      const takeover = performance.now() - frozenAt;
      // Work for the new leader, which the old one's informers see too once it wakes.
      const rollout = await fleet.newImage();
      pausedCounts.started += rollout.services.length;
      await sleep(1000);
      leader.resume();
      const wokenAt = performance.now();
      let after = before;
      const gone = await until('the old leader to exit', async () => {
        const metrics = await leader.metrics();
        if (metrics) after = controllerWrites(metrics);
        return !leader.alive();
      }, 30000, 100).then(() => true, () => false);
      const writes = after - before;
      pausedCounts.writesAfter.push(writes);
      if (!gone) paused.failures.push(`pause ${i}: the old leader still ran 30 s after it woke; log ${leader.logName}`);
      else paused.times.push(performance.now() - wokenAt);
      if (writes > 0) paused.failures.push(`pause ${i}: the old leader wrote ${writes} times after it woke, when the other replica had led for ${seconds(performance.now() - frozenAt - takeover)}; log ${leader.logName}`);
      const converged = await fleet.converge(ctx.convergeTimeoutMs);
      if (!record(paused, converged.findings, `after pause ${i}, log ${standby.logName}`)) break;
      pausedCounts.completed += rollout.services.length;
      progress(`leader: pause ${i}/${options.pauses}: standby led ${seconds(takeover)} after the freeze; the old leader, woken, wrote ${writes} times and ${gone ? `exited ${seconds(paused.times.at(-1)!)} later` : 'did not exit'}`);
      if (leader.alive()) await leader.kill();
      replicas.splice(replicas.indexOf(leader), 1, await operator(ctx, args));
    }
  } finally {
    for (const r of replicas) await r.stop();
  }
  return finish();

  function passedSoFar(): boolean {
    return result.lost + result.duplicated + result.orphaned === 0;
  }

  function finish(): ScenarioResult[] {
    result.runs = `${result.times.length} takeovers`;
    result.checked = `${completed}/${started} rollouts completed`;
    result.notes.push(
      `Two \`berth run --leader-elect\` replicas with the default lease (8 s duration, 6 s renew deadline, 2 s retry); each round starts a rollout of ${options.services} Services, kills the leader 0–2 s later and times until the standby's leader_election_master_status is 1 (bound ${TAKEOVER_BOUND_MS / 1000} s: the standby counts the lease from when it first saw the last renewal, which may be one poll after the kill, and takes over at its next poll after that). Writes are each replica's own POST/PUT/PATCH/DELETE count from its /metrics, the Lease's excepted; a replica never writes while it is a standby, and a killed leader writes nothing after the kill.`,
      ...writeLines,
    );
    paused.runs = `${pausedCounts.writesAfter.length} pauses`;
    paused.checked = `${pausedCounts.completed}/${pausedCounts.started} rollouts completed`;
    paused.notes.push(
      `The same two replicas, the fleet converged: the leader is frozen with SIGSTOP until the standby leads, a new revision is registered for the new leader to roll out, and 1 s later the old leader gets SIGCONT: it wakes believing it leads, with a lease it can no longer renew. Its writes from waking until it exits (its /metrics, scraped every 100 ms, the Lease's excepted): ${pausedCounts.writesAfter.join(', ') || 'n/a'}; they must be 0.`,
    );
    return [result, paused];
  }
}

/** The replica that leads, once one does. */
async function leaderOf(replicas: ChaosOperator[]): Promise<ChaosOperator> {
  let leader: ChaosOperator | undefined;
  await until('a leader', async () => {
    for (const r of replicas) if (isLeading((await r.metrics()) ?? '')) leader = r;
    return leader !== undefined;
  }, 60000, 200);
  return leader!;
}
