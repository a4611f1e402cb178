import { loadavg } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { installCrds } from '../bench/b3-setup.js';
import { coreCount, sampleLoad } from '../bench/measure.js';
import { BERTH_RESOURCES } from '../controllers/resources.js';
import { down, up } from '../local/cluster.js';
import type { NodePools } from '../local/nodepools.js';
import { Kube } from '../runtime/index.js';
import { killScenario } from './kill.js';
import { leaderScenario } from './leader.js';
import { Random } from './random.js';
import { reliabilityMarkdown, summary, type RunFacts } from './report.js';
import { restartScenario } from './restart.js';
import { passed, type ChaosContext, type ScenarioResult } from './scenario.js';
import { webhookScenario } from './webhook.js';

export const SCENARIOS = ['kill', 'restart', 'leader', 'webhook'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ChaosOptions {
  scenarios: ScenarioName[];
  rollouts: number;
  services: number;
  restarts: number;
  /** restart: seconds each component stays stopped. */
  downtimeSeconds: number;
  takeovers: number;
  pauses: number;
  outages: number;
  seed: number;
  timeoutSeconds: number;
  /** The command line, for the report. */
  command: string;
  progress: (line: string) => void;
}

/**
 * Two ordinary nodes and two isolated ones (one spot) for the FARGATE shares. The ordinary nodes
 * are large: every scenario's Services stay until the end, and a rollout that cannot schedule
 * its surge would look like a lost one.
 */
const POOLS: NodePools = {
  pools: [
    { name: 'general', count: 2, zones: ['zone-a', 'zone-b'], isolated: false, spotEvery: 0, instanceTypes: [{ name: 'm5.8xlarge', arch: 'amd64', cpu: '32', memory: '128Gi', gpus: 0, pods: 110 }] },
    { name: 'isolated', count: 2, zones: ['zone-a', 'zone-b'], isolated: true, spotEvery: 2, instanceTypes: [{ name: 'fargate', arch: 'amd64', cpu: '16', memory: '120Gi', gpus: 0, pods: 110 }] },
  ],
};

/** Runs the chosen scenarios on a cluster of their own; returns each one's row and the report. */
export async function runChaos(options: ChaosOptions): Promise<{ results: ScenarioResult[]; markdown: string }> {
  const { progress } = options;
  const started = performance.now();
  const loadBefore = loadavg()[0];
  const name = `chaos-${process.pid}`;
  progress(`starting cluster ${name}`);
  const { state } = await up({ name, pools: POOLS, progress: (l) => progress(`  ${l}`) });
  const load = sampleLoad();
  const kc = new KubeConfig();
  kc.loadFromFile(state.kubeconfig);
  // Its own requests must not wait for a restarting apiserver for a minute each.
  const kube = new Kube(kc, { qps: 0, fieldManager: 'berth-chaos', requestTimeoutMs: 10000 });
  for (const ref of BERTH_RESOURCES) kube.register(ref);
  const results: ScenarioResult[] = [];
  try {
    await installCrds(state);
    const ctx: ChaosContext = { cluster: state, kube, random: new Random(options.seed), progress, convergeTimeoutMs: options.timeoutSeconds * 1000 };
    const base = { services: options.services };
    let reported = 0;
    for (const scenario of options.scenarios) {
      progress(`scenario ${scenario}`);
      if (scenario === 'kill') results.push(await killScenario(ctx, { ...base, rollouts: options.rollouts }));
      if (scenario === 'restart') {
        const restart = { ...base, restarts: options.restarts, downMs: options.downtimeSeconds * 1000 };
        results.push(await restartScenario(ctx, 'kube-apiserver', restart));
        results.push(await restartScenario(ctx, 'etcd', restart));
      }
      if (scenario === 'leader') results.push(...(await leaderScenario(ctx, { ...base, takeovers: options.takeovers, pauses: options.pauses })));
      if (scenario === 'webhook') results.push(await webhookScenario(ctx, { outages: options.outages }));
      for (const r of results.slice(reported)) {
        progress(summary(r));
        for (const failure of r.failures) progress(`  ${failure}`);
      }
      reported = results.length;
    }
  } finally {
    kube.close();
    // The operators' logs are what explains a failure: keep them then.
    const keepLogs = results.length < options.scenarios.length || !results.every(passed);
    progress(`stopping cluster ${name}${keepLogs ? `; its logs stay in ${state.dir}/logs` : ''}`);
    await down(name, { keepLogs });
  }
  const facts: RunFacts = {
    command: options.command, date: new Date().toISOString().slice(0, 10), cores: coreCount(), loadBefore, loadDuring: load.stop(),
    seed: options.seed, wallMs: performance.now() - started,
  };
  return { results, markdown: reliabilityMarkdown(results, facts) };
}
