// What this process's webhook did to each profile's pods since it last reported: counts and the
// latest refusals. The webhook records; the profile status reporter takes a snapshot, adds it to
// the profile's status, and acknowledges it once written. Recording never waits on the apiserver.

import type { PodOutcome } from './pods.js';

export interface RecordedRefusal {
  time: string;
  namespace: string;
  pod: string;
  reason: string;
  message?: string;
}

export interface PendingOutcomes {
  routed: number;
  refused: number;
  /** Newest first. */
  refusals: RecordedRefusal[];
}

/** As many refusals as a profile's status keeps. */
export const MAX_RECENT_REFUSALS = 20;

export class AdmissionOutcomes {
  private readonly pending = new Map<string, PendingOutcomes>();

  constructor(private readonly options: { now?: () => Date } = {}) {}

  record(outcome: PodOutcome): void {
    const entry = this.entry(outcome.profile);
    if (outcome.result === 'routed') {
      entry.routed++;
    } else {
      entry.refused++;
      const time = (this.options.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
      entry.refusals.unshift({
        time,
        namespace: outcome.namespace,
        pod: outcome.pod,
        reason: outcome.rule ?? 'Refused',
        ...(outcome.message ? { message: outcome.message } : {}),
      });
      entry.refusals.length = Math.min(entry.refusals.length, MAX_RECENT_REFUSALS);
    }
  }

  /** Profiles with something to report. */
  profiles(): string[] {
    return [...this.pending.keys()];
  }

  /** A copy of what is pending for the profile. */
  snapshot(profile: string): PendingOutcomes | undefined {
    const entry = this.pending.get(profile);
    return entry && { routed: entry.routed, refused: entry.refused, refusals: [...entry.refusals] };
  }

  /** Takes a written snapshot off what is pending; what was recorded meanwhile stays. */
  acknowledge(profile: string, written: PendingOutcomes): void {
    const entry = this.pending.get(profile);
    if (!entry) return;
    entry.routed -= written.routed;
    entry.refused -= written.refused;
    entry.refusals = entry.refusals.filter((r) => !written.refusals.includes(r));
    if (entry.routed <= 0 && entry.refused <= 0 && entry.refusals.length === 0) this.pending.delete(profile);
  }

  /** Drops what is pending for a profile that no longer exists. */
  forget(profile: string): void {
    this.pending.delete(profile);
  }

  private entry(profile: string): PendingOutcomes {
    let entry = this.pending.get(profile);
    if (!entry) {
      entry = { routed: 0, refused: 0, refusals: [] };
      this.pending.set(profile, entry);
    }
    return entry;
  }
}
