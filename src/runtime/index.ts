// The operator runtime: client, informers, work queue, controllers, leader election, events,
// metrics, probes, logging and shutdown. Everything is built once at start and passed in:
//
//   const logger = createLogger({ level: 'info' });
//   const metrics = new RuntimeMetrics(new Registry());
//   const kc = new KubeConfig(); kc.loadFromDefault();
//   const kube = new Kube(kc, { metrics, qps: 20, burst: 30 });
//   const manager = new Manager({ kube, logger, metrics, probes: { port: 8080 },
//     leaderElection: { namespace: 'berth-system', name: 'berth', identity: podName } });
//   const services = manager.informer({ resource: ServiceRef });
//   const deployments = manager.informer({ resource: Resources.Deployment, labelSelector: 'app.kubernetes.io/managed-by=berth' });
//   manager.controller({ name: 'service', kind: 'Service', workers: 4, reconcile })
//     .watch(services)
//     .watch(deployments, ownerKeys('Service', 'ecs.berth.dev'));
//   onShutdownSignals(() => manager.stop(), { logger });
//   process.exitCode = (await manager.run()) === 'leadership-lost' ? 1 : 0;

export { Controller, labelKeys, ownerKeys } from './controller.js';
export type { ControllerOptions, KeyMapper, ReconcileContext, ReconcileResult, Reconciler } from './controller.js';
export {
  KubeApiError,
  TerminalError,
  apiStatus,
  failureKind,
  failureMessage,
  isAlreadyExists,
  isConflict,
  isForbidden,
  isGone,
  isInvalid,
  isNotFound,
  isTooManyRequests,
} from './errors.js';
export type { FailureKind, StatusBody } from './errors.js';
export { EventRecorder } from './events.js';
export type { EventRecorderOptions, EventType } from './events.js';
export { Informer } from './informer.js';
export type { InformerHandlers, InformerOptions } from './informer.js';
export { Kube } from './kube.js';
export type { ApplyOptions, DeleteOptions, KubeOptions, ListOptions, PatchType, WatchOptions } from './kube.js';
export { LeaderElector } from './leader.js';
export type { LeaderElectionOptions } from './leader.js';
export { createLogger } from './logger.js';
export type { LoggerOptions } from './logger.js';
export { DEFAULT_RESYNC_PERIOD_MS, Manager } from './manager.js';
export type { ManagerOptions, StopReason } from './manager.js';
export { RuntimeMetrics } from './metrics.js';
export { joinKey, keyOf, splitKey } from './objects.js';
export type { KubeObject, ObjectList, WatchEvent, WatchEventType } from './objects.js';
export { apiVersionOf, resourceName, resourcePath, templatePath } from './paths.js';
export type { ResourceRef } from './paths.js';
export { TokenBucket } from './ratelimit.js';
export { Resources } from './resources.js';
export { startProbeServer } from './server.js';
export type { ProbeServer, ProbeServerOptions } from './server.js';
export { onShutdownSignals } from './shutdown.js';
export type { ShutdownOptions } from './shutdown.js';
export { Store, labelIndex, ownerIndex } from './store.js';
export type { IndexFunc } from './store.js';
export { apiTime, microTime } from './time.js';
export { IdleTimeoutError, Transport } from './transport.js';
export type { HttpRequest, HttpResponse, TransportOptions } from './transport.js';
export { WorkQueue } from './workqueue.js';
export type { WorkQueueOptions } from './workqueue.js';
