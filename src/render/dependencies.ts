import { isEssential, type ContainerDefinition } from '../api/container.js';
import { containerPath, RenderError, type IgnoredField } from './findings.js';
import { parseHealthCheck } from './probes.js';

// ECS starts containers in dependsOn order; Kubernetes starts init containers one after another
// and regular containers after all of them. So every container that others wait for becomes an
// init container, placed before the containers that wait for it:
//   START   → native sidecar (init container with restartPolicy Always): the next one starts
//             as soon as it has started;
//   HEALTHY → native sidecar with a startupProbe from its healthCheck: the next one starts once
//             the probe has passed;
//   SUCCESS, COMPLETE → ordinary init container: the next one starts once it has exited 0.
// Containers nobody waits for are regular containers.

export type ContainerRole = 'app' | 'sidecar' | 'init';

export interface StartupPlan {
  /** The role of each container definition, by index. */
  roles: ContainerRole[];
  /** True for containers some other container waits for with HEALTHY. */
  gated: boolean[];
  /** Indexes of the init containers (sidecars and run-to-completion), in start order. */
  initOrder: number[];
  /** Indexes of the regular containers, in definition order. */
  appOrder: number[];
}

export function planStartup(defs: readonly ContainerDefinition[], ignored: IgnoredField[]): StartupPlan {
  const index = new Map(defs.map((d, i) => [d.name, i]));
  const waitedStart = defs.map(() => false);
  const waitedExit = defs.map(() => false);
  const gated = defs.map(() => false);
  const edges: number[][] = defs.map(() => []);

  if (!defs.some(isEssential)) {
    throw new RenderError('$.containerDefinitions', 'at least one container must be essential');
  }

  defs.forEach((def, i) => {
    (def.dependsOn ?? []).forEach((dep, j) => {
      const path = containerPath(i, 'dependsOn', j);
      const target = index.get(dep.containerName);
      if (target === undefined) throw new RenderError(path, `no container named "${dep.containerName}" in the task`);
      if (target === i) throw new RenderError(path, 'a container cannot depend on itself');
      edges[i].push(target);
      if (dep.condition === 'START' || dep.condition === 'HEALTHY') waitedStart[target] = true;
      if (dep.condition === 'HEALTHY') {
        if (!defs[target].healthCheck) {
          throw new RenderError(path, `condition HEALTHY needs a healthCheck on container "${dep.containerName}"`);
        }
        gated[target] = true;
      }
      if (dep.condition === 'SUCCESS' || dep.condition === 'COMPLETE') {
        if (isEssential(defs[target])) {
          throw new RenderError(path, `condition ${dep.condition} cannot be set on essential container "${dep.containerName}"`);
        }
        waitedExit[target] = true;
      }
      if (dep.condition === 'COMPLETE') {
        ignored.push({
          path: `${path}.condition`,
          reason: `approximated: "${dep.containerName}" is an init container, which must exit 0 (SUCCESS); an init container that fails is restarted`,
        });
      }
    });
  });

  const roles: ContainerRole[] = defs.map((_, i) => (waitedExit[i] ? 'init' : waitedStart[i] ? 'sidecar' : 'app'));
  defs.forEach((def, i) => {
    if (waitedExit[i] && waitedStart[i]) {
      ignored.push({
        path: containerPath(i),
        reason: 'approximated: other containers wait for both its start and its exit; it runs as an init container, so all of them wait for its exit',
      });
    }
    if (gated[i] && roles[i] === 'sidecar' && !parseHealthCheck(def.healthCheck).command) {
      ignored.push({
        path: containerPath(i, 'healthCheck'),
        reason: 'not run: the check cannot become a probe, so containers waiting for HEALTHY only wait for it to start',
      });
    }
    noteLifecycle(def, i, roles[i], ignored);
  });

  return {
    roles,
    gated,
    initOrder: startOrder(defs, edges, roles),
    appOrder: roles.flatMap((role, i) => (role === 'app' ? [i] : [])),
  };
}

// Kahn's algorithm over the init containers, taking the lowest definition index first, so the
// order is stable and follows the task definition wherever dependencies allow.
function startOrder(defs: readonly ContainerDefinition[], edges: number[][], roles: ContainerRole[]): number[] {
  const pending = new Set(roles.flatMap((role, i) => (role === 'app' ? [] : [i])));
  const order: number[] = [];
  while (pending.size > 0) {
    const ready = [...pending].find((i) => edges[i].every((t) => !pending.has(t)));
    if (ready === undefined) {
      const names = [...pending].map((i) => defs[i].name).join(', ');
      throw new RenderError('$.containerDefinitions', `dependsOn has a cycle among: ${names}`);
    }
    order.push(ready);
    pending.delete(ready);
  }
  return order;
}

// Kubernetes restarts any long-running container that exits (the pod's restartPolicy is Always
// under a Deployment). For essential containers that stands in for ECS replacing the task; for
// non-essential ones ECS would leave them stopped, unless their own restartPolicy says otherwise.
function noteLifecycle(def: ContainerDefinition, i: number, role: ContainerRole, ignored: IgnoredField[]): void {
  const restarts = def.restartPolicy?.enabled === true;
  if (role !== 'init' && !isEssential(def) && !restarts) {
    ignored.push({
      path: containerPath(i, 'essential'),
      reason: 'approximated: Kubernetes restarts the container when it exits; ECS would leave a non-essential container stopped',
    });
  }
  if (restarts && def.restartPolicy?.restartAttemptPeriod !== undefined) {
    ignored.push({
      path: containerPath(i, 'restartPolicy', 'restartAttemptPeriod'),
      reason: 'not honoured: Kubernetes restarts with its own exponential back-off',
    });
  }
}
