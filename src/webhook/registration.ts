// The webhook configurations the operator keeps:
//   - MutatingWebhookConfiguration and ValidatingWebhookConfiguration `berth-pods`: Pod CREATE in
//     the namespaces the operator labels (scope.ts);
//   - ValidatingWebhookConfiguration `berth-resources`: CREATE and UPDATE of TaskDefinitions,
//     Services and FargateProfiles in every namespace, never DELETE nor the status subresource,
//     and never an object being deleted nor an update that leaves the spec alone
//     (matchConditions), so finalizers and status keep moving while no operator serves.
// All fail closed, with no side effects.
//
// The operator applies them (server-side apply) when it starts, whenever its CA changes, and
// whenever one of them is deleted. It does not fight over them otherwise: with two operators
// against one cluster (a local `berth run` next to another), the last to start serves. An
// operator registered by URL (outside the cluster) deletes them when it stops, if they still
// point at it, so the cluster is not left failing closed against a port nobody listens on; one
// registered through a Service leaves them, as its replicas come and go behind the Service.

import type { Logger } from 'pino';
import { Resources, type Informer, type Kube, type KubeObject } from '../runtime/index.js';
import { BERTH_PLURALS } from '../api/crd.js';
import { GROUP } from '../api/resource.js';
import { webhookNamespaceSelector } from './scope.js';

export const WEBHOOK_CONFIGURATION_NAME = 'berth-pods';
/** Webhook names must be fully qualified. */
export const POD_WEBHOOK_NAME = 'pods.fargate.ecs.berth.dev';
export const MUTATE_PATH = '/mutate-pods';
export const VALIDATE_PATH = '/validate-pods';

export const RESOURCES_CONFIGURATION_NAME = 'berth-resources';
export const RESOURCES_WEBHOOK_NAME = 'resources.ecs.berth.dev';
export const VALIDATE_BERTH_PATH = '/validate-berth';

/** Every configuration the operator keeps, by resource and name. */
export const WEBHOOK_CONFIGURATIONS = [
  { resource: Resources.MutatingWebhookConfiguration, name: WEBHOOK_CONFIGURATION_NAME },
  { resource: Resources.ValidatingWebhookConfiguration, name: WEBHOOK_CONFIGURATION_NAME },
  { resource: Resources.ValidatingWebhookConfiguration, name: RESOURCES_CONFIGURATION_NAME },
] as const;

/**
 * CEL the apiserver evaluates before calling: an object being deleted, or an update that leaves
 * the spec alone, is admitted without asking, whether or not the operator is up.
 */
const RESOURCES_MATCH_CONDITIONS = [
  { name: 'not-being-deleted', expression: '!has(object.metadata.deletionTimestamp)' },
  { name: 'spec-changed', expression: "request.operation != 'UPDATE' || !has(object.spec) || !has(oldObject.spec) || object.spec != oldObject.spec" },
];

export type WebhookEndpoint =
  /** https://HOST:PORT, without a path. */
  | { url: string }
  | { service: { namespace: string; name: string; port: number } };

export interface WebhookConfigurationInput {
  endpoint: WebhookEndpoint;
  /** PEM; one or more CA certificates. */
  caBundle: string;
  excludedNamespaces: readonly string[];
  timeoutSeconds?: number;
}

