import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { FargateProfileSettings } from '../controllers/fargateprofile-setup.js';
import { ISOLATED_RUNTIME_CLASS } from '../placement/labels.js';
import { stringOption, type ParsedArgs } from './args.js';

// The `berth run` options for FargateProfiles and the pod webhook.
//
// In a cluster the webhook is on by default, behind a Service, with its certificates in a Secret.
// Outside a cluster nothing can reach the operator unless it is told where to listen, so the
// webhook runs only with --webhook-address, and registers itself by URL.

export const WEBHOOK_SWITCHES = ['no-webhook'];
export const WEBHOOK_OPTIONS = ['namespace', 'default-runtime-class', 'webhook-address', 'webhook-service', 'no-webhook'];

export const WEBHOOK_USAGE = `
FargateProfiles and the webhooks (pods; TaskDefinitions, Services and FargateProfiles):
  --namespace NS               the operator's namespace, which the pod webhook never sees; it holds the
                               certificate Secret and the Lease (default: the pod's namespace in a
                               cluster, else berth-system)
  --default-runtime-class NAME runtime class of profiles that name none (default ${ISOLATED_RUNTIME_CLASS})
  --webhook-address HOST:PORT  serve the webhooks here. In a cluster the default is 0.0.0.0:9443.
                               Outside a cluster the webhook runs only when this is given, and is
                               registered by URL https://HOST:PORT (PORT 0 picks a free port); it is
                               unregistered again when the operator stops
  --webhook-service NS/NAME[:PORT]
                               register the webhook through this Service (port 443 unless given);
                               its certificates are then shared by the replicas in Secret
                               berth-webhook-certs of the operator's namespace. In a cluster the
                               default is NAMESPACE/berth-webhook
  --no-webhook                 neither serve nor register the webhooks (profiles still get their
                               status and namespaces their label; Berth's objects are checked by
                               the controllers only)
`;

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export interface RunEnvironment {
  inCluster: boolean;
  /** The namespace of the operator's pod, in a cluster. */
  podNamespace?: string;
}

export function runEnvironment(args: ParsedArgs): RunEnvironment {
  const inCluster = !args.options.has('kubeconfig') && !!process.env.KUBERNETES_SERVICE_HOST;
  const podNamespace = inCluster && existsSync(SERVICE_ACCOUNT_NAMESPACE) ? readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() : undefined;
  return { inCluster, podNamespace: podNamespace || process.env.POD_NAMESPACE || undefined };
}

export function fargateSettings(args: ParsedArgs, env: RunEnvironment = runEnvironment(args)): FargateProfileSettings {
  const namespace = stringOption(args, 'namespace') ?? (env.inCluster ? env.podNamespace : undefined) ?? 'berth-system';
  const defaultRuntimeClassName = stringOption(args, 'default-runtime-class', ISOLATED_RUNTIME_CLASS)!;
  const address = stringOption(args, 'webhook-address');
  const serviceText = stringOption(args, 'webhook-service');
  if (args.options.has('no-webhook')) {
    if (address !== undefined || serviceText !== undefined) throw new Error('--no-webhook does not go with --webhook-address or --webhook-service');
    return { namespace, defaultRuntimeClassName };
  }
  if (!env.inCluster && address === undefined) {
    if (serviceText !== undefined) throw new Error('--webhook-service needs --webhook-address outside a cluster');
    return { namespace, defaultRuntimeClassName };
  }
  const { host, port } = parseAddress(address ?? '0.0.0.0:9443');
  const service = serviceText !== undefined ? parseService(serviceText) : env.inCluster ? { namespace, name: 'berth-webhook', port: 443 } : undefined;
  if (!service && (host === '0.0.0.0' || host === '::')) {
    throw new Error(`--webhook-address ${host} cannot be registered by URL: give the address the apiserver reaches (e.g. 127.0.0.1:9443), or --webhook-service`);
  }
  return { namespace, defaultRuntimeClassName, webhook: { host, port, service } };
}

/** HOST:PORT, [IPv6]:PORT. */
export function parseAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new Error(`--webhook-address must be HOST:PORT, got "${text}"`);
  const host = match[1] ?? match[2];
  if (match[1] !== undefined && isIP(host) !== 6) throw new Error(`--webhook-address: "${host}" is not an IPv6 address`);
  return { host, port };
}

/** NAMESPACE/NAME[:PORT]. */
export function parseService(text: string): { namespace: string; name: string; port: number } {
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?::(\d+))?$/.exec(text);
  const port = match?.[5] === undefined ? 443 : Number(match[5]);
  if (!match || port < 1 || port > 65535) throw new Error(`--webhook-service must be NAMESPACE/NAME or NAMESPACE/NAME:PORT, got "${text}"`);
  return { namespace: match[1], name: match[3], port };
}
