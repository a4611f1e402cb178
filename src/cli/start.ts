import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { attachProcess, readState, up } from '../local/cluster.js';
import { runKubectl } from '../local/kubectl.js';
import { projectRoot } from '../local/paths.js';
import { freePort } from '../local/ports.js';
import { isAlive, startDetached } from '../local/processes.js';
import { operatorCommand, waitUntilReady } from '../local/operator.js';
import { parseArgs, rejectUnknown, stringOption } from './args.js';
import { wantsHelp, type Command } from './command.js';

const usage = `Usage: berth start [--name NAME]

Runs Berth for real on this machine: brings up the embedded Kubernetes cluster (see
berth local --help), installs the CRDs from crds/, starts the operator next to it, and applies
the objects in examples/. Everything keeps running; "berth local down" stops it all.
`;

const OPERATOR = 'berth-operator';

export const startCommand: Command = {
  name: 'start',
  summary: 'start the embedded cluster with the operator, CRDs and examples (what `npm start` runs)',
  usage,
  async run(argv) {
    if (wantsHelp(argv)) {
      console.log(usage);
      return 0;
    }
    const args = parseArgs(argv);
    rejectUnknown(args, ['name']);
    const name = stringOption(args, 'name', 'berth')!;
    const say = (line: string) => console.error(line);
    const { state } = await up({ name, progress: say });
    const kubectl = (a: string[]) => runKubectl(state.bins.kubectl, state.kubeconfig, a);
    const root = projectRoot();

    say('installing the CRDs from crds/');
    await kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=berth-start', '-f', join(root, 'crds')]);
    await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '-l', 'app.kubernetes.io/part-of=berth']);

    const running = readState(name)?.processes.find((p) => p.name === OPERATOR);
    if (running && isAlive(running.pid)) {
      say(`the operator is already running (pid ${running.pid})`);
    } else {
      const port = await freePort();
      // The pod webhook routes FARGATE pods to the isolated pool (see examples/fargate-profile.yaml).
      const { command, args: runArgs } = operatorCommand(state.kubeconfig, port, ['--webhook-address', '127.0.0.1:0']);
      const record = startDetached(OPERATOR, command, runArgs, join(state.dir, 'logs', `${OPERATOR}.log`));
      attachProcess(name, record);
      say(`starting the operator (pid ${record.pid}, metrics on http://127.0.0.1:${port}/metrics, log ${record.log})`);
      await waitUntilReady(port, () => isAlive(record.pid), `see ${record.log}`);
    }

    const examples = join(root, 'examples');
    if (existsSync(examples)) {
      say('applying examples/');
      await kubectl(['apply', '--server-side', '--field-manager=berth-start', '-n', 'default', '-f', examples]);
    }

    const env = `eval "$(npx berth local env${name === 'berth' ? '' : ` --name ${name}`})"`;
    console.log([
      '',
      'Berth is running. Point kubectl at the cluster, then watch the example Service reach a steady state:',
      '',
      `  ${env}`,
      '  kubectl get ecs                                  # TaskDefinitions, Services, FargateProfiles',
      '  kubectl get ecssvc web -w                        # DESIRED / RUNNING / ROLLOUT',
      '  kubectl describe ecssvc web                      # deployments, events in ECS wording',
      '  kubectl get deploy,pods -l ecs.berth.dev/service=web -o wide',
      '  kubectl get td web -o yaml                       # revisions, FieldsIgnored',
      '',
      'Status: npx berth local status      Stop everything: npx berth local down',
    ].join('\n'));
    return 0;
  },
};
