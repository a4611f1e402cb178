import type { TaskDefinitionSpec } from '../api/taskdefinition.js';
import { containerPath, type IgnoredField } from './findings.js';
import { ANNOTATIONS_MAX_BYTES } from './kube-rules.js';
import { isLabelName, isLabelValue, labelValue } from './names.js';

// The keys Berth puts on pod templates. Values that are not valid label values go through
// labelValue (invalid characters become "-", long values are cut and hashed).

export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_FAMILY = 'ecs.berth.dev/family';
export const LABEL_REVISION = 'ecs.berth.dev/revision';
export const LABEL_SERVICE = 'ecs.berth.dev/service';
export const LABEL_LAUNCH_TYPE = 'ecs.berth.dev/launch-type';
export const MANAGED_BY = 'berth';

/** A task definition tag `K: V` is also label `tag.ecs.berth.dev/K: V` when both are label-safe. */
export const TAG_LABEL_PREFIX = 'tag.ecs.berth.dev/';
/** A Docker label `K: V` is also label `docker-label.ecs.berth.dev/K: V` when label-safe and unambiguous. */
export const DOCKER_LABEL_PREFIX = 'docker-label.ecs.berth.dev/';
/** All tags, as a JSON object `{"key": "value"}`. */
export const ANNOTATION_TAGS = 'ecs.berth.dev/tags';
/** All Docker labels, as a JSON object `{"<container>": {"key": "value"}}`. */
export const ANNOTATION_DOCKER_LABELS = 'ecs.berth.dev/docker-labels';
/**
 * The most the Docker labels annotation may take: half of what Kubernetes allows for all the
 * annotations of an object, leaving the rest to tags and to what Services and admission add.
 */
const DOCKER_LABELS_MAX_BYTES = ANNOTATIONS_MAX_BYTES / 2;

export interface StandardLabelInput {
  family: string;
  revision: number;
  /** The ECS Service the pods belong to; also their app.kubernetes.io/name. */
  service?: string;
  launchType?: string;
}

/** The labels every Berth child carries. */
export function standardLabels(input: StandardLabelInput): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL_NAME]: labelValue(input.service ?? input.family),
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_FAMILY]: labelValue(input.family),
    [LABEL_REVISION]: String(input.revision),
  };
  if (input.service !== undefined) labels[LABEL_SERVICE] = labelValue(input.service);
  if (input.launchType !== undefined) labels[LABEL_LAUNCH_TYPE] = labelValue(input.launchType);
  return labels;
}

/**
 * Labels and annotations carried over from tags and Docker labels. Docker labels are metadata
 * nothing in a pod reads, so when they are too large for an annotation they are left out and
 * reported, rather than refusing the task.
 */
export function userMetadata(spec: TaskDefinitionSpec, ignored: IgnoredField[]): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};

  const tags = spec.tags ?? [];
  if (tags.length > 0) {
    annotations[ANNOTATION_TAGS] = JSON.stringify(Object.fromEntries(tags.map((t) => [t.key, t.value ?? ''])));
    for (const t of tags) {
      if (isLabelName(t.key) && isLabelValue(t.value ?? '')) labels[TAG_LABEL_PREFIX + t.key] = t.value ?? '';
    }
  }

  const withLabels = spec.containerDefinitions.filter((d) => d.dockerLabels && Object.keys(d.dockerLabels).length > 0);
  if (withLabels.length > 0) {
    const json = JSON.stringify(Object.fromEntries(withLabels.map((d) => [d.name, d.dockerLabels])));
    const size = Buffer.byteLength(ANNOTATION_DOCKER_LABELS) + Buffer.byteLength(json);
    if (size <= DOCKER_LABELS_MAX_BYTES) {
      annotations[ANNOTATION_DOCKER_LABELS] = json;
    } else {
      spec.containerDefinitions.forEach((d, i) => {
        if (!withLabels.includes(d)) return;
        ignored.push({
          path: containerPath(i, 'dockerLabels'),
          reason: `not honoured: the Docker labels of the task take ${size} bytes, more than the ${DOCKER_LABELS_MAX_BYTES} an annotation may take here (Kubernetes allows ${ANNOTATIONS_MAX_BYTES} for all annotations of a pod); annotation ${ANNOTATION_DOCKER_LABELS} is left out, label-safe ones are still labels`,
        });
      });
    }
    const values = new Map<string, Set<string>>();
    for (const d of withLabels) {
      for (const [k, v] of Object.entries(d.dockerLabels ?? {})) values.set(k, (values.get(k) ?? new Set()).add(v));
    }
    for (const [k, vs] of values) {
      const [v] = [...vs];
      if (vs.size === 1 && isLabelName(k) && isLabelValue(v)) labels[DOCKER_LABEL_PREFIX + k] = v;
    }
  }
  return { labels, annotations };
}
