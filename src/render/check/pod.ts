import type { Container, ContainerPort, NodeSelectorTerm, ObjectMeta, PodTemplateSpec, Probe, ResourceRequirements } from '../../api/kube.js';
import * as rule from '../kube-rules.js';
import { shown, type KubeProblem } from './problem.js';
import { NO_SOURCES, type ContainerSources, type PodSources } from './sources.js';

// A rendered pod template against the apiserver's pod validation (ValidatePodTemplateSpec).
// Only what Berth can render is checked: the fields the renderer writes from user input.

/** Collects problems of one rendered object: `rendered` names it ("Deployment web"). */
export class Problems {
  readonly list: KubeProblem[] = [];

  constructor(private readonly rendered: string) {}

  add(field: string, broken: string | undefined, value: unknown, source?: string): void {
    if (broken === undefined) return;
    const problem: KubeProblem = { rendered: `${this.rendered}: ${field}`, rule: broken, value: shown(value) };
    if (source !== undefined) problem.source = source;
    this.list.push(problem);
  }
}

/** Labels and annotations of any object. */
export function checkMetadata(meta: ObjectMeta | undefined, path: string, out: Problems, annotationsSource?: string): void {
  for (const [key, value] of Object.entries(meta?.labels ?? {})) {
    out.add(`${path}.labels`, rule.qualifiedName(key), key);
    out.add(`${path}.labels[${key}]`, rule.labelValue(value), value);
  }
  const annotations = meta?.annotations ?? {};
  for (const key of Object.keys(annotations)) out.add(`${path}.annotations`, rule.qualifiedName(key), key);
  const size = rule.annotationsSize(annotations);
  if (size > rule.ANNOTATIONS_MAX_BYTES) {
    out.add(`${path}.annotations`, `may not be more than ${rule.ANNOTATIONS_MAX_BYTES} bytes`, `${size} bytes`, annotationsSource);
  }
}

