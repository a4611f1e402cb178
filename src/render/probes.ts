import type { HealthCheck } from '../api/container.js';
import type { Probe } from '../api/kube.js';
import type { IgnoredField } from './findings.js';

// An ECS healthCheck is Docker's HEALTHCHECK: a command run every `interval` seconds, failing
// after `timeout`; `retries` failures in a row make the container UNHEALTHY; failures during
// the first `startPeriod` seconds do not count. ECS uses it three ways, and so do we:
//   the task's health, from its essential containers → readinessProbe (Ready ≈ HEALTHY)
//   an unhealthy essential container replaces the task  → livenessProbe (restart)
//   dependsOn HEALTHY and the start grace period         → startupProbe

const DEFAULT_INTERVAL = 30;
const DEFAULT_TIMEOUT = 5;
const DEFAULT_RETRIES = 3;
const DEFAULT_START_PERIOD = 0;

export interface ParsedHealthCheck {
  /** The exec command; absent for NONE or a command of no known form. */
  command?: string[];
  /** Why there is no command although a check was given (NONE is not a problem). */
  problem?: string;
  interval: number;
  timeout: number;
  retries: number;
  startPeriod: number;
}

/**
 * `CMD-SHELL x` runs `x` with the image's shell (Docker's default: /bin/sh -c, cmd /S /C on
 * Windows); `CMD a b` runs `a b`; any other list runs as it is, as ECS runs it.
 */
export function parseHealthCheck(check: HealthCheck | undefined, windows = false): ParsedHealthCheck {
  const timing = {
    interval: check?.interval ?? DEFAULT_INTERVAL,
    timeout: check?.timeout ?? DEFAULT_TIMEOUT,
    retries: check?.retries ?? DEFAULT_RETRIES,
    startPeriod: check?.startPeriod ?? DEFAULT_START_PERIOD,
  };
  const [kind, ...rest] = check?.command ?? [];
  if (kind === 'CMD-SHELL' && rest.length > 0) {
    const shell = windows ? ['cmd', '/S', '/C'] : ['/bin/sh', '-c'];
    return { ...timing, command: [...shell, rest.join(' ')] };
  }
  if (kind === 'CMD' && rest.length > 0) return { ...timing, command: rest };
  if (kind === 'NONE' || kind === undefined) return timing;
  if (kind === 'CMD' || kind === 'CMD-SHELL') return { ...timing, problem: `not run: "${kind}" names no command` };
  return { ...timing, command: [kind, ...rest] };
}

export interface ProbeSet {
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
}

export interface ProbeContext {
  essential: boolean;
  /** Some container waits for this one to be HEALTHY. */
  gated: boolean;
  windows: boolean;
  /** JSON path of the healthCheck, for findings. */
  path: string;
}

export function renderProbes(check: HealthCheck | undefined, ctx: ProbeContext, ignored: IgnoredField[]): ProbeSet {
  if (!check) return {};
  const parsed = parseHealthCheck(check, ctx.windows);
  if (parsed.problem) ignored.push({ path: `${ctx.path}.command`, reason: parsed.problem });
  if (!parsed.command) return {};

  const probe = (failureThreshold: number): Probe => ({
    exec: { command: [...(parsed.command as string[])] },
    periodSeconds: parsed.interval,
    timeoutSeconds: parsed.timeout,
    failureThreshold,
  });

  const out: ProbeSet = {};
  // The startup probe allows the grace period plus the usual run of failures; liveness and
  // readiness only begin once it has passed, as ECS only counts failures after startPeriod.
  if (ctx.gated || (ctx.essential && parsed.startPeriod > 0)) {
    out.startupProbe = probe(Math.ceil(parsed.startPeriod / parsed.interval) + parsed.retries);
  }
  // A non-essential container's health does not count towards the task's.
  if (ctx.essential) {
    out.livenessProbe = probe(parsed.retries);
    out.readinessProbe = probe(parsed.retries);
  }
  return out;
}
