import { up } from '../local/cluster.js';
import { parseArgs, rejectUnknown, stringOption } from './args.js';
import { wantsHelp, type Command } from './command.js';

const usage = `Usage: berth start [--name NAME]

Brings up the embedded Kubernetes cluster (see: berth local --help) and prints how to use it.
Run "berth local down" to stop it.
`;

export const startCommand: Command = {
  name: 'start',
  summary: 'start the embedded cluster with Berth in it (what `npm start` runs)',
  usage,
  async run(argv) {
    if (wantsHelp(argv)) {
      console.log(usage);
      return 0;
    }
    const args = parseArgs(argv);
    rejectUnknown(args, ['name']);
    const name = stringOption(args, 'name', 'berth')!;
    const { state, reused } = await up({ name, progress: (l) => console.error(l) });
    console.log([
      reused ? `The cluster "${name}" was already running.` : `The cluster "${name}" is up.`,
      '',
      'Point kubectl at it:',
      `  eval "$(npx berth local env${name === 'berth' ? '' : ` --name ${name}`})"`,
      '  kubectl get nodes -L topology.kubernetes.io/zone,node.kubernetes.io/instance-type,ecs.berth.dev/pool',
      '  kubectl get runtimeclass',
      '',
      `Status: npx berth local status      Stop: npx berth local down`,
      `Kubeconfig: ${state.kubeconfig}`,
    ].join('\n'));
    return 0;
  },
};
