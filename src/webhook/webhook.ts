// The webhooks as the operator runs them: certificates (kept and rotated), the HTTPS server
// with the pod routes and the route for Berth's own kinds, and the registration with the
// apiserver. Profiles, task definitions and their revisions come from the shared informer
// caches; the webhook never calls the apiserver while answering.

import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { FargateProfile } from '../api/fargateprofile.js';
import type { ControllerRevision } from '../api/kube.js';
import type { TaskDefinition } from '../api/taskdefinition.js';
import type { AdmissionContext, KnownTaskDefinition } from '../ecs/admission.js';
import type { RouteOptions } from '../fargate/route.js';
import { deregisteredRevisions, readControllerRevision, type TaskDefinitionRef } from '../render/taskdefinition/revisions.js';
import { joinKey, type Informer, type Kube, type KubeObject } from '../runtime/index.js';
import { CA_LIFETIME_MS, SERVING_LIFETIME_MS, expiry, type CertificateNeeds } from './certs.js';
import { MemoryCertificateStore, SecretCertificateStore } from './certstore.js';
import { AdmissionMetrics } from './metrics.js';
import type { AdmissionOutcomes } from './outcomes.js';
import { mutatePod, validatePod, type Handled, type PodHandler } from './pods.js';
import { MUTATE_PATH, VALIDATE_BERTH_PATH, VALIDATE_PATH, WebhookRegistration, type WebhookEndpoint } from './registration.js';
import { validateBerthResource } from './resources.js';
import { deny, type AdmissionRequest } from './review.js';
import { CertificateRotator } from './rotation.js';
import { startAdmissionServer, type AdmissionServer } from './server.js';

/** In a cluster, the Secret (in the operator's namespace) that holds the webhook's certificates. */
export const CERTIFICATE_SECRET = 'berth-webhook-certs';

export interface WebhookService {
  namespace: string;
  name: string;
  port: number;
}

export interface PodWebhookOptions {
  kube: Kube;
  logger: Logger;
  registry: Registry;
  profiles: Informer<FargateProfile & KubeObject>;
  /** A Service's task definition, for the FARGATE check of Berth's own kinds. */
  taskDefinitions: Informer<TaskDefinition & KubeObject>;
  /** Indexed by `owner` → 'namespace/taskdefinition'. */
  revisions: Informer<ControllerRevision & KubeObject>;
  /** Informers on the webhook configurations, so that a deleted one is put back. */
  configurations: readonly Informer<KubeObject>[];
  /** Where to listen; port 0 picks a free port. */
  host: string;
  port: number;
  /**
   * Register through this Service, certificates shared in a Secret. Without it the webhook is
   * registered by URL, https://HOST:PORT, with certificates in memory.
   */
  service?: WebhookService;
  operatorNamespace: string;
  excludedNamespaces: readonly string[];
  routeOptions: RouteOptions;
  outcomes: AdmissionOutcomes;
  /** How long stop() keeps answering before it closes the server. */
  drainMs?: number;
  now?: () => Date;
}

export interface PodWebhook {
  readonly port: number;
  readonly endpoint: WebhookEndpoint;
  /** Resolves once registered, or false if the profiles never synced. */
  readonly registered: Promise<boolean>;
  stop(): Promise<void>;
}

