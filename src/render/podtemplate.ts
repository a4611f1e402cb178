import type { PodSpec, PodTemplateSpec } from '../api/kube.js';
import type { TaskDefinitionSpec } from '../api/taskdefinition.js';
import { parseCpu, parseMemory } from '../api/values.js';
import { TASK_SIZE_ANNOTATION, taskSizeAnnotation } from '../fargate/sizing.js';
import { checkTaskDefinitionTemplate } from './check/children.js';
import { KubeRulesError } from './check/problem.js';
import { containerNames, renderContainer } from './containers.js';
import { planStartup } from './dependencies.js';
import type { IgnoredField } from './findings.js';
import { standardLabels, userMetadata } from './labels.js';
import { renderNetwork } from './network.js';
import { networkModeOf } from './ports.js';
import { planResources } from './resources.js';
import { renderImagePullSecrets } from './secrets.js';
import { renderSysctls } from './security.js';
import { serviceAccountNameFor } from './serviceaccount.js';
import { noteUnhonoured } from './unhonoured.js';
import { planVolumes } from './volumes.js';

// TaskDefinition revision → pod template: the one place that puts the pieces together. Every
// rule lives in the module named after what it maps; README.md lists them all.

/** One registered revision of a task definition. */
export interface TaskDefinitionRevisionInput {
  family: string;
  revision: number;
  spec: TaskDefinitionSpec;
}

export interface RenderOptions {
  /**
   * Task-level cpu and memory become pod-level resources (default; Kubernetes 1.34+, where the
   * PodLevelResources feature is on by default). false spreads them over essential containers.
   */
  podLevelResources?: boolean;
  /**
   * The cluster serves per-container restart rules (default; Kubernetes 1.35+, where the
   * ContainerRestartRules feature is on by default): restartPolicy.ignoredExitCodes become one.
   * false reports them instead.
   */
  containerRestartRules?: boolean;
  /** The ECS Service the pods are rendered for: labels ecs.berth.dev/service and app.kubernetes.io/name. */
  service?: string;
  /** The Service's launch type: label ecs.berth.dev/launch-type. */
  launchType?: string;
  /**
   * Check the template against Kubernetes' pod validation (default true). false leaves that to
   * the apiserver; tests use it to hold the checker to what the apiserver really does.
   */
  checkKubeRules?: boolean;
}

export interface PodTemplateRender {
  template: PodTemplateSpec;
  /** ECS fields not honoured, or honoured only approximately, in path order. */
  ignored: IgnoredField[];
}

/** ECS's default stop timeout: seconds between SIGTERM and SIGKILL. */
const DEFAULT_STOP_TIMEOUT = 30;

/**
 * Throws RenderError when ECS itself would refuse the task definition, and KubeRulesError (a
 * RenderError) when the pod template breaks a rule of Kubernetes' pod validation.
 */
