import type { ServiceSpec } from '../api/service.js';
import { SERVICE_KIND, schedulingStrategyOf, serviceNameOf } from '../api/service.js';
import type { TaskDefinitionSpec } from '../api/taskdefinition.js';
import { TASK_DEFINITION_KIND } from '../api/taskdefinition.js';
import { validateResource } from '../api/validate.js';
import { compileConstraints, locate } from '../placement/constraints.js';
import { renderPlacement } from '../placement/placement.js';
import { RenderError } from '../render/findings.js';
import { renderPodTemplate } from '../render/podtemplate.js';
import { inactiveRevisionMessage, parseTaskDefinitionRef, type TaskDefinitionRef } from '../render/taskdefinition/revisions.js';
import { checkCompatibility } from './compatibility.js';

// What ECS refuses at its API (RegisterTaskDefinition, CreateService, UpdateService, EKS
// CreateFargateProfile) and the CRD's CEL rules cannot express: the whole schema with every rule
// at any size (dependsOn cycles of any length), the renderer's cross-field checks, the placement
// query language with the column of a syntax error, a FARGATE Service naming a task definition
// that does not list FARGATE, and a Service pinning a deregistered revision. The admission
// webhook and `berth import` both ask here, so both refuse the same objects with the same words;
// the controllers keep their own checks.

/** One reason to refuse: the field (`spec.placementConstraints[0].expression`) and the rule. */
export interface AdmissionFinding {
  /** A path into the object, starting with `spec` or `metadata`; empty when the message names it. */
  path: string;
  message: string;
}

/** ECS's exception for each kind: RegisterTaskDefinition says ClientException, the others InvalidParameterException. */
export type EcsException = 'ClientException' | 'InvalidParameterException';

export type AdmissionVerdict = { allowed: true } | { allowed: false; exception: EcsException; findings: AdmissionFinding[] };

/** A task definition as far as a Service's check needs it. */
export interface KnownTaskDefinition {
  /** How messages name it: `family` or `family:revision`. */
  label: string;
  spec: Pick<TaskDefinitionSpec, 'requiresCompatibilities'>;
  /** A pinned revision that was deregistered. */
  inactive?: boolean;
}

export interface AdmissionContext {
  /**
   * The task definition a Service names, in the Service's namespace, or undefined when it is not
   * known (yet). Unknown is not refused: files are applied in any order, and the controller
   * reports a Service whose task definition never appears.
   */
  taskDefinition?(namespace: string, ref: TaskDefinitionRef): KnownTaskDefinition | undefined;
}

/** Checks a TaskDefinition, Service or FargateProfile object as ECS would check its API call. */
export function admitResource(object: unknown, context: AdmissionContext = {}): AdmissionVerdict {
  const kind = (object as { kind?: unknown } | null)?.kind;
  const exception: EcsException = kind === TASK_DEFINITION_KIND ? 'ClientException' : 'InvalidParameterException';
  const findings = findingsOf(object, context);
  return findings.length === 0 ? { allowed: true } : { allowed: false, exception, findings };
}

/**
 * The refusal as one line, `InvalidParameterException: spec.x: rule; spec.y, spec.z: other rule`:
 * the fields that break one rule (every container on a dependsOn cycle) are named together.
 */
export function admissionMessage(verdict: Extract<AdmissionVerdict, { allowed: false }>): string {
  const byRule = new Map<string, string[]>();
  for (const f of verdict.findings) byRule.set(f.message, [...(byRule.get(f.message) ?? []), ...(f.path ? [f.path] : [])]);
  const parts = [...byRule].map(([message, paths]) => formatFinding({ path: paths.join(', '), message }));
  return `${verdict.exception}: ${parts.join('; ')}`;
}

export function formatFinding(f: AdmissionFinding): string {
  return f.path === '' ? f.message : `${f.path}: ${f.message}`;
}

function findingsOf(object: unknown, context: AdmissionContext): AdmissionFinding[] {
  const valid = validateResource(object);
  if (!valid.ok) return valid.errors.map(schemaFinding);
  const resource = valid.value as { kind: string; metadata: { name: string; namespace?: string }; spec: unknown };
  if (resource.kind === TASK_DEFINITION_KIND) return taskDefinitionFindings(resource.metadata.name, resource.spec as TaskDefinitionSpec);
  if (resource.kind === SERVICE_KIND) return serviceFindings(resource as ServiceObject, context);
  return [];
}

// The schema's messages start with the field they are about (`spec.desiredCount: Too small …`).
function schemaFinding(line: string): AdmissionFinding {
  const match = /^((?:spec|metadata)[\w.[\]-]*): (.*)$/s.exec(line);
  return match ? { path: match[1], message: match[2] } : { path: '', message: line };
}

// The renderer refuses what ECS itself would not register (dependsOn order and cycles, reserved
// resources, clashing names...); asking it here is asking the same code the controller asks.
function taskDefinitionFindings(family: string, spec: TaskDefinitionSpec): AdmissionFinding[] {
  const findings: AdmissionFinding[] = [];
  try {
    renderPodTemplate({ family, revision: 1, spec });
  } catch (err) {
    if (!(err instanceof RenderError)) throw err;
    findings.push({ path: `spec${err.path.slice(1)}`, message: err.detail });
  }
  const constraints = compileConstraints(locate(spec.placementConstraints, 'spec.placementConstraints'), { taskGroup: `family:${family}` });
  if (!constraints.ok) findings.push(...constraints.errors);
  return findings;
}

interface ServiceObject {
  metadata: { name: string; namespace?: string };
  spec: ServiceSpec;
  status?: { taskDefinition?: string };
}

function serviceFindings(svc: ServiceObject, context: AdmissionContext): AdmissionFinding[] {
  const { spec } = svc;
  // Placement is checked whatever the launch type, with no node labels: the syntax, the
  // operators and the regular expressions, never a match against the cluster's nodes.
  const placement = renderPlacement({
    serviceName: serviceNameOf(svc),
    schedulingStrategy: schedulingStrategyOf(spec),
    placementConstraints: spec.placementConstraints,
    placementStrategy: spec.placementStrategy,
  });
  const findings: AdmissionFinding[] = placement.ok ? [] : [...placement.errors];

  const ref = parseTaskDefinitionRef(spec.taskDefinition ?? '');
  const known = ref ? context.taskDefinition?.(svc.metadata.namespace ?? 'default', ref) : undefined;
  if (known) {
    // ECS lets a service keep the INACTIVE revision it already runs, and refuses it to any other.
    if (known.inactive && svc.status?.taskDefinition !== known.label) findings.push({ path: 'spec.taskDefinition', message: inactiveRevisionMessage(known.label) });
    const compatible = checkCompatibility(spec, known.spec, known.label);
    if (!compatible.ok) findings.push({ path: 'spec.taskDefinition', message: compatible.message });
  }
  return findings;
}
