// The label and annotation names placement writes and reads, and the encoding that turns ECS
// names (task groups, capacity providers) into valid Kubernetes label values.

/** Pod label carrying the ECS task group (`service:<name>` by default), encoded by `toLabelValue`. */
export const TASK_GROUP_LABEL = 'ecs.berth.dev/task-group';

/** Pod label naming the capacity provider a replica was counted against. */
export const CAPACITY_PROVIDER_LABEL = 'ecs.berth.dev/capacity-provider';

/** Node label telling spot capacity (`spot`) from on-demand capacity (`on-demand`). */
export const CAPACITY_TYPE_LABEL = 'ecs.berth.dev/capacity-type';

/** Prefix under which custom ECS attributes live as node labels: `attribute.ecs.berth.dev/<name>`. */
export const CUSTOM_ATTRIBUTE_PREFIX = 'attribute.ecs.berth.dev/';

/** Pod annotation recording a binpack strategy (`cpu` or `memory`), which only a scheduler profile can honour. */
export const BINPACK_ANNOTATION = 'ecs.berth.dev/placement-binpack';

/** The RuntimeClass in front of the isolated node pool. */
export const ISOLATED_RUNTIME_CLASS = 'berth-isolated';

export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export function isValidLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/** The name part of a label key (after the optional `prefix/`). */
export function isValidLabelName(name: string): boolean {
  return name.length <= 63 && LABEL_NAME.test(name);
}

/**
 * A label value for an arbitrary name. Names that already are valid label values are kept, with
 * `:` turned into `.` (`service:web` → `service.web`): ECS group and provider names never contain
 * `.`, so this cannot collide. Anything else is sanitised, cut, and suffixed with a hash of the
 * original so that two different names never share a value by accident.
 */
export function toLabelValue(name: string): string {
  const dotted = name.replaceAll(':', '.');
  if (isValidLabelValue(dotted)) return dotted;
  const cleaned = dotted.replace(/[^-A-Za-z0-9_.]/g, '-').slice(0, 52).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  const hash = fnv1a(name);
  return cleaned === '' ? hash : `${cleaned}-${hash}`;
}

/** ECS's default task group for the tasks of a service. */
export function serviceTaskGroup(serviceName: string): string {
  return `service:${serviceName}`;
}

// 32-bit FNV-1a as 8 hex digits: short, stable across runs and platforms, no crypto import.
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
