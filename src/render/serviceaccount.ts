import type { ServiceAccount } from '../api/kube.js';
import type { TaskDefinitionSpec } from '../api/taskdefinition.js';
import { LABEL_MANAGED_BY, MANAGED_BY } from './labels.js';
import { dnsName } from './names.js';

// A task role is what the containers' AWS SDKs authenticate as. On Kubernetes that is the
// pod's ServiceAccount, annotated for IAM Roles for Service Accounts (IRSA) on EKS. Berth keeps
// one ServiceAccount per role and namespace, named after the role, so revisions and families
// that use the same role share it, and a revision keeps its role when a later one changes it.

export const ANNOTATION_IRSA_ROLE = 'eks.amazonaws.com/role-arn';
/** The taskRoleArn as written, also when it is a bare role name rather than an ARN. */
export const ANNOTATION_TASK_ROLE = 'ecs.berth.dev/task-role-arn';
export const SERVICE_ACCOUNT_PREFIX = 'task-role-';

type RoleFields = Pick<TaskDefinitionSpec, 'taskRoleArn' | 'kubernetes'>;

/**
 * The ServiceAccount the pods run as: spec.kubernetes.serviceAccountName when set; otherwise
 * `task-role-<role name>` for a taskRoleArn (the part after the last "/" of the ARN, or the bare
 * name, through dnsName); otherwise none (the namespace's default).
 */
export function serviceAccountNameFor(spec: RoleFields): string | undefined {
  if (spec.kubernetes?.serviceAccountName) return spec.kubernetes.serviceAccountName;
  const role = spec.taskRoleArn?.trim();
  if (!role) return undefined;
  const roleName = role.slice(role.lastIndexOf('/') + 1) || role;
  return SERVICE_ACCOUNT_PREFIX + dnsName(roleName, 253 - SERVICE_ACCOUNT_PREFIX.length);
}

/**
 * The ServiceAccount Berth manages for a task role, or undefined when the spec names its own
 * ServiceAccount or has no task role. Only a full ARN gets the IRSA annotation.
 */
export function renderServiceAccount(spec: RoleFields, namespace?: string): ServiceAccount | undefined {
  if (spec.kubernetes?.serviceAccountName) return undefined;
  const name = serviceAccountNameFor(spec);
  const role = spec.taskRoleArn?.trim();
  if (!name || !role) return undefined;
  const annotations: Record<string, string> = { [ANNOTATION_TASK_ROLE]: role };
  if (role.startsWith('arn:')) annotations[ANNOTATION_IRSA_ROLE] = role;
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name,
      ...(namespace === undefined ? {} : { namespace }),
      labels: { [LABEL_MANAGED_BY]: MANAGED_BY },
      annotations,
    },
  };
}
