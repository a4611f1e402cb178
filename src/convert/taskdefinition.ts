import { ecsOutputAnnotation, TASK_DEFINITION_FIELDS } from '../api/ecs-fields.js';
import { UnsafeJson } from '../api/ecsjson.js';
import type { Path } from '../api/rules.js';
import { TASK_DEFINITION_KIND, TaskDefinitionSpec } from '../api/taskdefinition.js';
import { normaliseTaskDefinitionJson, NotATaskDefinition } from '../render/ecs-input.js';
import { RenderError } from '../render/findings.js';
import { renderPodTemplate } from '../render/podtemplate.js';
import { rebase, schemaErrors, type Conversion } from './findings.js';
import { TASK_DEFINITION_NAME_MAX } from './names.js';
import { importedResource, nameResource, type ImportedResource, type ImportOptions } from './resource.js';
import { isObject } from '../api/json.js';

// ECS task definition JSON → TaskDefinition. The spec is the RegisterTaskDefinition input as
// written; the pod template is rendered only to learn which fields Berth does not honour. The
// output-only fields of describe-task-definition are kept in annotation ecs.berth.dev/ecs-output.


/**
 * A TaskDefinition from register-task-definition input or describe-task-definition output
 * (wrapped in {"taskDefinition": …} or not). Errors carry the schema's and the renderer's
 * messages; warnings list what Berth will not honour.
 */
export function taskDefinitionFromEcs(json: unknown, options: ImportOptions): Conversion<ImportedResource> {
  const base: Path = isObject(json) && isObject(json.taskDefinition) ? ['$', 'taskDefinition'] : ['$'];
  const out: Conversion<ImportedResource> = { warnings: [], errors: [] };

  let spec: Record<string, unknown>;
  try {
    spec = normaliseTaskDefinitionJson(json).spec;
  } catch (err) {
    if (err instanceof UnsafeJson) out.errors.push({ path: err.problem.path, message: err.problem.detail });
    else if (err instanceof NotATaskDefinition) out.errors.push({ path: '', message: err.message });
    else throw err;
    return out;
  }

  const parsed = TaskDefinitionSpec.safeParse(spec);
  if (!parsed.success) {
    out.errors.push(...schemaErrors(parsed.error.issues, base));
  }
  const naming = nameResource(TASK_DEFINITION_KIND, spec, 'family', base, TASK_DEFINITION_NAME_MAX, options);
  out.errors.push(...naming.errors);
  if (!parsed.success || naming.name === undefined) return out;
  out.warnings.push(...naming.warnings);

  try {
    const { ignored } = renderPodTemplate({ family: naming.name, revision: 1, spec: parsed.data });
    out.warnings.push(...ignored.map((f) => ({ path: rebase(f.path, base), message: f.reason })));
  } catch (err) {
    if (!(err instanceof RenderError)) throw err;
    out.errors.push({ path: rebase(err.path, base), message: err.detail });
    return out;
  }

  if (!naming.keepEcsName) delete spec.family;
  const body = base.length === 2 ? (json as { taskDefinition: Record<string, unknown> }).taskDefinition : (json as Record<string, unknown>);
  out.value = importedResource(TASK_DEFINITION_KIND, naming.name, options, { ...naming.annotations, ...ecsOutputAnnotation(body, TASK_DEFINITION_FIELDS) }, spec);
  return out;
}
