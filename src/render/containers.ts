import { isEssential, type ContainerDefinition } from '../api/container.js';
import type { Container, ResourceRequirements, VolumeMount } from '../api/kube.js';
import type { TaskDefinitionSpec } from '../api/taskdefinition.js';
import type { ContainerRole } from './dependencies.js';
import { containerPath, RenderError, type IgnoredField } from './findings.js';
import { dnsName } from './names.js';
import { renderPorts } from './ports.js';
import { renderProbes } from './probes.js';
import { renderRestartRules } from './restarts.js';
import { renderEnv } from './secrets.js';
import { renderSecurityContext } from './security.js';

type NetworkMode = NonNullable<TaskDefinitionSpec['networkMode']>;

/**
 * Kubernetes container names, by container definition index: the ECS name through dnsName
 * (lowercase, "_" and other characters become "-"). Two ECS names that give the same
 * Kubernetes name are refused.
 */
export function containerNames(defs: readonly Pick<ContainerDefinition, 'name'>[]): string[] {
  const names = defs.map((d) => dnsName(d.name));
  names.forEach((name, i) => {
    const first = names.indexOf(name);
    if (first < i) {
      throw new RenderError(containerPath(i, 'name'), `"${defs[i].name}" and "${defs[first].name}" both become container "${name}"`);
    }
  });
  return names;
}

export interface ContainerContext {
  name: string;
  role: ContainerRole;
  gated: boolean;
  mode: NetworkMode;
  windows: boolean;
  resources: ResourceRequirements;
  mounts: VolumeMount[];
  /** The cluster serves per-container restart rules (Kubernetes 1.35+). */
  restartRules: boolean;
}

export function renderContainer(def: ContainerDefinition, i: number, ctx: ContainerContext, ignored: IgnoredField[]): Container {
  if (!def.image) throw new RenderError(containerPath(i, 'image'), 'the image must not be empty');
  const c: Container = { name: ctx.name, image: def.image };
  Object.assign(c, commandOf(def, i, ignored));
  if (def.workingDirectory) c.workingDir = def.workingDirectory;

  const ports = renderPorts(def, i, ctx.mode, ignored);
  if (ports.length > 0) c.ports = ports;
  const env = renderEnv(def, i, ignored);
  if (env.length > 0) c.env = env;
  if (ctx.resources.limits || ctx.resources.requests) c.resources = ctx.resources;
  if (ctx.mounts.length > 0) c.volumeMounts = ctx.mounts;

  // Run-to-completion init containers may not have probes; their exit is what others wait for.
  if (ctx.role !== 'init') {
    const probes = renderProbes(
      def.healthCheck,
      { essential: isEssential(def), gated: ctx.gated, windows: ctx.windows, path: containerPath(i, 'healthCheck') },
      ignored,
    );
    Object.assign(c, probes);
  }
  if (ctx.role === 'sidecar') c.restartPolicy = 'Always';
  Object.assign(c, renderRestartRules(def, i, ctx.role, ctx.restartRules, ignored));

  const securityContext = renderSecurityContext(def, i, ignored);
  if (securityContext) c.securityContext = securityContext;
  if (def.interactive) c.stdin = true;
  if (def.pseudoTerminal) c.tty = true;
  return c;
}

// Docker ENTRYPOINT is the Kubernetes command and CMD its args. An entryPoint of [""] clears
// the image's ENTRYPOINT, so the ECS command is then the whole command line.
function commandOf(def: ContainerDefinition, i: number, ignored: IgnoredField[]): Pick<Container, 'command' | 'args'> {
  const entryPoint = def.entryPoint ?? [];
  const command = def.command ?? [];
  const clearsEntryPoint = entryPoint.length > 0 && entryPoint.every((e) => e === '');
  if (clearsEntryPoint) {
    if (command.length > 0) return { command: [...command] };
    ignored.push({
      path: containerPath(i, 'entryPoint'),
      reason: "not honoured: clearing the image's entry point without a command has no Kubernetes equivalent; the image's entry point runs",
    });
    return {};
  }
  const out: Pick<Container, 'command' | 'args'> = {};
  if (entryPoint.length > 0) out.command = [...entryPoint];
  if (command.length > 0) out.args = [...command];
  return out;
}
