import { TASK_DEFINITION_KIND } from '../api/taskdefinition.js';
import { admissionErrors, type ImportedFrom } from './admission.js';
import type { Finding, Message } from './findings.js';
import { ANNOTATION_ORIGINAL_NAME } from './names.js';
import { ecsDocumentsIn, type EcsDocument } from './recognise.js';
import type { ImportedResource, ImportOptions } from './resource.js';
import { serviceFromEcs } from './service.js';
import { taskDefinitionFromEcs } from './taskdefinition.js';
import { parseJsonOrYaml } from './text.js';

// `berth import` without the I/O: ECS JSON texts in, custom resources and messages out.

export interface ImportInput {
  /** How messages name the input: the path as given, or "<stdin>". */
  file: string;
  text: string;
}

export interface ImportResult {
  /** Every resource, in input order; empty when there is any error, so nothing is half-imported. */
  resources: ImportedResource[];
  /** Warnings and errors, in input order. */
  messages: Message[];
}

export function importEcs(inputs: readonly ImportInput[], options: ImportOptions = {}): ImportResult {
  const messages: Message[] = [];
  const report = (file: string, severity: Message['severity'], findings: readonly Finding[]) => {
    for (const f of findings) messages.push({ severity, file, ...f });
  };

  const found: { file: string; document: EcsDocument }[] = [];
  for (const { file, text } of inputs) {
    let json: unknown;
    try {
      json = parseJsonOrYaml(text);
    } catch (err) {
      report(file, 'error', [{ path: '', message: `not valid JSON or YAML: ${(err as Error).message}` }]);
      continue;
    }
    const documents = ecsDocumentsIn(json);
    report(file, 'error', documents.errors);
    for (const document of documents.value ?? []) found.push({ file, document });
  }
  if (options.name !== undefined && found.length > 1) {
    report('', 'error', [{ path: '', message: `--name names one resource, but the input holds ${found.length}` }]);
  }
  if (messages.length > 0) return { resources: [], messages };

  const resources: ImportedResource[] = [];
  const admitted: ImportedFrom[] = [];
  for (const { file, document } of found) {
    const converted =
      document.kind === TASK_DEFINITION_KIND
        ? taskDefinitionFromEcs(document.json, options)
        : serviceFromEcs(document.json, document.base, options);
    report(file, 'warning', converted.warnings);
    report(file, 'error', converted.errors);
    if (converted.value) {
      const clash = collision(resources, converted.value);
      if (clash) report(file, 'error', [{ path: '', message: clash }]);
      resources.push(converted.value);
      admitted.push({ file, base: document.base, resource: converted.value });
    }
  }
  if (!messages.some((m) => m.severity === 'error')) messages.push(...admissionErrors(admitted));
  const failed = messages.some((m) => m.severity === 'error');
  return { resources: failed ? [] : resources, messages };
}

function ecsNameOf(r: ImportedResource): string {
  return r.metadata.annotations?.[ANNOTATION_ORIGINAL_NAME] ?? r.metadata.name;
}

/**
 * Two inputs with the same ECS name are two revisions of one task definition (or two versions of
 * one service) and may both be applied; two different ECS names that the name rule makes one
 * would overwrite each other.
 */
function collision(earlier: readonly ImportedResource[], r: ImportedResource): string | undefined {
  const other = earlier.find(
    (e) => e.kind === r.kind && e.metadata.namespace === r.metadata.namespace && e.metadata.name === r.metadata.name && ecsNameOf(e) !== ecsNameOf(r),
  );
  if (other === undefined) return undefined;
  return `"${ecsNameOf(r)}" and "${ecsNameOf(other)}" both become ${r.kind} "${r.metadata.name}"; import them separately with --name`;
}
