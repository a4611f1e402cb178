import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Kube, Manager } from '../runtime/index.js';
import { AdmissionOutcomes } from '../webhook/outcomes.js';
import { WEBHOOK_CONFIGURATIONS } from '../webhook/registration.js';
import { excludedNamespaces } from '../webhook/scope.js';
import { startPodWebhook, type PodWebhook, type WebhookService } from '../webhook/webhook.js';
import type { Caches } from './caches.js';
import { ProfileCountsReporter } from './fargateprofile-counts.js';
import { startFargateProfileController } from './fargateprofile.js';
import { startNamespaceLabelController } from './namespaces.js';

export interface FargateProfileSettings {
  /** The operator's own namespace: never seen by the webhook; holds the certificate Secret. */
  namespace: string;
  defaultRuntimeClassName: string;
  /** Serve and register the pod webhook; omit to run without it. */
  webhook?: { host: string; port: number; service?: WebhookService };
}

export interface FargateProfileDeps {
  manager: Manager;
  kube: Kube;
  caches: Caches;
  logger: Logger;
  registry: Registry;
}

/** What FargateProfiles need in the operator: the two controllers and, when asked, the pod webhook. */
export interface FargateProfileRuntime {
  readonly webhook?: PodWebhook;
  /** Reports the last counts, unregisters a URL webhook and stops serving. Safe to call twice. */
  stop(): Promise<void>;
}

/** After a SIGTERM, a webhook behind a Service answers a little longer, until the endpoints drop it. */
const SERVICE_DRAIN_MS = 5000;

export async function startFargateProfiles(deps: FargateProfileDeps, settings: FargateProfileSettings): Promise<FargateProfileRuntime> {
  const { manager, kube, caches } = deps;
  const excluded = excludedNamespaces(settings.namespace);
  startFargateProfileController({ manager, kube: manager.kube, caches, defaultRuntimeClassName: settings.defaultRuntimeClassName });
  startNamespaceLabelController({ manager, kube: manager.kube, caches, excludedNamespaces: excluded });
  if (!settings.webhook) return { stop: async () => {} };

  const outcomes = new AdmissionOutcomes();
  const configurations = WEBHOOK_CONFIGURATIONS.map(({ resource, name }) => manager.informer({ resource, fieldSelector: `metadata.name=${name}` }));
  const webhook = await startPodWebhook({
    kube,
    logger: deps.logger,
    registry: deps.registry,
    profiles: caches.fargateProfiles,
    taskDefinitions: caches.taskDefinitions,
    revisions: caches.revisions,
    configurations,
    host: settings.webhook.host,
    port: settings.webhook.port,
    service: settings.webhook.service,
    operatorNamespace: settings.namespace,
    excludedNamespaces: excluded,
    routeOptions: { defaultRuntimeClassName: settings.defaultRuntimeClassName },
    outcomes,
    drainMs: settings.webhook.service ? SERVICE_DRAIN_MS : 0,
  });
  const reporter = new ProfileCountsReporter({ kube, profiles: caches.fargateProfiles, outcomes, logger: deps.logger });
  reporter.start();
  let stopping: Promise<void> | undefined;
  return {
    webhook,
    stop: () => (stopping ??= webhook.stop().then(() => reporter.stop())),
  };
}
