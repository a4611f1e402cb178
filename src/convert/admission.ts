import type { Path } from '../api/rules.js';
import { TASK_DEFINITION_KIND } from '../api/taskdefinition.js';
import { admitResource, type AdmissionContext } from '../ecs/admission.js';
import { rebase, type Message } from './findings.js';
import type { ImportedResource } from './resource.js';

// Import refuses what admission will refuse, with the same rule text: the resources an import
// made go through the admission check (src/ecs/admission.ts). Without a cluster, a Service's
// task definition is known only when the same import holds it (unpinned `family`: Berth numbers
// its own revisions, so an ECS revision number names nothing yet).

export interface ImportedFrom {
  file: string;
  /** Where the ECS object sits in its file: spec paths are JSON paths below it. */
  base: Path;
  resource: ImportedResource;
}

export function admissionErrors(imported: readonly ImportedFrom[]): Message[] {
  const context: AdmissionContext = {
    taskDefinition: (namespace, ref) => {
      if (ref.revision !== undefined) return undefined;
      const td = imported.find(
        ({ resource: r }) => r.kind === TASK_DEFINITION_KIND && r.metadata.name === ref.family && (r.metadata.namespace ?? 'default') === namespace,
      );
      return td && { label: ref.family, spec: td.resource.spec };
    },
  };
  return imported.flatMap(({ file, base, resource }) => {
    const verdict = admitResource(resource, context);
    if (verdict.allowed) return [];
    return verdict.findings.map((f): Message => ({
      severity: 'error',
      file,
      path: f.path.startsWith('spec') ? rebase(`$${f.path.slice('spec'.length)}`, base) : '',
      message: f.message,
    }));
  });
}
