import { down, envLines, isHealthy, readState, up } from '../local/cluster.js';
import { DEFAULT_NODE_POOLS, loadNodePools, resizePools } from '../local/nodepools.js';
import { isAlive, residentBytes } from '../local/processes.js';
import { listeningSockets } from '../local/sockets.js';
import { intOption, parseArgs, rejectUnknown, stringOption } from './args.js';
import { wantsHelp, type Command } from './command.js';

const usage = `Usage: berth local <up|down|env|status> [options]

Runs a real Kubernetes control plane on this machine (etcd, kube-apiserver,
kube-controller-manager, kube-scheduler) with kwok simulating the nodes, all on 127.0.0.1.
The binaries come from KUBEBUILDER_ASSETS or ~/.cache/berth, and are built once with Go if missing.

Commands:
  up       start the cluster (or keep the running one) and return when it is ready
  down     stop every process of the cluster and delete its data
  env      print the shell lines that point kubectl and helm at the cluster:  eval "$(berth local env)"
  status   show the components, their ports, uptime and memory

Options:
  --name NAME        cluster name (default: berth); several clusters can run side by side
  --nodes FILE       node pool file (YAML); see README "Node pools"
  --ordinary N       number of ordinary nodes (default 6)
  --isolated N       number of isolated nodes behind RuntimeClass berth-isolated (default 4)
  --timeout SECONDS  how long to wait for each component (default 120)
`;

export const localCommand: Command = {
  name: 'local',
  summary: 'run an embedded Kubernetes control plane with fake node pools',
  usage,
  async run(argv) {
    if (wantsHelp(argv) || argv.length === 0) {
      console.log(usage);
      return argv.length === 0 ? 2 : 0;
    }
    const args = parseArgs(argv.slice(1));
    const name = stringOption(args, 'name', 'berth')!;
    switch (argv[0]) {
      case 'up': {
        rejectUnknown(args, ['name', 'nodes', 'ordinary', 'isolated', 'timeout']);
        const file = stringOption(args, 'nodes');
        const pools = resizePools(file ? loadNodePools(file) : DEFAULT_NODE_POOLS, intOption(args, 'ordinary'), intOption(args, 'isolated'));
        const started = Date.now();
        const { state, reused } = await up({ name, pools, timeoutSeconds: intOption(args, 'timeout'), progress: (l) => console.error(l) });
        console.error(reused
          ? `Cluster "${name}" is already running.`
          : `Cluster "${name}" is ready in ${((Date.now() - started) / 1000).toFixed(1)}s with ${state.nodes} nodes.`);
        console.error(`Use it with:\n  eval "$(berth local env${name === 'berth' ? '' : ` --name ${name}`})"\n  kubectl get nodes -L topology.kubernetes.io/zone,node.kubernetes.io/instance-type`);
        return 0;
      }
      case 'down': {
        rejectUnknown(args, ['name']);
        const stopped = await down(name);
        console.error(stopped ? `Cluster "${name}" stopped.` : `No cluster "${name}" is running.`);
        return 0;
      }
      case 'env': {
        rejectUnknown(args, ['name']);
        const state = readState(name);
        if (!state) {
          console.error(`No cluster "${name}"; start it with: berth local up`);
          return 1;
        }
        console.log(envLines(state).join('\n'));
        return 0;
      }
      case 'status': {
        rejectUnknown(args, ['name']);
        const state = readState(name);
        if (!state) {
          console.log(`No cluster "${name}".`);
          return 1;
        }
        const healthy = await isHealthy(state);
        console.log(`Cluster "${name}": ${healthy ? 'ready' : 'NOT HEALTHY'}, ${state.nodes} nodes, kubeconfig ${state.kubeconfig}`);
        const rows = state.processes.map((p) => {
          const alive = isAlive(p.pid);
          const rss = alive ? residentBytes(p.pid) : undefined;
          const listening = listeningSockets([p.pid]).map((s) => `${s.address}:${s.port}`).sort().join(',');
          return [p.name, String(p.pid), listening || '-', alive ? 'running' : 'DEAD', alive ? duration(Date.now() - Date.parse(p.startedAt)) : '-',
            rss === undefined ? '-' : `${Math.round(rss / 1048576)} MiB`, alive ? '' : p.log];
        });
        printTable([['COMPONENT', 'PID', 'LISTENING', 'STATE', 'UPTIME', 'MEMORY', 'LOG'], ...rows]);
        return healthy ? 0 : 1;
      }
      default:
        console.error(`unknown command "local ${argv[0]}"\n\n${usage}`);
        return 2;
    }
  },
};

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}

export function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}
