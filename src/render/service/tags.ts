import type { PodTemplateSpec } from '../../api/kube.js';
import type { ServiceSpec } from '../../api/service.js';
import { ANNOTATION_TAGS, TAG_LABEL_PREFIX } from '../labels.js';
import { isLabelName, isLabelValue } from '../names.js';

// propagateTags decides whose tags the tasks carry, as in ECS: TASK_DEFINITION, the task
// definition's (as the pod template has them); SERVICE, the service's; NONE or absent (ECS's
// default), none. Tags live in the ecs.berth.dev/tags annotation and, where label-safe, as
// tag.ecs.berth.dev/<key> labels.

export function propagateTags(template: PodTemplateSpec, spec: Pick<ServiceSpec, 'propagateTags' | 'tags'>): PodTemplateSpec {
  if (spec.propagateTags === 'TASK_DEFINITION') return template;
  const metadata = template.metadata ?? {};
  const labels = Object.fromEntries(Object.entries(metadata.labels ?? {}).filter(([k]) => !k.startsWith(TAG_LABEL_PREFIX)));
  const annotations = Object.fromEntries(Object.entries(metadata.annotations ?? {}).filter(([k]) => k !== ANNOTATION_TAGS));
  const tags = spec.propagateTags === 'SERVICE' ? (spec.tags ?? []) : [];
  if (tags.length > 0) {
    annotations[ANNOTATION_TAGS] = JSON.stringify(Object.fromEntries(tags.map((t) => [t.key, t.value ?? ''])));
    for (const t of tags) if (isLabelName(t.key) && isLabelValue(t.value ?? '')) labels[TAG_LABEL_PREFIX + t.key] = t.value ?? '';
  }
  const { annotations: _previous, ...rest } = metadata;
  return { ...template, metadata: Object.keys(annotations).length > 0 ? { ...rest, labels, annotations } : { ...rest, labels } };
}