export function renderPodTemplate(input: TaskDefinitionRevisionInput, options: RenderOptions = {}): PodTemplateRender {
  const { spec } = input;
  const defs = spec.containerDefinitions;
  const ignored: IgnoredField[] = [];

  const names = containerNames(defs);
  const startup = planStartup(defs, ignored);
  const resources = planResources(spec, startup.roles, { podLevelResources: options.podLevelResources ?? true }, ignored);
  const volumes = planVolumes(spec, names, ignored);
  const mode = networkModeOf(spec);
  const windows = spec.runtimePlatform?.operatingSystemFamily?.startsWith('WINDOWS') ?? false;

  const container = (i: number) =>
    renderContainer(
      defs[i],
      i,
      {
        name: names[i],
        role: startup.roles[i],
        gated: startup.gated[i],
        mode,
        windows,
        resources: resources.containers[i],
        mounts: volumes.mounts[i],
        restartRules: options.containerRestartRules ?? true,
      },
      ignored,
    );
  const initContainers = startup.initOrder.map(container);
  const containers = startup.appOrder.map(container);

  const pod: Partial<PodSpec> = { ...identity(spec), ...processes(spec), ...renderNetwork(spec, ignored) };
  const imagePullSecrets = renderImagePullSecrets(defs);
  if (imagePullSecrets.length > 0) pod.imagePullSecrets = imagePullSecrets;
  const nodeSelector = platformSelector(spec);
  if (nodeSelector) pod.nodeSelector = nodeSelector;
  const sysctls = renderSysctls(defs, mode === 'host', ignored);
  if (sysctls.length > 0) pod.securityContext = { sysctls };
  if (defs.some((d) => d.stopTimeout !== undefined)) {
    pod.terminationGracePeriodSeconds = Math.max(...defs.map((d) => d.stopTimeout ?? DEFAULT_STOP_TIMEOUT));
  }
  if (resources.pod) pod.resources = resources.pod;
  if (initContainers.length > 0) pod.initContainers = initContainers;
  const podSpec: PodSpec = { ...pod, containers };
  if (volumes.volumes.length > 0) podSpec.volumes = volumes.volumes;

  noteUnhonoured(spec, ignored);

  const user = userMetadata(spec, ignored);
  const labels = { ...standardLabels({ family: input.family, revision: input.revision, ...options }), ...user.labels };
  const annotations = { ...user.annotations, ...taskSize(spec) };
  const metadata = Object.keys(annotations).length > 0 ? { labels, annotations } : { labels };
  const template = { metadata, spec: podSpec };
  // What ECS accepts and Kubernetes would not run is refused here, named by its ECS field.
  const problems = options.checkKubeRules === false ? [] : checkTaskDefinitionTemplate(input, template);
  if (problems.length > 0) throw new KubeRulesError(problems);
  return { template, ignored: sortByPath(ignored) };
}

// A task with a Fargate size runs at exactly that size where a FargateProfile takes its pods.
function taskSize(spec: TaskDefinitionSpec): Record<string, string> {
  if (spec.cpu === undefined || spec.memory === undefined) return {};
  const value = taskSizeAnnotation(parseCpu(spec.cpu), parseMemory(spec.memory));
  return value === undefined ? {} : { [TASK_SIZE_ANNOTATION]: value };
}

// ECS tasks see no Kubernetes API credentials and no environment variables for other Services
// in the namespace; neither do Berth's pods, unless a ServiceAccount is named explicitly.
function identity(spec: TaskDefinitionSpec): Partial<PodSpec> {
  const out: Partial<PodSpec> = {};
  const serviceAccountName = serviceAccountNameFor(spec);
  if (serviceAccountName) out.serviceAccountName = serviceAccountName;
  if (!spec.kubernetes?.serviceAccountName) out.automountServiceAccountToken = false;
  out.enableServiceLinks = false;
  return out;
}

function processes(spec: TaskDefinitionSpec): Partial<PodSpec> {
  const out: Partial<PodSpec> = {};
  if (spec.pidMode === 'task') out.shareProcessNamespace = true;
  if (spec.pidMode === 'host') out.hostPID = true;
  if (spec.ipcMode === 'host') out.hostIPC = true;
  return out;
}

const ARCH: Record<string, string> = { X86_64: 'amd64', ARM64: 'arm64' };

function platformSelector(spec: TaskDefinitionSpec): Record<string, string> | undefined {
  const platform = spec.runtimePlatform;
  const out: Record<string, string> = {};
  if (platform?.cpuArchitecture) out['kubernetes.io/arch'] = ARCH[platform.cpuArchitecture];
  if (platform?.operatingSystemFamily) out['kubernetes.io/os'] = platform.operatingSystemFamily === 'LINUX' ? 'linux' : 'windows';
  return Object.keys(out).length > 0 ? out : undefined;
}

// Paths compare segment by segment, indexes as numbers, so [10] follows [9]; the sort is stable,
// so findings for one path keep the order in which they were made.
export function sortByPath(fields: IgnoredField[]): IgnoredField[] {
  const segments = (path: string) => path.split(/[.[\]]+/).filter((s) => s !== '');
  return [...fields].sort((a, b) => {
    const x = segments(a.path);
    const y = segments(b.path);
    for (let k = 0; k < Math.min(x.length, y.length); k++) {
      if (x[k] === y[k]) continue;
      const nx = Number(x[k]);
      const ny = Number(y[k]);
      if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
      return x[k] < y[k] ? -1 : 1;
    }
    return x.length - y.length;
  });
}
