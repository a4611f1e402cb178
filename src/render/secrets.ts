import type { ContainerDefinition } from '../api/container.js';
import type { EnvVar, LocalObjectReference } from '../api/kube.js';
import { containerPath, RenderError, type IgnoredField } from './findings.js';
import { dnsName } from './names.js';

// ECS reads secrets from Secrets Manager and SSM Parameter Store when a task starts; a pod reads
// them from Kubernetes Secrets in its namespace. Each ECS secret reference names one Kubernetes
// Secret and key by the rule below (SECRETS.md), so the Secrets can be created by hand, by the
// External Secrets Operator, or by any other sync, without Berth talking to AWS:
//
//   arn:…:secretsmanager:…:secret:NAME                    → Secret dns(NAME), key "value"
//   arn:…:secretsmanager:…:secret:NAME:KEY:STAGE:VERSION  → Secret dns(NAME), key KEY ("value" if empty)
//   arn:…:ssm:…:parameter/NAME, or a parameter name NAME  → Secret dns(NAME), key "value"
//   SECRET:KEY (not an ARN)                               → Secret SECRET, key KEY, as written
//
// dns(x): lowercase, every character other than a-z, 0-9 and "-" becomes "-", leading and
// trailing "-" dropped; over 253 characters, cut and suffixed with a hash of the original.

/** The key that holds a whole secret or parameter value. */
export const WHOLE_VALUE_KEY = 'value';

export interface SecretReference {
  secretName: string;
  key: string;
}

export interface ParsedSecretSource extends SecretReference {
  /** Why the reference is only partly honoured, if it is. */
  note?: string;
}

const SSM_PARAMETER_NAME = /^[A-Za-z0-9_.\-/]+$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** The Kubernetes Secret and key an ECS `valueFrom` (or credentialsParameter) refers to. */
export function parseSecretSource(valueFrom: string, path: string): ParsedSecretSource {
  const parts = valueFrom.split(':');
  if (parts[0] === 'arn' && parts[2] === 'secretsmanager' && parts[5] === 'secret' && parts.length >= 7) {
    const [name, jsonKey = '', stage = '', version = ''] = parts.slice(6);
    const ref = { secretName: dnsName(name, 253), key: jsonKey === '' ? WHOLE_VALUE_KEY : secretKey(jsonKey) };
    if (stage !== '' || version !== '') {
      return { ...ref, note: 'not honoured: the Kubernetes Secret holds one version; version-stage and version-id are ignored' };
    }
    return ref;
  }
  if (parts[0] === 'arn' && parts[2] === 'ssm' && parts.length >= 6 && parts[5].startsWith('parameter/')) {
    return { secretName: dnsName(parts.slice(5).join(':').slice('parameter/'.length), 253), key: WHOLE_VALUE_KEY };
  }
  if (parts[0] !== 'arn' && parts.length === 2) {
    const [secretName, key] = parts;
    if (!DNS_SUBDOMAIN.test(secretName) || secretName.length > 253) {
      throw new RenderError(path, `"${secretName}" is not a Kubernetes Secret name (lowercase letters, digits, "-" and ".")`);
    }
    if (!SECRET_KEY.test(key)) throw new RenderError(path, `"${key}" is not a Kubernetes Secret key (letters, digits, "-", "_" and ".")`);
    return { secretName, key };
  }
  const ref = { secretName: dnsName(valueFrom, 253), key: WHOLE_VALUE_KEY };
  if (SSM_PARAMETER_NAME.test(valueFrom)) return ref;
  return {
    ...ref,
    note: `approximated: not a Secrets Manager or SSM ARN, an SSM parameter name or "secret:key"; read as the parameter name, Secret "${ref.secretName}"`,
  };
}

// Secret keys allow letters, digits, "-", "_" and "."; JSON keys allow anything.
function secretKey(jsonKey: string): string {
  return jsonKey.replace(/[^-._a-zA-Z0-9]/g, '_');
}

/** environment, then secrets, in the order written. */
export function renderEnv(def: ContainerDefinition, i: number, ignored: IgnoredField[]): EnvVar[] {
  const env: { path: string; variable: EnvVar }[] = (def.environment ?? []).map((e, j) => ({
    path: containerPath(i, 'environment', j, 'name'),
    variable: e.value === undefined ? { name: e.name } : { name: e.name, value: e.value },
  }));
  (def.secrets ?? []).forEach((s, j) => {
    const path = containerPath(i, 'secrets', j, 'valueFrom');
    const parsed = parseSecretSource(s.valueFrom, path);
    if (parsed.note) ignored.push({ path, reason: parsed.note });
    env.push({ path: containerPath(i, 'secrets', j, 'name'), variable: { name: s.name, valueFrom: { secretKeyRef: { name: parsed.secretName, key: parsed.key } } } });
  });
  if (def.environmentFiles?.length) {
    ignored.push({
      path: containerPath(i, 'environmentFiles'),
      reason: 'not honoured: Berth cannot read S3; put the variables in environment or in a Secret',
    });
  }
  return lastOfEachName(env, ignored);
}

// A variable set twice has its last value in Docker, and a pod would too, but server-side apply
// keys env by name and refuses a list with a name twice: the earlier ones are left out.
function lastOfEachName(env: { path: string; variable: EnvVar }[], ignored: IgnoredField[]): EnvVar[] {
  const last = new Map(env.map((e, k) => [e.variable.name, k]));
  return env.flatMap((e, k) => {
    const winner = last.get(e.variable.name) ?? k;
    if (winner === k) return [e.variable];
    ignored.push({ path: e.path, reason: `not honoured: ${env[winner].path} sets "${e.variable.name}" again, and the last value wins` });
    return [];
  });
}

/** One imagePullSecret per distinct repositoryCredentials secret, in container order. */
export function renderImagePullSecrets(defs: readonly ContainerDefinition[]): LocalObjectReference[] {
  const names: string[] = [];
  defs.forEach((def, i) => {
    const parameter = def.repositoryCredentials?.credentialsParameter;
    if (!parameter) return;
    const { secretName } = parseSecretSource(parameter, containerPath(i, 'repositoryCredentials', 'credentialsParameter'));
    if (!names.includes(secretName)) names.push(secretName);
  });
  return names.map((name) => ({ name }));
}

/** One secret a task definition reads, with the Kubernetes Secret and key it maps to. */
export interface SecretUse extends SecretReference {
  /** JSON path of the reference in the spec. */
  path: string;
  valueFrom: string;
  /** The environment variable, or "imagePullSecret" for repository credentials. */
  usedAs: string;
}

/** Every Secret the pods of a task definition need, for `berth import` and status messages. */
export function secretUses(defs: readonly ContainerDefinition[]): SecretUse[] {
  const out: SecretUse[] = [];
  defs.forEach((def, i) => {
    (def.secrets ?? []).forEach((s, j) => {
      const path = containerPath(i, 'secrets', j, 'valueFrom');
      const { secretName, key } = parseSecretSource(s.valueFrom, path);
      out.push({ path, valueFrom: s.valueFrom, usedAs: s.name, secretName, key });
    });
    const parameter = def.repositoryCredentials?.credentialsParameter;
    if (parameter) {
      const path = containerPath(i, 'repositoryCredentials', 'credentialsParameter');
      const { secretName } = parseSecretSource(parameter, path);
      out.push({ path, valueFrom: parameter, usedAs: 'imagePullSecret', secretName, key: '.dockerconfigjson' });
    }
  });
  return out;
}