/** The pods' mutating and validating configurations and the one for Berth's kinds, ready to apply. */
export function webhookConfigurations(input: WebhookConfigurationInput): KubeObject[] {
  const common = (path: string) => ({
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    timeoutSeconds: input.timeoutSeconds ?? 5,
    clientConfig: {
      ...('url' in input.endpoint ? { url: input.endpoint.url + path } : { service: { ...input.endpoint.service, path } }),
      caBundle: Buffer.from(input.caBundle, 'utf8').toString('base64'),
    },
  });
  const podWebhook = (path: string) => ({
    name: POD_WEBHOOK_NAME,
    ...common(path),
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }],
    namespaceSelector: webhookNamespaceSelector(input.excludedNamespaces),
  });
  const resourcesWebhook = {
    name: RESOURCES_WEBHOOK_NAME,
    ...common(VALIDATE_BERTH_PATH),
    // The main resources only: status and scale are subresources, and DELETE is never asked about.
    rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [GROUP], apiVersions: ['*'], resources: [...BERTH_PLURALS], scope: '*' }],
    matchConditions: RESOURCES_MATCH_CONDITIONS,
  };
  const metadata = (name: string) => ({ name, labels: { 'app.kubernetes.io/managed-by': 'berth', 'app.kubernetes.io/component': 'webhook' } });
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: metadata(WEBHOOK_CONFIGURATION_NAME),
      // Called again when a later webhook changes the pod, so the size and routing fit the final pod.
      webhooks: [{ ...podWebhook(MUTATE_PATH), reinvocationPolicy: 'IfNeeded' }],
    } as KubeObject,
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: metadata(WEBHOOK_CONFIGURATION_NAME), webhooks: [podWebhook(VALIDATE_PATH)] } as KubeObject,
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: metadata(RESOURCES_CONFIGURATION_NAME), webhooks: [resourcesWebhook] } as KubeObject,
  ];
}

export interface WebhookRegistrationOptions {
  kube: Kube;
  endpoint: WebhookEndpoint;
  excludedNamespaces: readonly string[];
  logger?: Logger;
  /** Informers on the configurations: one deleted is put back. */
  watch?: readonly Informer<KubeObject>[];
  timeoutSeconds?: number;
}

interface WebhookConfiguration extends KubeObject {
  webhooks?: { clientConfig?: { url?: string } }[];
}

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 60_000;

export class WebhookRegistration {
  private caBundle: string | undefined;
  private stopped = false;
  private retryMs = RETRY_MIN_MS;
  private timer: NodeJS.Timeout | undefined;
  private applying: Promise<void> = Promise.resolve();

  constructor(private readonly options: WebhookRegistrationOptions) {
    for (const informer of options.watch ?? []) {
      informer.on({
        delete: (obj) => {
          if (!WEBHOOK_CONFIGURATIONS.some((c) => c.name === obj.metadata?.name) || this.stopped || !this.caBundle) return;
          options.logger?.info({ kind: obj.kind }, 'the webhook configuration was deleted; registering again');
          void this.apply();
        },
      });
    }
  }

  /** Applies the configurations with this CA bundle; on failure keeps trying in the background. */
  register(caBundle: string): Promise<void> {
    this.caBundle = caBundle;
    return this.apply();
  }

  /** Stops re-registering; with a URL endpoint, deletes the configurations that still point here. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.applying;
    const endpoint = this.options.endpoint;
    if (!('url' in endpoint)) return;
    for (const { resource, name } of WEBHOOK_CONFIGURATIONS) {
      const current = await this.options.kube.get<WebhookConfiguration>(resource, name);
      const ours = current?.webhooks?.every((w) => w.clientConfig?.url?.startsWith(`${endpoint.url}/`));
      if (!current || !ours) continue;
      await this.options.kube.delete(resource, name, undefined, { preconditions: { resourceVersion: current.metadata?.resourceVersion } });
      this.options.logger?.info({ kind: resource.kind, name }, 'deleted the webhook configuration');
    }
  }

  private apply(): Promise<void> {
    this.applying = this.applying.then(() => this.applyNow());
    return this.applying;
  }

  private async applyNow(): Promise<void> {
    if (this.stopped || !this.caBundle) return;
    clearTimeout(this.timer);
    const { kube, endpoint, excludedNamespaces, timeoutSeconds } = this.options;
    try {
      for (const config of webhookConfigurations({ endpoint, caBundle: this.caBundle, excludedNamespaces, timeoutSeconds })) await kube.apply(config);
      this.retryMs = RETRY_MIN_MS;
      this.options.logger?.info({ endpoint: 'url' in endpoint ? endpoint.url : endpoint.service }, 'registered the webhooks');
    } catch (err) {
      this.options.logger?.error({ err, retryInMs: this.retryMs }, 'registering the webhooks failed; retrying');
      this.timer = setTimeout(() => void this.apply(), this.retryMs);
      this.timer.unref();
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    }
  }
}
