import type { ServiceSpec } from '../api/service.js';
import { schedulingStrategyOf } from '../api/service.js';
import type { TaskDefinitionSpec } from '../api/taskdefinition.js';

// Whether a Service may run a task definition revision at all. ECS refuses CreateService and
// UpdateService in these cases; Berth keeps whatever already runs and reports the refusal as a
// condition, so no pod of the refused revision is ever created.
//
//   launchType FARGATE (or a FARGATE / FARGATE_SPOT capacity provider) needs a task definition
//   that lists FARGATE in requiresCompatibilities: only those were validated against Fargate's
//   rules. EC2 and EXTERNAL take any task definition (ECS registers every task definition as
//   EC2-compatible, Fargate ones included).
//
//   DAEMON never runs on Fargate.

export const FARGATE_PROVIDERS: readonly string[] = ['FARGATE', 'FARGATE_SPOT'];

export type Compatibility = { ok: true } | { ok: false; reason: string; message: string };

/** FARGATE when the launch type or every capacity provider is Fargate; EC2 when none is; undefined for a mix. */
export function effectiveLaunchType(spec: Pick<ServiceSpec, 'launchType' | 'capacityProviderStrategy'>): string | undefined {
  if (spec.launchType) return spec.launchType;
  const providers = (spec.capacityProviderStrategy ?? []).map((p) => p.capacityProvider);
  if (providers.length === 0) return 'EC2';
  const fargate = providers.filter((p) => FARGATE_PROVIDERS.includes(p)).length;
  if (fargate === providers.length) return 'FARGATE';
  return fargate === 0 ? 'EC2' : undefined;
}

function usesFargate(spec: Pick<ServiceSpec, 'launchType' | 'capacityProviderStrategy'>): boolean {
  return spec.launchType === 'FARGATE' || (spec.capacityProviderStrategy ?? []).some((p) => FARGATE_PROVIDERS.includes(p.capacityProvider));
}

/**
 * Checks the Service against the revision it is to run (`taskDefinition`: family:revision, for
 * messages). The reasons are condition reasons.
 */
export function checkCompatibility(
  spec: Pick<ServiceSpec, 'launchType' | 'capacityProviderStrategy' | 'schedulingStrategy'>,
  taskDefinitionSpec: Pick<TaskDefinitionSpec, 'requiresCompatibilities'>,
  taskDefinition: string,
): Compatibility {
  const fargate = usesFargate(spec);
  if (fargate && schedulingStrategyOf(spec) === 'DAEMON') {
    return { ok: false, reason: 'DaemonOnFargate', message: 'the DAEMON scheduling strategy is not supported on Fargate: a DaemonSet cannot run in the isolated runtime' };
  }
  const compatibilities = taskDefinitionSpec.requiresCompatibilities ?? [];
  if (fargate && !compatibilities.includes('FARGATE')) {
    const listed = compatibilities.length > 0 ? `[${compatibilities.join(', ')}]` : 'none';
    return {
      ok: false,
      reason: 'IncompatibleLaunchType',
      message: `task definition ${taskDefinition} does not support launch type FARGATE: its requiresCompatibilities (${listed}) do not include FARGATE`,
    };
  }
  return { ok: true };
}