export function checkPodTemplate(template: PodTemplateSpec, path: string, out: Problems, sources: PodSources = NO_SOURCES): void {
  const bytes = Buffer.byteLength(JSON.stringify(template));
  if (bytes > rule.POD_TEMPLATE_MAX_BYTES) {
    out.add(path, `may not be more than ${rule.POD_TEMPLATE_MAX_BYTES / 1024} KiB as JSON (etcd could not store the workload with its managed fields)`, `${Math.ceil(bytes / 1024)} KiB`);
  }
  checkMetadata(template.metadata, `${path}.metadata`, out, sources.annotations());
  const spec = template.spec;
  const at = `${path}.spec`;

  const volumes = new Set<string>();
  (spec.volumes ?? []).forEach((v, i) => {
    const source = sources.volume(v.name);
    out.add(`${at}.volumes[${i}].name`, rule.dnsLabel(v.name), v.name, source);
    out.add(`${at}.volumes[${i}].name`, volumes.has(v.name) ? 'Duplicate value' : undefined, v.name, source);
    volumes.add(v.name);
    if (v.emptyDir?.sizeLimit !== undefined) quantity(`${at}.volumes[${i}].emptyDir.sizeLimit`, v.emptyDir.sizeLimit, out, source);
  });

  const names = new Set<string>();
  const hostPorts = new Set<string>();
  const lists = [['initContainers', spec.initContainers ?? []], ['containers', spec.containers]] as const;
  for (const [list, containers] of lists) {
    containers.forEach((c, k) => {
      const cpath = `${at}.${list}[${k}]`;
      const src = sources.container(c.name);
      out.add(`${cpath}.name`, rule.dnsLabel(c.name), c.name, src.name);
      out.add(`${cpath}.name`, names.has(c.name) ? 'Duplicate value' : undefined, c.name, src.name);
      names.add(c.name);
      checkContainer(c, cpath, out, src, volumes);
      const scope = { hostNetwork: spec.hostNetwork === true, portNames: new Set<string>(), containerPorts: new Set<string>(), hostPorts };
      (c.ports ?? []).forEach((p, j) => checkPort(p, `${cpath}.ports[${j}]`, out, src.port(p), scope));
    });
  }

  const aliasIps = new Set<string>();
  (spec.hostAliases ?? []).forEach((alias, i) => {
    out.add(`${at}.hostAliases[${i}].ip`, rule.ipAddress(alias.ip), alias.ip, sources.hostAliasIp(alias.ip));
    out.add(`${at}.hostAliases[${i}].ip`, aliasIps.has(alias.ip) ? 'Duplicate value' : undefined, alias.ip, sources.hostAliasIp(alias.ip));
    aliasIps.add(alias.ip);
    (alias.hostnames ?? []).forEach((h, j) => out.add(`${at}.hostAliases[${i}].hostnames[${j}]`, rule.dnsSubdomain(h), h, sources.hostAliasName(h)));
  });
  checkDns(template, at, out, sources);
  if (spec.hostname !== undefined) out.add(`${at}.hostname`, rule.dnsLabel(spec.hostname), spec.hostname, sources.hostname());

  const sysctls = new Set<string>();
  (spec.securityContext?.sysctls ?? []).forEach((s, i) => {
    out.add(`${at}.securityContext.sysctls[${i}].name`, rule.sysctlName(s.name), s.name, sources.sysctl(s.name));
    out.add(`${at}.securityContext.sysctls[${i}].name`, sysctls.has(s.name) ? 'Duplicate value' : undefined, s.name, sources.sysctl(s.name));
    sysctls.add(s.name);
  });
  if (spec.terminationGracePeriodSeconds !== undefined) {
    out.add(`${at}.terminationGracePeriodSeconds`, rule.int64(spec.terminationGracePeriodSeconds), spec.terminationGracePeriodSeconds, sources.stopTimeout());
  }
  if (spec.resources) checkResources(spec.resources, `${at}.resources`, out, (name) => sources.podResource(name));
  if (spec.serviceAccountName !== undefined) {
    out.add(`${at}.serviceAccountName`, rule.dnsSubdomain(spec.serviceAccountName), spec.serviceAccountName, sources.serviceAccountName());
  }
  if (spec.runtimeClassName !== undefined) out.add(`${at}.runtimeClassName`, rule.dnsSubdomain(spec.runtimeClassName), spec.runtimeClassName);
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) {
    out.add(`${at}.nodeSelector`, rule.qualifiedName(key), key, sources.placement());
    out.add(`${at}.nodeSelector[${key}]`, rule.labelValue(value), value, sources.placement());
  }
  const spreads = new Set<string>();
  (spec.topologySpreadConstraints ?? []).forEach((t, i) => {
    const key = `${t.topologyKey}/${t.whenUnsatisfiable}`;
    out.add(`${at}.topologySpreadConstraints[${i}]`, spreads.has(key) ? 'Duplicate value' : undefined, key, sources.placement());
    spreads.add(key);
  });
  const nodeAffinity = spec.affinity?.nodeAffinity;
  (nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []).forEach((term, i) =>
    checkNodeTerm(term, `${at}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}]`, out, sources.placement()),
  );
  (nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((p, i) =>
    checkNodeTerm(p.preference, `${at}.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}].preference`, out, sources.placement()),
  );
}

