import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIOS, runChaos, type ScenarioName } from '../chaos/run.js';
import { table } from '../chaos/report.js';
import { passed } from '../chaos/scenario.js';
import { projectRoot } from '../local/paths.js';
import { intOption, parseArgs, rejectUnknown, stringOption } from './args.js';
import { wantsHelp, type Command } from './command.js';

const usage = `Usage: berth chaos [options]      (npm run chaos -- --rollouts 10 --scenarios kill)

Injects faults into a cluster of its own (started and stopped here, everything on 127.0.0.1) while
the operator works, and checks afterwards that nothing was lost, duplicated or orphaned and that
every Service's status tells the truth. Prints one row per scenario as it finishes and the table
at the end; exits 1 if any invariant failed. With --write the report replaces RELIABILITY.md.

Scenarios (--scenarios, comma-separated; default all):
  kill      kill -9 the operator at random moments of rollouts and start it again
  restart   restart kube-apiserver, then etcd, during rollouts; the operator's watches must be
            back within 10 s of the component being ready
  leader    two replicas with leader election: kill -9 the leader, time the takeover, count
            each replica's writes; then freeze the leader (SIGSTOP) past its lease and wake it:
            it must not write once the other leads
  webhook   kill the operator serving the pod webhook while pods are created in a namespace a
            FargateProfile selects (refused) and one none selects (created)

Options:
  --rollouts N      kill: ECS deployments to start, each followed by a kill (default 50)
  --services N      Services per scenario (default 4; the last one split over capacity providers)
  --restarts N      restart: restarts of each component (default 2)
  --downtime S      restart: seconds each component stays stopped before it starts again (default 0)
  --takeovers N     leader: leaders killed (default 3)
  --pauses N        leader: leaders frozen past their lease and woken (default 1)
  --outages N       webhook: times the webhook goes away (default 2)
  --seed N          seed of the random kill moments and changes (default 1)
  --timeout S       seconds the fleet may take to converge after one fault (default 120); with
                    the counts, this bounds the run's length
  --write           write RELIABILITY.md
`;

const OPTIONS = ['scenarios', 'rollouts', 'services', 'restarts', 'downtime', 'takeovers', 'pauses', 'outages', 'seed', 'timeout', 'write'];

export const chaosCommand: Command = {
  name: 'chaos',
  summary: 'inject faults (kills, restarts, takeovers, webhook outages) and check nothing is lost',
  usage,
  async run(argv) {
    if (wantsHelp(argv)) {
      console.log(usage);
      return 0;
    }
    const args = parseArgs(argv, ['write']);
    rejectUnknown(args, OPTIONS);
    if (args.positional.length > 0) throw new Error(`unexpected argument ${args.positional[0]}`);
    const scenarios = (stringOption(args, 'scenarios') ?? SCENARIOS.join(',')).split(',').filter(Boolean);
    const unknown = scenarios.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
    if (unknown.length > 0 || scenarios.length === 0) throw new Error(`--scenarios: unknown ${unknown.join(', ') || '(none given)'} (known: ${SCENARIOS.join(', ')})`);
    const count = (name: string, fallback: number) => {
      const value = intOption(args, name) ?? fallback;
      if (value < 1) throw new Error(`--${name} must be at least 1`);
      return value;
    };
    const progress = (line: string) => console.error(`[chaos] ${line}`);
    const { results, markdown } = await runChaos({
      scenarios: scenarios as ScenarioName[],
      rollouts: count('rollouts', 50),
      services: count('services', 4),
      restarts: count('restarts', 2),
      downtimeSeconds: intOption(args, 'downtime') ?? 0,
      takeovers: count('takeovers', 3),
      pauses: count('pauses', 1),
      outages: count('outages', 2),
      seed: intOption(args, 'seed') ?? 1,
      timeoutSeconds: count('timeout', 120),
      command: ['npm run chaos', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
      progress,
    });
    console.log(table(results));
    if (args.options.has('write')) {
      writeFileSync(join(projectRoot(), 'RELIABILITY.md'), markdown);
      progress('wrote RELIABILITY.md');
    }
    return results.every(passed) ? 0 : 1;
  },
};
