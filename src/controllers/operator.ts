import { hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { Kube, Manager, RuntimeMetrics, createLogger, onShutdownSignals } from '../runtime/index.js';
import { buildCaches } from './caches.js';
import { detectContainerRestartRules } from './cluster-features.js';
import { startFargateProfiles, type FargateProfileSettings } from './fargateprofile-setup.js';
import { BERTH_RESOURCES } from './resources.js';
import { startServiceController } from './service.js';
import { startTaskDefinitionController } from './taskdefinition.js';

export interface OperatorOptions {
  /** A kubeconfig file; in-cluster credentials when omitted inside a pod, else the default kubeconfig. */
  kubeconfig?: string;
  probeHost: string;
  probePort: number;
  leaderElection?: { namespace: string; name: string };
  qps: number;
  burst: number;
  logLevel: string;
  /** Every object is reconciled again about this often; 0 for never. */
  resyncPeriodMs: number;
  /** The operator's namespace, default runtime class, and the pod webhook if it is served. */
  fargate: FargateProfileSettings;
}

function loadKubeConfig(file?: string): KubeConfig {
  const kc = new KubeConfig();
  if (file) kc.loadFromFile(file);
  else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else kc.loadFromDefault();
  return kc;
}

/** Runs every controller until SIGTERM/SIGINT; returns the exit code. */
export async function runOperator(options: OperatorOptions): Promise<number> {
  const logger = createLogger({ level: options.logLevel });
  const metrics = new RuntimeMetrics(new Registry());
  const kube = new Kube(loadKubeConfig(options.kubeconfig), { metrics, logger, qps: options.qps, burst: options.burst });
  for (const ref of BERTH_RESOURCES) kube.register(ref);
  // Asked while the rest is built; it never rejects (an unknown answer means no restart rules).
  const restartRules = detectContainerRestartRules(kube, logger);
  const identity = `${hostname()}-${process.pid}`;
  const manager = new Manager({
    kube, logger, metrics,
    resyncPeriodMs: options.resyncPeriodMs,
    probes: { host: options.probeHost, port: options.probePort },
    ...(options.leaderElection ? { leaderElection: { ...options.leaderElection, identity } } : {}),
  });
  const caches = buildCaches(manager);
  const events = manager.events();
  // Controllers write through the manager's client, which a leader in doubt keeps from writing;
  // the webhook serves, and keeps its certificates, on every replica.
  startTaskDefinitionController({ manager, kube: manager.kube, caches, events });
  startServiceController({ manager, kube: manager.kube, caches, events, cluster: { containerRestartRules: await restartRules } });
  const fargate = await startFargateProfiles({ manager, kube, caches, logger, registry: metrics.registry }, options.fargate);

  // The webhook goes first: unregistering it needs the client, which the manager closes.
  onShutdownSignals(async () => {
    await fargate.stop();
    await manager.stop();
  }, { logger });
  logger.info({ identity, leaderElection: !!options.leaderElection }, 'berth operator starting');
  const reason = await manager.run();
  await fargate.stop();
  logger.info({ reason }, 'berth operator stopped');
  return reason === 'leadership-lost' ? 1 : 0;
}