function checkContainer(c: Container, path: string, out: Problems, src: ContainerSources, volumes: ReadonlySet<string>): void {
  const image = c.image ?? '';
  out.add(`${path}.image`, image.trim() === image ? undefined : 'must not have leading or trailing whitespace', image, src.field('image'));
  // Server-side apply keys env by name and ports by containerPort and protocol: a key twice
  // cannot be applied at all.
  const envNames = new Set<string>();
  (c.env ?? []).forEach((e, j) => {
    out.add(`${path}.env[${j}].name`, rule.envVarName(e.name), e.name, src.env(e.name));
    out.add(`${path}.env[${j}].name`, envNames.has(e.name) ? 'Duplicate value' : undefined, e.name, src.env(e.name));
    envNames.add(e.name);
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) {
      out.add(`${path}.env[${j}].valueFrom.secretKeyRef.name`, rule.dnsSubdomain(ref.name), ref.name, src.env(e.name, 'valueFrom'));
      out.add(`${path}.env[${j}].valueFrom.secretKeyRef.key`, rule.secretKey(ref.key), ref.key, src.env(e.name, 'valueFrom'));
    }
  });
  if (c.resources) checkResources(c.resources, `${path}.resources`, out, (name) => src.resource(name));
  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, j) => {
    const source = src.mount(m.mountPath);
    out.add(`${path}.volumeMounts[${j}].name`, volumes.has(m.name) ? undefined : 'not found', m.name, source);
    out.add(`${path}.volumeMounts[${j}].mountPath`, m.mountPath === '' ? 'Required value' : undefined, m.mountPath, source);
    out.add(`${path}.volumeMounts[${j}].mountPath`, mountPaths.has(m.mountPath) ? 'must be unique' : undefined, m.mountPath, source);
    mountPaths.add(m.mountPath);
  });
  for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
    const probe = c[kind];
    if (probe) checkProbe(probe, `${path}.${kind}`, out, src.field('healthCheck'), kind !== 'readinessProbe');
  }
  const sc = c.securityContext;
  if (sc?.runAsUser !== undefined) out.add(`${path}.securityContext.runAsUser`, rule.unixId(sc.runAsUser), sc.runAsUser, src.field('user'));
  if (sc?.runAsGroup !== undefined) out.add(`${path}.securityContext.runAsGroup`, rule.unixId(sc.runAsGroup), sc.runAsGroup, src.field('user'));
}

interface PortScope {
  hostNetwork: boolean;
  portNames: Set<string>;
  containerPorts: Set<string>;
  hostPorts: Set<string>;
}

// Port names and containerPort/protocol are unique in their container; host ports are unique
// per protocol in the pod.
function checkPort(p: ContainerPort, path: string, out: Problems, src: (field: 'containerPort' | 'hostPort' | 'name') => string | undefined, scope: PortScope): void {
  out.add(`${path}.containerPort`, rule.portNumber(p.containerPort), p.containerPort, src('containerPort'));
  const port = `${p.containerPort}/${p.protocol ?? 'TCP'}`;
  out.add(`${path}.containerPort`, scope.containerPorts.has(port) ? 'Duplicate value' : undefined, port, src('containerPort'));
  scope.containerPorts.add(port);
  if (p.name !== undefined) {
    out.add(`${path}.name`, rule.portName(p.name), p.name, src('name'));
    out.add(`${path}.name`, scope.portNames.has(p.name) ? 'Duplicate value' : undefined, p.name, src('name'));
    scope.portNames.add(p.name);
  }
  if (p.hostPort !== undefined && p.hostPort !== 0) {
    out.add(`${path}.hostPort`, rule.portNumber(p.hostPort), p.hostPort, src('hostPort'));
    const key = `${p.hostPort}/${p.protocol ?? 'TCP'}`;
    out.add(`${path}.hostPort`, scope.hostPorts.has(key) ? 'Duplicate value' : undefined, key, src('hostPort'));
    scope.hostPorts.add(key);
    if (scope.hostNetwork && p.hostPort !== p.containerPort) out.add(`${path}.hostPort`, 'must match `containerPort` when `hostNetwork` is true', p.hostPort, src('hostPort'));
  }
}

