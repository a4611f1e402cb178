import { KubeConfig } from '@kubernetes/client-node';
import { FargateProfileSpec, type FargateProfile } from '../api/fargateprofile.js';
import type { PodTemplateSpec } from '../api/kube.js';
import { formatIssues } from '../api/rules.js';
import { ServiceSpec, serviceNameOf, type Service } from '../api/service.js';
import { TaskDefinitionSpec } from '../api/taskdefinition.js';
import { FargateProfileRef } from '../controllers/resources.js';
import { importEcs } from '../convert/import.js';
import { parseDocuments } from '../convert/text.js';
import { effectiveLaunchType } from '../ecs/compatibility.js';
import { FARGATE_PROFILE_LABEL, matchingProfiles, type ProfileLike } from '../fargate/profile.js';
import { CAPACITY_PROVISIONED_ANNOTATION, routePod, type PodLike, type RouteDecision, type RouteOptions } from '../fargate/route.js';
import { ISOLATED_RUNTIME_CLASS } from '../placement/labels.js';
import { parseTaskDefinitionRef } from '../render/taskdefinition/revisions.js';
import { renderPodTemplate } from '../render/podtemplate.js';
import { Kube } from '../runtime/index.js';
import { parseArgs, rejectUnknown, stringOption } from './args.js';
import { wantsHelp, type Command } from './command.js';
import { inputLabel, processIo, type CommandIo } from './import.js';
import { isObject } from '../api/json.js';

const usage = `Usage: berth profile match -f FILE [--profiles FILE | --kubeconfig FILE] [options]

Shows which FargateProfile a pod would run under, decided as the pod webhook decides: every
profile that selects the pod, in the order they are considered; the one it gets (the
alphanumerically first name, unless the pod pins one with label ${FARGATE_PROFILE_LABEL});
its runtime class and ${CAPACITY_PROVISIONED_ANNOTATION} size; or why it would be refused, or run on
ordinary nodes.

FILE (- for standard input) holds YAML or JSON:
  Pods, and objects with a pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet,
    ReplicationController, Job, CronJob, PodTemplate)
  Berth TaskDefinitions and Services: their pods as Berth renders them (a Service's
    TaskDefinition must be in FILE too)
  ECS task definition and service JSON, imported first as berth import does

Options:
  -f, --filename FILE            the pods (or give FILE as an argument)
  --profiles FILE                FargateProfiles from a file instead of the cluster
  --kubeconfig FILE              the cluster to read FargateProfiles from (default: $KUBECONFIG,
                                 then ~/.kube/config)
  -n, --namespace NS             namespace of pods that name none (default "default")
  --default-runtime-class NAME   runtime class of profiles that name none (default ${ISOLATED_RUNTIME_CLASS})
  --launch-type TYPE             launch type of TaskDefinitions that no Service in FILE runs
                                 (default: FARGATE when requiresCompatibilities has FARGATE, else EC2)

Exit status: 0 every pod would be routed or run on ordinary nodes, 1 some pod would be refused,
2 wrong usage or unreadable input.
`;

/** What the command reads from outside its arguments; tests pass their own. */
export interface ProfileCommandDeps {
  clusterProfiles(kubeconfig: string | undefined): Promise<ProfileLike[]>;
}

async function readClusterProfiles(kubeconfig: string | undefined): Promise<ProfileLike[]> {
  const kc = new KubeConfig();
  if (kubeconfig) kc.loadFromFile(kubeconfig);
  else kc.loadFromDefault();
  const kube = new Kube(kc);
  try {
    return (await kube.list<FargateProfile>(FargateProfileRef)).items;
  } finally {
    kube.close();
  }
}

/** One pod to explain. */
interface Candidate {
  /** e.g. "Pod shop/web-1", "Deployment shop/web (pod template)". */
  title: string;
  pod: PodLike;
  ownerKind?: string;
}

