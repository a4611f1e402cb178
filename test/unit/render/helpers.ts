import type { ContainerDefinition } from '../../../src/api/container.js';
import type { TaskDefinitionSpec } from '../../../src/api/taskdefinition.js';
import { renderPodTemplate, type PodTemplateRender, type RenderOptions } from '../../../src/render/podtemplate.js';

/** A container definition with just a name and an image, plus the given fields. */
export function container(name: string, fields: Partial<ContainerDefinition> = {}): ContainerDefinition {
  return { name, image: `example/${name}:1`, ...fields };
}

/** A task definition spec of the given containers (one "app" container by default). */
export function task(fields: Partial<TaskDefinitionSpec> = {}, ...containers: ContainerDefinition[]): TaskDefinitionSpec {
  return { containerDefinitions: containers.length > 0 ? containers : [container('app')], ...fields };
}

/** Revision 3 of family "web". */
export function render(spec: TaskDefinitionSpec, options?: RenderOptions): PodTemplateRender {
  return renderPodTemplate({ family: 'web', revision: 3, spec }, options);
}

/** The rendered container (regular or init) with the given Kubernetes name. */
export function containerNamed(out: PodTemplateRender, name: string) {
  const all = [...(out.template.spec.initContainers ?? []), ...out.template.spec.containers];
  const found = all.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name} in ${all.map((c) => c.name).join(', ')}`);
  return found;
}

/** The paths of the findings, for compact assertions. */
export function ignoredPaths(out: PodTemplateRender): string[] {
  return out.ignored.map((f) => f.path);
}