// Quantities parse; requests do not exceed limits; extended resources (a "/" outside
// kubernetes.io) are whole numbers.
function checkResources(r: ResourceRequirements, path: string, out: Problems, src: (name: string) => string | undefined): void {
  const parsed: Record<'limits' | 'requests', Record<string, bigint>> = { limits: {}, requests: {} };
  for (const kind of ['limits', 'requests'] as const) {
    for (const [name, value] of Object.entries(r[kind] ?? {})) {
      const q = quantity(`${path}.${kind}[${name}]`, value, out, src(name));
      if (q === undefined) continue;
      parsed[kind][name] = q;
      if (q < 0n) out.add(`${path}.${kind}[${name}]`, 'must be greater than or equal to 0', value, src(name));
      const extended = name.includes('/') && !name.includes('kubernetes.io/');
      if (extended && q % 1000n !== 0n) out.add(`${path}.${kind}[${name}]`, 'must be an integer', value, src(name));
    }
  }
  for (const [name, request] of Object.entries(parsed.requests)) {
    const limit = parsed.limits[name];
    if (limit !== undefined && request > limit) {
      out.add(`${path}.requests[${name}]`, `must be less than or equal to ${name} limit of ${r.limits?.[name]}`, r.requests?.[name], src(name));
    }
  }
}

function quantity(path: string, value: string, out: Problems, source: string | undefined): bigint | undefined {
  const q = rule.parseQuantity(value);
  if (typeof q === 'string') {
    out.add(path, q, value, source);
    return undefined;
  }
  return q.milli;
}

function checkProbe(probe: Probe, path: string, out: Problems, source: string | undefined, successMustBeOne: boolean): void {
  for (const field of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold'] as const) {
    const v = probe[field];
    if (v !== undefined) out.add(`${path}.${field}`, rule.int32(v), v, source);
  }
  if (successMustBeOne && probe.successThreshold !== undefined && probe.successThreshold !== 1) out.add(`${path}.successThreshold`, 'must be 1', probe.successThreshold, source);
  if (probe.exec && probe.exec.command.length === 0) out.add(`${path}.exec.command`, 'Required value', probe.exec.command, source);
}

function checkDns(template: PodTemplateSpec, at: string, out: Problems, sources: PodSources): void {
  const config = template.spec.dnsConfig;
  if (!config) return;
  const servers = config.nameservers ?? [];
  out.add(`${at}.dnsConfig.nameservers`, servers.length > 3 ? 'must not have more than 3 nameservers' : undefined, servers, sources.nameserver(servers[3] ?? ''));
  servers.forEach((s, i) => out.add(`${at}.dnsConfig.nameservers[${i}]`, rule.ipAddress(s), s, sources.nameserver(s)));
  const searches = config.searches ?? [];
  out.add(`${at}.dnsConfig.searches`, searches.length > 32 ? 'must not have more than 32 search paths' : undefined, searches.length, sources.search(searches[32] ?? ''));
  const joined = searches.join(' ').length;
  out.add(`${at}.dnsConfig.searches`, joined > 2048 ? 'must not have more than 2048 characters (including spaces) in the search list' : undefined, joined, sources.search(searches[0] ?? ''));
  // RelaxedDNSSearchValidation (on since 1.34): "." and underscores are allowed.
  searches.forEach((s, i) => out.add(`${at}.dnsConfig.searches[${i}]`, s === '.' ? undefined : rule.dnsSubdomain(s.replace(/\.$/, ''), true), s, sources.search(s)));
}

// Placement renders node labels into selectors: keys are label keys, In/NotIn values label values.
function checkNodeTerm(term: NodeSelectorTerm, path: string, out: Problems, source: string | undefined): void {
  (term.matchExpressions ?? []).forEach((e, i) => {
    out.add(`${path}.matchExpressions[${i}].key`, rule.qualifiedName(e.key), e.key, source);
    if (e.operator === 'In' || e.operator === 'NotIn') {
      (e.values ?? []).forEach((v, j) => out.add(`${path}.matchExpressions[${i}].values[${j}]`, rule.labelValue(v), v, source));
    }
  });
}
