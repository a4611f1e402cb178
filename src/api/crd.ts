import type { z } from 'zod';
import { FARGATE_PROFILE_IMMUTABLE, FARGATE_PROFILE_KIND, FargateProfileSpec, FargateProfileStatus } from './fargateprofile.js';
import { GROUP, VERSION } from './resource.js';
import { celValidations, type Rule } from './rules.js';
import { SERVICE_KIND, ServiceSpec, ServiceStatus, serviceRootRules } from './service.js';
import { toStructuralSchema, type JsonSchema } from './structural.js';
import { TASK_DEFINITION_KIND, TaskDefinitionSpec, TaskDefinitionStatus, taskDefinitionRootRules } from './taskdefinition.js';

// The three CustomResourceDefinitions, computed from the zod schemas. `berth gen-crds` writes
// them to crds/; a test fails when crds/ and this function disagree.

export interface PrinterColumn {
  name: string;
  type: 'integer' | 'number' | 'string' | 'boolean' | 'date';
  jsonPath: string;
  description: string;
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames: string[]; categories: string[] };
    scope: 'Namespaced' | 'Cluster';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: Record<string, never>; scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath: string } };
      additionalPrinterColumns: PrinterColumn[];
      schema: { openAPIV3Schema: JsonSchema };
    }[];
  };
}

interface KindDefinition {
  kind: string;
  plural: string;
  shortNames: string[];
  scope: 'Namespaced' | 'Cluster';
  description: string;
  spec: z.ZodType;
  status: z.ZodType;
  rootRules: readonly Rule<never>[];
  /** CEL on spec that zod cannot check (transition rules). */
  specTransitionRules?: { rule: string; message: string }[];
  columns: PrinterColumn[];
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath: string };
}

const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since the object was created.' };

const KINDS: KindDefinition[] = [
  {
    kind: TASK_DEFINITION_KIND,
    plural: 'taskdefinitions',
    shortNames: ['td', 'taskdef'],
    scope: 'Namespaced',
    description:
      'An ECS task definition: the containers of a task and how they run. The name is the family; every change of the spec registers a new immutable revision, which Services reference as family or family:revision.',
    spec: TaskDefinitionSpec,
    status: TaskDefinitionStatus,
    rootRules: taskDefinitionRootRules as readonly Rule<never>[],
    columns: [
      { name: 'Revision', type: 'integer', jsonPath: '.status.revision', description: 'The latest revision.' },
      { name: 'CPU', type: 'string', jsonPath: '.spec.cpu', description: 'Task CPU.' },
      { name: 'Memory', type: 'string', jsonPath: '.spec.memory', description: 'Task memory.' },
      { name: 'Compatibilities', type: 'string', jsonPath: '.spec.requiresCompatibilities', description: 'Launch types the task definition is validated for.' },
      AGE,
    ],
  },
  {
    kind: SERVICE_KIND,
    plural: 'services',
    shortNames: ['ecssvc', 'esvc'],
    scope: 'Namespaced',
    description:
      'An ECS service: keeps desiredCount tasks of a TaskDefinition running (REPLICA, a Deployment) or one per node (DAEMON, a DaemonSet), rolling out new revisions with ECS deployment semantics.',
    spec: ServiceSpec,
    status: ServiceStatus,
    rootRules: serviceRootRules as readonly Rule<never>[],
    columns: [
      { name: 'TaskDef', type: 'string', jsonPath: '.status.taskDefinition', description: 'The revision of the primary deployment.' },
      { name: 'Desired', type: 'integer', jsonPath: '.status.desiredCount', description: 'Tasks the service should run.' },
      { name: 'Running', type: 'integer', jsonPath: '.status.runningCount', description: 'Tasks that are RUNNING.' },
      { name: 'Pending', type: 'integer', jsonPath: '.status.pendingCount', description: 'Tasks that are PENDING.' },
      { name: 'Rollout', type: 'string', jsonPath: '.status.deployments[?(@.status=="PRIMARY")].rolloutState', description: 'The rollout state of the primary deployment.' },
      AGE,
    ],
    scale: { specReplicasPath: '.spec.desiredCount', statusReplicasPath: '.status.runningCount', labelSelectorPath: '.status.selector' },
  },
  {
    kind: FARGATE_PROFILE_KIND,
    plural: 'fargateprofiles',
    shortNames: ['fp'],
    scope: 'Cluster',
    description:
      'An EKS-style Fargate profile: pods in the selected namespaces (and with the selected labels) run in an isolated runtime class on a dedicated node pool, sized to the Fargate table. Immutable.',
    spec: FargateProfileSpec,
    status: FargateProfileStatus,
    rootRules: [],
    specTransitionRules: [FARGATE_PROFILE_IMMUTABLE],
    columns: [
      { name: 'Selectors', type: 'string', jsonPath: '.spec.selectors[*].namespace', description: 'Namespaces the profile selects.' },
      { name: 'RuntimeClass', type: 'string', jsonPath: '.spec.runtimeClassName', description: 'The runtime class given to selected pods.' },
      AGE,
    ],
  },
];

/** The plural names of Berth's kinds, as API paths and webhook rules name them. */
export const BERTH_PLURALS: readonly string[] = KINDS.map((k) => k.plural);

function rootSchema(def: KindDefinition): JsonSchema {
  const spec = toStructuralSchema(def.spec);
  if (def.specTransitionRules) {
    const existing = (spec['x-kubernetes-validations'] as unknown[] | undefined) ?? [];
    spec['x-kubernetes-validations'] = [...existing, ...def.specTransitionRules];
  }
  const root: JsonSchema = {
    type: 'object',
    description: def.description,
    properties: {
      apiVersion: { type: 'string', description: `The versioned schema of this object: ${GROUP}/${VERSION}.` },
      kind: { type: 'string', description: `The kind of this object: ${def.kind}.` },
      // The apiserver owns metadata's schema and refuses anything here but the type.
      metadata: { type: 'object' },
      spec,
      status: toStructuralSchema(def.status),
    },
    required: ['spec'],
  };
  if (def.rootRules.length > 0) root['x-kubernetes-validations'] = celValidations(def.rootRules);
  return root;
}

function crdOf(def: KindDefinition): CustomResourceDefinition {
  const singular = def.kind.toLowerCase();
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${GROUP}`, labels: { 'app.kubernetes.io/name': 'berth', 'app.kubernetes.io/part-of': 'berth' } },
    spec: {
      group: GROUP,
      names: { kind: def.kind, listKind: `${def.kind}List`, plural: def.plural, singular, shortNames: def.shortNames, categories: ['ecs'] },
      scope: def.scope,
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: def.scale ? { status: {}, scale: def.scale } : { status: {} },
          additionalPrinterColumns: def.columns,
          schema: { openAPIV3Schema: rootSchema(def) },
        },
      ],
    },
  };
}

/** The CRDs of Berth's three kinds, in a fixed order. */
export function customResourceDefinitions(): CustomResourceDefinition[] {
  return KINDS.map(crdOf);
}
