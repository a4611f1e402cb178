// ECS container-instance attributes as Kubernetes node labels.
//
//   ecs.availability-zone   → topology.kubernetes.io/zone
//   ecs.instance-type       → node.kubernetes.io/instance-type
//   ecs.os-type             → kubernetes.io/os            (linux, windows: same values)
//   ecs.cpu-architecture    → kubernetes.io/arch          (x86_64 ↔ amd64; arm64 unchanged)
//   <custom>                → attribute.ecs.berth.dev/<custom>
//   <prefix>/<name>         → <prefix>/<name>             (a custom name that is a qualified label key)
//
// The other built-in attributes (ecs.ami-id, ecs.os-family, ecs.vpc-id, ecs.subnet-id, and the
// optional ecs.* ones) describe EC2 facts that Kubernetes nodes carry no standard label for; they
// are refused with a hint rather than silently mapped to a label no node has.

import { CUSTOM_ATTRIBUTE_PREFIX, ZONE_LABEL, isValidLabelName } from './labels.js';

export interface AttributeLabel {
  /** The node label that holds the attribute. */
  labelKey: string;
  /** ECS value → label value; identity when absent. */
  toLabelValue?: (ecsValue: string) => string;
  /** Label value → ECS value, so patterns are matched against the values ECS users know. */
  fromLabelValue?: (labelValue: string) => string;
}

export type AttributeResolution = { ok: true; label: AttributeLabel } | { ok: false; reason: string };

const ARCH_TO_LABEL: Record<string, string> = { x86_64: 'amd64' };
const ARCH_FROM_LABEL: Record<string, string> = { amd64: 'x86_64' };

const BUILT_IN: Record<string, AttributeLabel> = {
  'ecs.availability-zone': { labelKey: ZONE_LABEL },
  'ecs.instance-type': { labelKey: 'node.kubernetes.io/instance-type' },
  'ecs.os-type': { labelKey: 'kubernetes.io/os' },
  'ecs.cpu-architecture': {
    labelKey: 'kubernetes.io/arch',
    toLabelValue: (v) => ARCH_TO_LABEL[v] ?? v,
    fromLabelValue: (v) => ARCH_FROM_LABEL[v] ?? v,
  },
};

const REFUSED_HINTS: Record<string, string> = {
  'ecs.os-family': 'use attribute:ecs.os-type, which maps to kubernetes.io/os',
  'ecs.subnet-id': 'use attribute:ecs.availability-zone, which maps to topology.kubernetes.io/zone',
};

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function resolveAttribute(name: string): AttributeResolution {
  if (Object.hasOwn(BUILT_IN, name)) return { ok: true, label: BUILT_IN[name] };
  if (name.startsWith('ecs.')) {
    const hint = REFUSED_HINTS[name] ?? `label the nodes and use a custom attribute, which maps to ${CUSTOM_ATTRIBUTE_PREFIX}<name>`;
    return { ok: false, reason: `attribute:${name} has no Kubernetes node label; ${hint}` };
  }
  if (name.includes('/')) {
    const slash = name.indexOf('/');
    const prefix = name.slice(0, slash);
    const rest = name.slice(slash + 1);
    if (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix) && isValidLabelName(rest)) return { ok: true, label: { labelKey: name } };
    return { ok: false, reason: `attribute:${name} is neither a plain attribute name nor a valid Kubernetes label key (<dns-prefix>/<name>)` };
  }
  if (!isValidLabelName(name)) {
    return {
      ok: false,
      reason: `attribute:${name} cannot become the node label ${CUSTOM_ATTRIBUTE_PREFIX}${name}: a label name is at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
    };
  }
  return { ok: true, label: { labelKey: CUSTOM_ATTRIBUTE_PREFIX + name } };
}
