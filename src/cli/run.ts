import { runOperator } from '../controllers/operator.js';
import { DEFAULT_RESYNC_PERIOD_MS } from '../runtime/index.js';
import { durationOption, intOption, parseArgs, rejectUnknown, stringOption } from './args.js';
import { wantsHelp, type Command } from './command.js';
import { fargateSettings, WEBHOOK_OPTIONS, WEBHOOK_SWITCHES, WEBHOOK_USAGE } from './run-webhook.js';

const MAX_TIMER_MS = 24 * 24 * 3_600_000;

const usage = `Usage: berth run [options]

Runs the Berth operator: the TaskDefinition, Service and FargateProfile controllers. Inside a pod
it uses the pod's service account; outside, a kubeconfig (--kubeconfig, $KUBECONFIG or ~/.kube/config).
Stops cleanly on SIGTERM or SIGINT.

Options:
  --kubeconfig FILE            kubeconfig to use
  --probe-address HOST:PORT    serve /metrics, /healthz and /readyz (default 127.0.0.1:8080)
  --leader-elect               run with Lease leader election (for several replicas)
  --leader-election-namespace NS   namespace of the Lease (default: the operator's namespace)
  --qps N, --burst N           client-side rate limit towards the apiserver (default 50, 100; 0 = off)
  --log-level LEVEL            trace, debug, info, warn, error (default info)
  --resync-period DURATION     reconcile every object again about this often, e.g. 30m (default 10h; 0 = never)
${WEBHOOK_USAGE}`;

export const runCommand: Command = {
  name: 'run',
  summary: 'run the operator against a cluster',
  usage,
  async run(argv) {
    if (wantsHelp(argv)) {
      console.log(usage);
      return 0;
    }
    const args = parseArgs(argv, ['leader-elect', ...WEBHOOK_SWITCHES]);
    rejectUnknown(args, ['kubeconfig', 'probe-address', 'leader-elect', 'leader-election-namespace', 'qps', 'burst', 'log-level', 'resync-period', ...WEBHOOK_OPTIONS]);
    const fargate = fargateSettings(args);
    const [probeHost, probePortText] = (stringOption(args, 'probe-address', '127.0.0.1:8080') ?? '').split(/:(?=[^:]*$)/);
    const probePort = Number(probePortText);
    if (!probeHost || !Number.isInteger(probePort)) throw new Error('--probe-address must be HOST:PORT');
    const resyncPeriodMs = durationOption(args, 'resync-period') ?? DEFAULT_RESYNC_PERIOD_MS;
    // Node timers hold at most about 24.8 days.
    if (resyncPeriodMs > MAX_TIMER_MS) throw new Error('--resync-period must be at most 24 days');
    if (resyncPeriodMs > 0 && resyncPeriodMs < 1000) throw new Error('--resync-period must be at least 1s (or 0 for never)');
    return runOperator({
      kubeconfig: stringOption(args, 'kubeconfig'),
      probeHost,
      probePort,
      leaderElection: args.options.has('leader-elect')
        ? { namespace: stringOption(args, 'leader-election-namespace', fargate.namespace)!, name: 'berth-operator' }
        : undefined,
      qps: intOption(args, 'qps') ?? 50,
      burst: intOption(args, 'burst') ?? 100,
      logLevel: stringOption(args, 'log-level', 'info')!,
      resyncPeriodMs,
      fargate,
    });
  },
};