export async function startPodWebhook(o: PodWebhookOptions): Promise<PodWebhook> {
  const log = o.logger.child({ component: 'webhook' });
  const metrics = new AdmissionMetrics(o.registry);
  const store = o.service ? new SecretCertificateStore(o.kube, o.operatorNamespace, CERTIFICATE_SECRET) : new MemoryCertificateStore();
  // Filled in below; the first certificate check runs before either exists.
  const live: { server?: AdmissionServer; registration?: WebhookRegistration } = {};
  const rotator = new CertificateRotator({
    store,
    needs: certificateNeeds(o.host, o.service),
    logger: log,
    now: o.now,
    onChange: (change) => {
      metrics.certificateExpiry.set(expiry(change.bundle.cert).getTime() / 1000);
      if (change.servingChanged) live.server?.setCertificate({ cert: change.bundle.cert, key: change.bundle.key });
      if (change.caChanged) void live.registration?.register(change.caBundle);
    },
  });
  const bundle = await rotator.start();

  const context = () => ({ profiles: o.profiles.list(), options: o.routeOptions });
  const guarded = (handler: PodHandler) => (request: AdmissionRequest): Handled =>
    o.profiles.hasSynced()
      ? handler(request, context())
      : { response: deny(request, 'berth: the FargateProfiles are not loaded yet; try again in a moment', 503, 'ServiceUnavailable'), result: 'unavailable' };
  const resourceCaches = [o.taskDefinitions, o.revisions];
  const resourceContext: AdmissionContext = { taskDefinition: (namespace, ref) => knownTaskDefinition(o, namespace, ref) };
  const validateResources = (request: AdmissionRequest): Handled =>
    resourceCaches.every((c) => c.hasSynced())
      ? validateBerthResource(request, resourceContext)
      : { response: deny(request, 'berth: the task definitions are not loaded yet; try again in a moment', 503, 'ServiceUnavailable'), result: 'unavailable' };
  const server = await startAdmissionServer({
    host: o.host,
    port: o.port,
    tls: { cert: bundle.cert, key: bundle.key },
    routes: {
      [MUTATE_PATH]: { name: 'mutate', handle: guarded(mutatePod) },
      [VALIDATE_PATH]: { name: 'validate', handle: guarded(validatePod) },
      [VALIDATE_BERTH_PATH]: { name: 'validate-berth', handle: validateResources },
    },
    metrics,
    logger: log,
    onOutcome: (outcome) => o.outcomes.record(outcome),
  });
  const endpoint: WebhookEndpoint = o.service ? { service: o.service } : { url: `https://${urlHost(o.host)}:${server.port}` };
  log.info({ listen: `${urlHost(o.host)}:${server.port}`, certificates: store.description }, 'serving the webhooks');

  const reg = new WebhookRegistration({ kube: o.kube, endpoint, excludedNamespaces: o.excludedNamespaces, logger: log, watch: o.configurations });
  live.server = server;
  live.registration = reg;
  // Registered once the caches are loaded, so the first requests are not refused for want of them.
  const registered = Promise.all([o.profiles, ...resourceCaches].map((c) => c.waitForSync())).then(async (synced) => {
    const all = synced.every(Boolean);
    if (all) await reg.register(rotator.caBundle);
    return all;
  });

  return {
    port: server.port,
    endpoint,
    registered,
    stop: async () => {
      rotator.stop();
      await reg.stop().catch((err: unknown) => log.error({ err }, 'removing the webhook configuration failed'));
      if (o.drainMs) await new Promise((resolve) => setTimeout(resolve, o.drainMs));
      await server.close();
    },
  };
}

/**
 * What a Service's `taskDefinition` names, from the caches: `family` is the family's current spec
 * (the revision the controller registers from it, which the Service then runs), `family:n` the
 * registered revision n, INACTIVE when deregistered. Unknown (not created, or not registered yet)
 * is undefined: allowed.
 */
function knownTaskDefinition(o: Pick<PodWebhookOptions, 'taskDefinitions' | 'revisions'>, namespace: string, ref: TaskDefinitionRef): KnownTaskDefinition | undefined {
  const td = o.taskDefinitions.get(ref.family, namespace);
  if (!td?.spec || td.metadata?.deletionTimestamp) return undefined;
  if (ref.revision === undefined) return { label: ref.family, spec: td.spec };
  for (const cr of o.revisions.byIndex('owner', joinKey(namespace, ref.family))) {
    const stored = readControllerRevision(cr);
    if (stored?.revision === ref.revision) {
      return { label: `${ref.family}:${ref.revision}`, spec: stored.spec, inactive: deregisteredRevisions(td).revisions.has(ref.revision) };
    }
  }
  return undefined;
}

/** The names the serving certificate must carry: the Service's DNS names, or the listen host. */
export function certificateNeeds(host: string, service?: WebhookService): CertificateNeeds {
  const lifetimes = { caLifetimeMs: CA_LIFETIME_MS, servingLifetimeMs: SERVING_LIFETIME_MS };
  if (service) {
    const { name, namespace } = service;
    return { dnsNames: [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`], ipAddresses: [], ...lifetimes };
  }
  return isIP(host) ? { dnsNames: ['localhost'], ipAddresses: [host], ...lifetimes } : { dnsNames: [host], ipAddresses: [], ...lifetimes };
}

function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}
