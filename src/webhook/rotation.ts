// Keeps the webhook's certificates current: at start and then every few minutes it reads the
// store, renews what is due (see certs.ts), writes it back, and tells the server and the
// registration when something changed. Replicas sharing a Secret converge on one bundle: a
// replica that loses a write race reads the winner's bundle and uses it.

import type { Logger } from 'pino';
import { caBundle, renew, renewalNeeded, type CertificateBundle, type CertificateNeeds } from './certs.js';
import type { CertificateStore } from './certstore.js';

export interface CertificateChange {
  bundle: CertificateBundle;
  /** The PEM for the webhook configurations' caBundle. */
  caBundle: string;
  caChanged: boolean;
  servingChanged: boolean;
}

export interface CertificateRotatorOptions {
  store: CertificateStore;
  needs: CertificateNeeds;
  logger?: Logger;
  now?: () => Date;
  /** How often to look. Default 10 minutes. */
  checkIntervalMs?: number;
  /** Called after every check that changed the bundle in use (also the first). */
  onChange?: (change: CertificateChange) => void | Promise<void>;
}

const ATTEMPTS = 3;

export class CertificateRotator {
  private bundle: CertificateBundle | undefined;
  private bundleCa = '';
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<CertificateChange | undefined> | undefined;

  constructor(private readonly options: CertificateRotatorOptions) {}

  /** The bundle in use; undefined before the first check. */
  get current(): CertificateBundle | undefined {
    return this.bundle;
  }

  /** The caBundle for the webhook configurations; empty before the first check. */
  get caBundle(): string {
    return this.bundleCa;
  }

  /** The first check (which must succeed), then one every interval. */
  async start(): Promise<CertificateBundle> {
    await this.check();
    this.timer = setInterval(() => {
      this.check().catch((err: unknown) => this.options.logger?.error({ err }, 'checking the webhook certificates failed; trying again later'));
    }, this.options.checkIntervalMs ?? 10 * 60 * 1000);
    this.timer.unref();
    return this.bundle!;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Loads, renews if due, stores; resolves with what changed, if anything. One check at a time. */
  check(): Promise<CertificateChange | undefined> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async checkOnce(): Promise<CertificateChange | undefined> {
    const { store, needs } = this.options;
    const now = this.options.now?.() ?? new Date();
    let chosen: CertificateBundle | undefined;
    for (let attempt = 1; attempt <= ATTEMPTS && !chosen; attempt++) {
      const stored = await store.load();
      const renewal = renewalNeeded(stored?.bundle, needs, now);
      if (renewal === 'none') {
        chosen = stored!.bundle;
        break;
      }
      const next = await renew(stored?.bundle, renewal, needs, now);
      if (await store.save(next, stored?.version)) {
        this.options.logger?.info({ renewed: renewal === 'all' ? 'ca and serving certificate' : 'serving certificate', store: store.description }, 'renewed the webhook certificates');
        chosen = next;
      }
    }
    if (!chosen) throw new Error(`the webhook certificates in ${store.description} keep changing under this replica`);
    const ca = caBundle(chosen, now);
    const change: CertificateChange = {
      bundle: chosen,
      caBundle: ca,
      caChanged: ca !== this.bundleCa,
      servingChanged: chosen.cert !== this.bundle?.cert,
    };
    this.bundle = chosen;
    this.bundleCa = ca;
    if (!change.caChanged && !change.servingChanged) return undefined;
    await this.options.onChange?.(change);
    return change;
  }
}
