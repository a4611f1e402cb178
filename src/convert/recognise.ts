import { SERVICE_OUTPUT_FIELDS } from '../api/ecsjson.js';
import type { Path } from '../api/rules.js';
import { SERVICE_KIND, ServiceSpecFields } from '../api/service.js';
import { TASK_DEFINITION_KIND, TaskDefinitionSpecFields } from '../api/taskdefinition.js';
import type { Conversion } from './findings.js';
import type { ImportedKind } from './resource.js';
import { isObject } from '../api/json.js';

// Which ECS JSON a file holds. Files do not say, so the shape decides: a task definition has
// containerDefinitions; describe-services output has services; create-service input has fields
// only a service has. Schemas supply those field names, so a new CreateService field counts too.

/** One ECS object of a file, at `base`: a task definition (the whole file) or one service. */
export interface EcsDocument {
  kind: ImportedKind;
  json: Record<string, unknown>;
  base: Path;
}

const SERVICE_FIELDS: ReadonlySet<string> = new Set([
  ...Object.keys(ServiceSpecFields.shape).filter((key) => !(key in TaskDefinitionSpecFields.shape)),
  ...SERVICE_OUTPUT_FIELDS,
]);


const WHAT_IS_KNOWN =
  'expected register-task-definition input or describe-task-definition output (with containerDefinitions), ' +
  'create-service input (with serviceName and taskDefinition) or describe-services output (with services)';

export function ecsDocumentsIn(json: unknown): Conversion<EcsDocument[]> {
  const fail = (path: string, message: string): Conversion<EcsDocument[]> => ({ warnings: [], errors: [{ path, message }] });
  if (!isObject(json)) return fail('$', `not a JSON object: ${WHAT_IS_KNOWN}`);
  if (typeof json.apiVersion === 'string' && typeof json.kind === 'string') {
    return fail('$', `this is a Kubernetes ${json.kind}, not ECS JSON: apply it with kubectl, or turn it into ECS JSON with berth export`);
  }
  if (isObject(json.taskDefinition) || 'containerDefinitions' in json) {
    return { value: [{ kind: TASK_DEFINITION_KIND, json, base: ['$'] }], warnings: [], errors: [] };
  }
  if (Array.isArray(json.services)) {
    if (json.services.length === 0) return fail('$.services', 'describe-services found no services in this output');
    const documents: EcsDocument[] = [];
    const errors = [];
    for (const [i, service] of json.services.entries()) {
      if (isObject(service)) documents.push({ kind: SERVICE_KIND, json: service, base: ['$', 'services', i] });
      else errors.push({ path: `$.services[${i}]`, message: 'a service must be a JSON object' });
    }
    return errors.length > 0 ? { warnings: [], errors } : { value: documents, warnings: [], errors: [] };
  }
  // create-service and update-service answer with {"service": {…}}.
  if (isObject(json.service) && Object.keys(json).length === 1) {
    return { value: [{ kind: SERVICE_KIND, json: json.service, base: ['$', 'service'] }], warnings: [], errors: [] };
  }
  if (Object.keys(json).some((key) => SERVICE_FIELDS.has(key))) {
    return { value: [{ kind: SERVICE_KIND, json, base: ['$'] }], warnings: [], errors: [] };
  }
  return fail('$', `not ECS JSON Berth knows: ${WHAT_IS_KNOWN}`);
}
