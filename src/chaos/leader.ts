import { seconds, until } from '../bench/measure.js';
import { sleep } from '../runtime/time.js';
import { Fleet, retrying } from './fleet.js';
import { record } from './kill.js';
import { controllerWrites, isLeading, type ChaosOperator } from './operator.js';
import { operator, type ChaosContext, type ScenarioResult } from './scenario.js';

// Two replicas with Lease leader election (the defaults: 15 s lease, 10 s renew deadline, 2 s
// retry). kill -9 the leader during a rollout: the standby takes over, finishes the rollout, and
// only the leader of the moment ever writes (each replica's /metrics counts its own writes).

export interface LeaderOptions {
  takeovers: number;
  services: number;
}

const LEASE_NAMESPACE = 'berth-system';
/**
 * The latest a standby can take over with the default lease: it waits the lease's duration (15 s)
 * from the moment it first saw the last renewal, which its polls (2–4.4 s apart, client-go's
 * jitter) may notice up to one retry period after the kill, and acts at its next poll after that.
 */
export const TAKEOVER_BOUND_MS = 15_000 + 2 * 4_400;

export async function leaderScenario(ctx: ChaosContext, options: LeaderOptions): Promise<ScenarioResult> {
  const { random, progress } = ctx;
  const result: ScenarioResult = {
    title: 'kill -9 the leader of two replicas', runs: '', checked: '', lost: 0, duplicated: 0, orphaned: 0,
    timeLabel: 'takeover (kill → standby leads)', times: [], boundMs: TAKEOVER_BOUND_MS, failures: [], notes: [],
  };
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
      if (!record(result, converged.findings, `after takeover ${i}, log ${standby.log}`)) break;
      completed += rollout.services.length;
      const newLeaderWrites = controllerWrites((await standby.metrics()) ?? '');
      writeLines.push(`takeover ${i}: old leader ${leaderWrites} writes until killed; new leader 0 before it led (measured ${writesAsStandby}), ${newLeaderWrites} after`);
      progress(`leader: takeover ${i}/${options.takeovers} in ${seconds(takeover)}; writes: old leader ${leaderWrites} until killed, new leader ${writesAsStandby} as standby and ${newLeaderWrites} after`);

      // A fresh standby for the next round.
      replicas.splice(replicas.indexOf(leader), 1, await operator(ctx, args));
    }
  } finally {
    for (const r of replicas) await r.stop();
  }
  return finish();

  function finish(): ScenarioResult {
    result.runs = `${result.times.length} takeovers`;
    result.checked = `${completed}/${started} rollouts completed`;
    result.notes.push(
      `Two \`berth run --leader-elect\` replicas with the default lease (15 s duration, 10 s renew deadline, 2 s retry); each round starts a rollout of ${options.services} Services, kills the leader 0–2 s later and times until the standby's leader_election_master_status is 1 (bound: the lease duration plus two retry periods with jitter, ${TAKEOVER_BOUND_MS / 1000} s: the standby counts the lease from when it first saw the last renewal, which may be one poll after the kill, and takes over at its next poll after that). Writes are each replica's own POST/PUT/PATCH/DELETE count from its /metrics, the Lease's excepted; a replica never writes while it is a standby, and a killed leader writes nothing after the kill.`,
      ...writeLines,
    );
    return result;
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
