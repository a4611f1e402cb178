import { ecsOutputAnnotation, SERVICE_FIELDS } from '../api/ecs-fields.js';
import { serviceSpecFromEcs, unsafeJsonAt } from '../api/ecsjson.js';
import type { Path } from '../api/rules.js';
import { SERVICE_KIND, ServiceSpec } from '../api/service.js';
import { parseTaskDefinitionRef } from '../api/values.js';
import { sortByPath } from '../render/podtemplate.js';
import { jsonPath, rebase, schemaErrors, type Conversion, type Finding } from './findings.js';
import { ANNOTATION_ORIGINAL_TASK_DEFINITION, SERVICE_NAME_MAX, taskDefinitionReference } from './names.js';
import { importedResource, nameResource, type ImportedResource, type ImportOptions } from './resource.js';
import { serviceFindings } from './service-findings.js';
import { isObject } from '../api/json.js';

// ECS service JSON → Service: create-service input, or one service of describe-services output,
// whose output-only fields (deployments, events, ARNs…) are kept in annotation ecs.berth.dev/ecs-output.

/** A Service from one ECS service object found at `base` of its file. */
export function serviceFromEcs(json: Record<string, unknown>, base: Path, options: ImportOptions): Conversion<ImportedResource> {
  const out: Conversion<ImportedResource> = { warnings: [], errors: [] };
  const unsafe = unsafeJsonAt(json, base);
  if (unsafe) {
    out.errors.push({ path: unsafe.path, message: unsafe.detail });
    return out;
  }
  const { spec } = serviceSpecFromEcs(json);
  const hadCluster = spec.cluster !== undefined;
  delete spec.cluster;

  const parsed = ServiceSpec.safeParse(spec);
  if (!parsed.success) out.errors.push(...schemaErrors(parsed.error.issues, base));
  const naming = nameResource(SERVICE_KIND, spec, 'serviceName', base, SERVICE_NAME_MAX, options);
  out.errors.push(...naming.errors);
  if (!parsed.success || naming.name === undefined) return out;

  if (hadCluster) {
    out.warnings.push({ path: jsonPath(base, 'cluster'), message: 'dropped: the namespace plays the part of the ECS cluster (choose it with --namespace)' });
  }
  out.warnings.push(...naming.warnings);
  const reference = referenceTaskDefinition(parsed.data.taskDefinition, jsonPath(base, 'taskDefinition'));
  spec.taskDefinition = reference.taskDefinition;
  out.warnings.push(...reference.warnings);
  out.warnings.push(...sortByPath(serviceFindings(parsed.data)).map((f) => ({ path: rebase(f.path, base), message: f.reason })));

  if (!naming.keepEcsName) delete spec.serviceName;
  const body = isObject(json.service) && Object.keys(json).length === 1 ? json.service : json;
  const annotations = { ...naming.annotations, ...reference.annotations, ...ecsOutputAnnotation(body, SERVICE_FIELDS) };
  out.value = importedResource(SERVICE_KIND, naming.name, options, annotations, spec);
  return out;
}

/** The taskDefinition as Berth resolves it, with the reference as written kept when it changes. */
function referenceTaskDefinition(written: string, at: string): { taskDefinition: string; annotations: Record<string, string>; warnings: Finding[] } {
  const taskDefinition = taskDefinitionReference(written);
  const annotations: Record<string, string> = {};
  const warnings: Finding[] = [];
  if (taskDefinition !== written) {
    annotations[ANNOTATION_ORIGINAL_TASK_DEFINITION] = written;
    warnings.push({
      path: at,
      message: `rewritten: "${taskDefinition}", the TaskDefinition in the Service's namespace; "${written}" is kept in annotation ${ANNOTATION_ORIGINAL_TASK_DEFINITION}`,
    });
  }
  const { family, revision } = parseTaskDefinitionRef(taskDefinition);
  if (revision !== undefined) {
    warnings.push({
      path: at,
      message: `pins revision ${revision} as numbered by ECS: Berth numbers the revisions it registers from 1; "${family}" runs the latest revision`,
    });
  }
  return { taskDefinition, annotations, warnings };
}