export async function runProfile(argv: string[], io: CommandIo, deps: ProfileCommandDeps = { clusterProfiles: readClusterProfiles }): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined) {
    io.err(usage);
    return 2;
  }
  if (wantsHelp(argv)) {
    io.out(usage);
    return 0;
  }
  if (sub !== 'match') {
    io.err(`berth profile: unknown subcommand "${sub}"\n\n${usage}`);
    return 2;
  }
  let files: string[];
  let options: { namespace: string; runtimeClass: string; launchType?: string; profiles?: string; kubeconfig?: string };
  try {
    const args = parseArgs(rest);
    rejectUnknown(args, ['f', 'filename', 'profiles', 'kubeconfig', 'n', 'namespace', 'default-runtime-class', 'launch-type']);
    const named = stringOptionOrDash(args.options.get('f') ?? args.options.get('filename'));
    files = [...(named ? [named] : []), ...args.positional];
    if (files.length === 0) throw new Error('name the pods: -f FILE, or - for standard input');
    options = {
      namespace: stringOption(args, 'namespace') ?? stringOption(args, 'n') ?? 'default',
      runtimeClass: stringOption(args, 'default-runtime-class', ISOLATED_RUNTIME_CLASS)!,
      launchType: stringOption(args, 'launch-type'),
      profiles: stringOption(args, 'profiles'),
      kubeconfig: stringOption(args, 'kubeconfig'),
    };
    if (options.profiles && options.kubeconfig) throw new Error('--profiles and --kubeconfig do not go together');
  } catch (err) {
    io.err(`berth profile match: ${(err as Error).message}\n\n${usage}`);
    return 2;
  }

  const candidates: Candidate[] = [];
  let profiles: ProfileLike[];
  try {
    for (const file of files) candidates.push(...candidatesIn(file, await io.read(file), options));
    profiles = options.profiles ? profilesIn(options.profiles, await io.read(options.profiles)) : await deps.clusterProfiles(options.kubeconfig);
  } catch (err) {
    io.err(`berth profile match: ${(err as Error).message}\n`);
    return 2;
  }
  if (candidates.length === 0) {
    io.err('berth profile match: no pods or pod templates in the input\n');
    return 2;
  }
  let refused = false;
  const blocks = candidates.map((c) => {
    const decision = routePod(c.pod, profiles, { defaultRuntimeClassName: options.runtimeClass, ownerKind: c.ownerKind } satisfies RouteOptions);
    if (decision.action === 'refuse') refused = true;
    return explain(c, profiles, decision);
  });
  io.out(blocks.join('\n'));
  return refused ? 1 : 0;
}

// `-f -` reads as a bare switch followed by "-"; the "-" then arrives as a positional argument.
function stringOptionOrDash(value: string | true | undefined): string | undefined {
  return value === true || value === undefined ? undefined : value;
}

/** The explanation for one pod, as printed. */
export function explain(c: Candidate, profiles: readonly ProfileLike[], decision: RouteDecision): string {
  // Not shaped as a pod: nothing else about it can be read.
  if (decision.action === 'refuse' && decision.rule === 'InvalidPod') return `${c.title}\n  => refused (rule InvalidPod)\n     ${decision.message}\n`;
  const namespace = c.pod.metadata?.namespace ?? '';
  const labels = c.pod.metadata?.labels ?? {};
  const lines = [c.title];
  const labelText = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
  lines.push(`  namespace ${namespace}; labels ${labelText}`);
  const matches = matchingProfiles({ namespace, labels }, profiles);
  const taken = decision.action === 'none' ? undefined : decision.profile;
  if (matches.length === 0) {
    lines.push('  no FargateProfile selects it');
  } else {
    lines.push(`  FargateProfiles that select it, in the order they are considered:`);
    const width = Math.max(...matches.map((m) => m.profile.metadata.name.length));
    for (const m of matches) {
      const selector = m.profile.spec.selectors[m.selectorIndex];
      const selectorLabels = Object.entries(selector.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
      const mark = m.profile.metadata.name === taken ? '   <- takes the pod' : '';
      lines.push(`    ${m.profile.metadata.name.padEnd(width)}  selector ${m.selectorIndex + 1}: namespace "${selector.namespace}"${selectorLabels ? `, labels ${selectorLabels}` : ''}${mark}`);
    }
  }
  const pin = labels[FARGATE_PROFILE_LABEL];
  if (pin !== undefined) lines.push(`  pinned by label ${FARGATE_PROFILE_LABEL}=${pin}`);
  else if (matches.length > 1) lines.push(`  several select it: the alphanumerically first name wins (label ${FARGATE_PROFILE_LABEL} pins another)`);

  if (decision.action === 'none') {
    lines.push('  => runs on ordinary nodes');
  } else if (decision.action === 'refuse') {
    lines.push(`  => refused${decision.profile ? ` by FargateProfile ${decision.profile}` : ''} (rule ${decision.rule})`);
    lines.push(`     ${decision.message}`);
  } else {
    lines.push(`  => routed to FargateProfile ${decision.profile}`);
    const rows: [string, string][] = [
      ['runtime class', decision.runtimeClassName],
      [CAPACITY_PROVISIONED_ANNOTATION, decision.size.capacityProvisioned],
    ];
    if (decision.zones.length > 0) rows.push(['zones', decision.zones.join(', ')]);
    const pod = decision.resources.pod;
    if (pod?.limits) rows.push(['pod resources', `cpu ${pod.limits.cpu}, memory ${pod.limits.memory} (requests = limits)`]);
    for (const [name, setting] of [...Object.entries(decision.resources.initContainers), ...Object.entries(decision.resources.containers)]) {
      const list = setting.limits ?? setting.requests ?? {};
      rows.push([`container ${name}`, Object.entries(list).map(([k, v]) => `${k} ${v}`).join(', ')]);
    }
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) lines.push(`     ${k.padEnd(width)}  ${v}`);
    for (const note of decision.resources.notes) lines.push(`     note: ${note}`);
  }
  return `${lines.join('\n')}\n`;
}

