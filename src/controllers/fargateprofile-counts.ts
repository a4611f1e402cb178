// Adds the pods this process's webhook routed and refused to each FargateProfile's status, every
// few seconds and only when there is something to add: a burst of pods costs one write per
// profile, not one per pod.
//
// Every replica serves the webhook, while only the leader reconciles, so each replica reports
// its own outcomes. The counts are the stored values plus this replica's pending ones, written
// with a merge patch conditioned on the resourceVersion read: when another replica (or the
// controller) wrote first, the patch fails with 409 and the next round adds to the new values.
// The counts therefore add up across replicas and restarts.

import type { Logger } from 'pino';
import type { FargateProfile } from '../api/fargateprofile.js';
import { isConflict, isNotFound, type Informer, type Kube, type KubeObject } from '../runtime/index.js';
import type { AdmissionOutcomes } from '../webhook/outcomes.js';
import { addOutcomes } from './fargateprofile-status.js';

export interface ProfileCountsOptions {
  kube: Kube;
  profiles: Informer<FargateProfile & KubeObject>;
  outcomes: AdmissionOutcomes;
  logger?: Logger;
  /** Default 3 s. */
  intervalMs?: number;
}

export class ProfileCountsReporter {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: ProfileCountsOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.report(), this.options.intervalMs ?? 3000);
    this.timer.unref();
  }

  /** Stops the timer after one last report. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.report();
  }

  /** One round; rounds never overlap. */
  report(): Promise<void> {
    this.running = this.running
      .then(() => this.reportOnce())
      .catch((err: unknown) => this.options.logger?.error({ err }, 'reporting pod counts failed'));
    return this.running;
  }

  private async reportOnce(): Promise<void> {
    const { kube, profiles, outcomes, logger } = this.options;
    for (const name of outcomes.profiles()) {
      const profile = profiles.get(name);
      const pending = outcomes.snapshot(name);
      if (!pending) continue;
      if (!profile) {
        outcomes.forget(name); // deleted since
        continue;
      }
      try {
        await kube.patchStatus(profile, addOutcomes(profile.status, pending), { resourceVersion: profile.metadata.resourceVersion });
        outcomes.acknowledge(name, pending);
      } catch (err) {
        if (isNotFound(err)) outcomes.forget(name);
        else if (!isConflict(err)) logger?.warn({ err, profile: name }, 'writing the pod counts of a FargateProfile failed; retrying');
      }
    }
  }
}
