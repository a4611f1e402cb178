import { reportedFields, TASK_DEFINITION_FIELDS } from '../api/ecs-fields.js';
import type { TaskDefinitionSpec } from '../api/taskdefinition.js';
import type { IgnoredField } from './findings.js';

// ECS fields with no Kubernetes counterpart that the other renderers do not already report: the
// fields src/api/ecs-fields.ts reports with a reason of its own. Each becomes a finding with its
// path, so users see exactly what does not carry over.

export function noteUnhonoured(spec: TaskDefinitionSpec, ignored: IgnoredField[]): void {
  for (const { path, reason } of reportedFields(spec, TASK_DEFINITION_FIELDS)) ignored.push({ path, reason });
}