interface ReadOptions {
  namespace: string;
  launchType?: string;
}

/** Every pod and pod template of a file, ECS JSON imported first. */
function candidatesIn(file: string, text: string, options: ReadOptions): Candidate[] {
  let docs = documentsIn(file, text).flatMap((d) => (isObject(d) && d.kind === 'List' && Array.isArray(d.items) ? d.items : [d]));
  if (docs.length > 0 && docs.every((d) => isObject(d) && d.apiVersion === undefined && d.kind === undefined)) {
    const imported = importEcs([{ file: inputLabel(file), text }], { namespace: options.namespace });
    const errors = imported.messages.filter((m) => m.severity === 'error');
    if (errors.length > 0) throw new Error(`${inputLabel(file)}: ${errors.map((e) => `${e.path ? `${e.path}: ` : ''}${e.message}`).join('; ')}`);
    docs = imported.resources;
  }
  const taskDefinitions = docs.filter((d) => isObject(d) && d.kind === 'TaskDefinition' && String(d.apiVersion).startsWith('ecs.berth.dev/'));
  const served = new Set<unknown>();
  const out: Candidate[] = [];
  for (const doc of docs) {
    if (!isObject(doc)) continue;
    const kind = String(doc.kind ?? '');
    const metadata = (isObject(doc.metadata) ? doc.metadata : {}) as { name?: string; namespace?: string };
    const namespace = metadata.namespace ?? options.namespace;
    const title = (what: string) => `${kind} ${namespace}/${metadata.name ?? '(unnamed)'}${what}`;
    // A metadata that is not an object is left as it is, for routing to refuse with its path.
    const withNamespace = (pod: PodLike): PodLike =>
      pod.metadata === undefined || isObject(pod.metadata) ? { ...pod, metadata: { ...pod.metadata, namespace } } : pod;
    if (kind === 'Pod') {
      out.push({ title: title(''), pod: withNamespace(doc as unknown as PodLike) });
    } else if (String(doc.apiVersion).startsWith('ecs.berth.dev/') && kind === 'Service') {
      const parsed = ServiceSpec.safeParse(doc.spec);
      if (!parsed.success) throw new Error(`${inputLabel(file)}: Service ${metadata.name}: ${formatIssues(parsed.error.issues, ['spec']).join('; ')}`);
      const service = { ...doc, spec: parsed.data } as unknown as Service;
      const family = parseTaskDefinitionRef(service.spec.taskDefinition ?? '')?.family;
      const td = taskDefinitions.find((t) => familyOf(t) === family);
      if (!td) throw new Error(`${inputLabel(file)}: Service ${metadata.name}: its TaskDefinition "${family ?? ''}" is not in the file`);
      served.add(td);
      const template = renderTaskDefinition(td, { service: serviceNameOf(service), launchType: effectiveLaunchType(service.spec) });
      const ownerKind = service.spec?.schedulingStrategy === 'DAEMON' ? 'DaemonSet' : 'Deployment';
      out.push({ title: title(' (its pods as Berth renders them)'), pod: withNamespace(template), ownerKind });
    } else if (kind !== 'TaskDefinition') {
      const template = podTemplateOf(doc);
      if (template) out.push({ title: title(' (pod template)'), pod: withNamespace(template), ownerKind: kind });
    }
  }
  for (const td of taskDefinitions) {
    if (served.has(td) || !isObject(td)) continue;
    const spec = isObject(td.spec) ? td.spec : {};
    const compatibilities = Array.isArray(spec.requiresCompatibilities) ? spec.requiresCompatibilities : [];
    const launchType = options.launchType ?? (compatibilities.includes('FARGATE') ? 'FARGATE' : 'EC2');
    const metadata = (isObject(td.metadata) ? td.metadata : {}) as { name?: string; namespace?: string };
    const namespace = metadata.namespace ?? options.namespace;
    const template = renderTaskDefinition(td, { launchType });
    out.push({ title: `TaskDefinition ${namespace}/${metadata.name ?? ''} (its pods as Berth renders them, launch type ${launchType})`, pod: { ...template, metadata: { ...template.metadata, namespace } } });
  }
  return out;
}

