// Where the webhook's certificates live.
//
// In a cluster: a Secret in the operator's namespace, so every replica serves a certificate
// from the same CA and the caBundle fits them all. Writes are compare-and-swap on the Secret's
// resourceVersion: when two replicas renew at once, one wins and the other takes its result.
//
// Outside a cluster (`berth run --webhook-address`): in memory. The operator registers its own
// URL and CA every time it starts, so nothing is gained by keeping them across runs.

import { isAlreadyExists, isConflict, Resources, type Kube, type KubeObject } from '../runtime/index.js';
import type { CertificateBundle } from './certs.js';

export interface StoredBundle {
  bundle: CertificateBundle;
  /** Opaque; hand it back to save() to replace exactly this version. */
  version: string;
}

export interface CertificateStore {
  /** For logs: where the certificates are kept. */
  readonly description: string;
  load(): Promise<StoredBundle | undefined>;
  /**
   * Stores the bundle if what is stored is still `version` (undefined: nothing is stored yet).
   * False when another writer got there first; load again.
   */
  save(bundle: CertificateBundle, version: string | undefined): Promise<boolean>;
}

export class MemoryCertificateStore implements CertificateStore {
  readonly description = 'memory';
  private stored: StoredBundle | undefined;
  private writes = 0;

  async load(): Promise<StoredBundle | undefined> {
    return this.stored;
  }

  async save(bundle: CertificateBundle, version: string | undefined): Promise<boolean> {
    if (this.stored?.version !== version) return false;
    this.stored = { bundle, version: String(++this.writes) };
    return true;
  }
}

/** The Secret's keys. tls.crt and tls.key are where tools look for a serving pair. */
const KEYS = { caCert: 'ca.crt', caKey: 'ca.key', previousCaCert: 'ca-previous.crt', cert: 'tls.crt', key: 'tls.key' } as const;

interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

export class SecretCertificateStore implements CertificateStore {
  readonly description: string;

  constructor(
    private readonly kube: Kube,
    private readonly namespace: string,
    private readonly name: string,
  ) {
    this.description = `Secret ${namespace}/${name}`;
  }

  async load(): Promise<StoredBundle | undefined> {
    const secret = await this.kube.get<Secret>(Resources.Secret, this.name, this.namespace);
    if (!secret) return undefined;
    const field = (key: string) => (secret.data?.[key] ? Buffer.from(secret.data[key], 'base64').toString('utf8') : undefined);
    const bundle = {
      caCert: field(KEYS.caCert) ?? '',
      caKey: field(KEYS.caKey) ?? '',
      previousCaCert: field(KEYS.previousCaCert),
      cert: field(KEYS.cert) ?? '',
      key: field(KEYS.key) ?? '',
    };
    if (!bundle.previousCaCert) delete bundle.previousCaCert;
    // An incomplete bundle reads as unusable, so it is renewed and written over (same version).
    return { bundle, version: secret.metadata?.resourceVersion ?? '' };
  }

  async save(bundle: CertificateBundle, version: string | undefined): Promise<boolean> {
    const data: Record<string, string> = {};
    for (const [field, key] of Object.entries(KEYS)) {
      const value = bundle[field as keyof CertificateBundle];
      if (value) data[key] = Buffer.from(value, 'utf8').toString('base64');
    }
    const secret: Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'berth', 'app.kubernetes.io/component': 'webhook' },
        ...(version === undefined ? {} : { resourceVersion: version }),
      },
      type: 'Opaque',
      data,
    };
    try {
      if (version === undefined) await this.kube.create(secret);
      else await this.kube.replace(secret);
      return true;
    } catch (err) {
      if (isAlreadyExists(err) || isConflict(err)) return false;
      throw err;
    }
  }
}
