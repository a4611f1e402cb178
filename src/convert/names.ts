import { parseTaskDefinitionRef } from '../api/values.js';
import { dnsName } from '../render/names.js';

// ECS names (family, serviceName) allow capitals and underscores; Kubernetes object names do
// not. A TaskDefinition is named after its family and a Service after its serviceName, so both
// go through one rule here, and so does the family inside a Service's taskDefinition reference,
// so that an imported Service still finds its imported TaskDefinition. README.md documents it.

/** The ECS name as written, kept when it had to change to become metadata.name. */
export const ANNOTATION_ORIGINAL_NAME = 'ecs.berth.dev/original-name';
/** A Service's taskDefinition as written, kept when import rewrote it. */
export const ANNOTATION_ORIGINAL_TASK_DEFINITION = 'ecs.berth.dev/original-task-definition';

/** The longest name a custom resource may have. */
export const TASK_DEFINITION_NAME_MAX = 253;
/**
 * A Service's children are named after it, the Kubernetes Service too, whose name stops at 63;
 * within 63 they all carry the Service's own name.
 */
export const SERVICE_NAME_MAX = 63;

const KUBERNETES_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Lowercase letters, digits and "-", starting and ending with a letter or digit, at most `maxLength` long. */
export function isKubernetesName(value: string, maxLength: number): boolean {
  return value.length <= maxLength && KUBERNETES_NAME.test(value);
}

/**
 * The metadata.name for an ECS name: the name itself when it is already a Kubernetes name;
 * otherwise lowercased, "_" (and anything else outside a-z, 0-9, "-") made "-", runs of "-"
 * made one, leading and trailing "-" dropped, and a result longer than `maxLength` cut, with
 * "-<8 hex digits of the SHA-256 of the ECS name>" at the end.
 */
export function kubernetesName(ecsName: string, maxLength: number): string {
  return isKubernetesName(ecsName, maxLength) ? ecsName : dnsName(ecsName, maxLength);
}

/**
 * A Service's taskDefinition as Berth resolves it in the Service's namespace: "family" or
 * "family:revision", the family through the name rule; an ARN gives its family and revision.
 */
export function taskDefinitionReference(ref: string): string {
  const { family, revision } = parseTaskDefinitionRef(ref);
  const name = kubernetesName(family, TASK_DEFINITION_NAME_MAX);
  return revision === undefined ? name : `${name}:${revision}`;
}