function documentsIn(file: string, text: string): unknown[] {
  try {
    return parseDocuments(text);
  } catch (err) {
    throw new Error(`${inputLabel(file)}: not valid YAML or JSON: ${(err as Error).message}`, { cause: err });
  }
}

function renderTaskDefinition(td: Record<string, unknown>, options: { service?: string; launchType?: string }): PodTemplateSpec {
  const metadata = (isObject(td.metadata) ? td.metadata : {}) as { name?: string };
  const parsed = TaskDefinitionSpec.safeParse(td.spec);
  if (!parsed.success) throw new Error(`TaskDefinition ${metadata.name}: ${formatIssues(parsed.error.issues, ['spec']).join('; ')}`);
  const status = (isObject(td.status) ? td.status : {}) as { revision?: number };
  return renderPodTemplate({ family: parsed.data.family ?? metadata.name ?? '', revision: status.revision ?? 1, spec: parsed.data }, options).template;
}

function podTemplateOf(doc: Record<string, unknown>): PodTemplateSpec | undefined {
  const spec = isObject(doc.spec) ? doc.spec : undefined;
  if (doc.kind === 'PodTemplate' && isObject(doc.template)) return doc.template as unknown as PodTemplateSpec;
  if (doc.kind === 'CronJob') {
    const job = isObject(spec?.jobTemplate) && isObject(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
    return isObject(job?.template) ? (job.template as unknown as PodTemplateSpec) : undefined;
  }
  return isObject(spec?.template) && isObject(spec.template.spec) ? (spec.template as unknown as PodTemplateSpec) : undefined;
}

function profilesIn(file: string, text: string): ProfileLike[] {
  const docs = documentsIn(file, text).flatMap((d) => (isObject(d) && d.kind === 'List' && Array.isArray(d.items) ? d.items : [d]));
  const out: ProfileLike[] = [];
  for (const doc of docs) {
    if (!isObject(doc) || doc.kind !== 'FargateProfile') continue;
    const name = isObject(doc.metadata) ? String(doc.metadata.name ?? '') : '';
    const spec = FargateProfileSpec.safeParse(doc.spec);
    if (!name || !spec.success) {
      const why = spec.success ? 'it has no metadata.name' : formatIssues(spec.error.issues, ['spec']).join('; ');
      throw new Error(`${inputLabel(file)}: FargateProfile ${name}: ${why}`);
    }
    out.push({ metadata: { name }, spec: spec.data });
  }
  return out;
}

/** A TaskDefinition's family: spec.family, or its name (Berth names a TaskDefinition after its family). */
function familyOf(td: unknown): string | undefined {
  if (!isObject(td)) return undefined;
  const spec = isObject(td.spec) ? td.spec : {};
  const metadata = isObject(td.metadata) ? td.metadata : {};
  return typeof spec.family === 'string' ? spec.family : typeof metadata.name === 'string' ? metadata.name : undefined;
}


export const profileCommand: Command = {
  name: 'profile',
  summary: 'explain which FargateProfile a pod would run under (berth profile match -f pod.yaml)',
  usage,
  run: (argv) => runProfile(argv, processIo()),
};
