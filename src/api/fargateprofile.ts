import { z } from 'zod';
import { conditionsField } from './conditions.js';
import { int, stringMap, strings, text, timestamp } from './fields.js';
import type { Resource } from './resource.js';

// FargateProfile (cluster-scoped), as on EKS: which pods run in an isolated runtime class on a
// dedicated node pool. Immutable once created; replace a profile by creating a new one and
// deleting the old one.

export const FARGATE_PROFILE_KIND = 'FargateProfile';

/** A namespace name in which `*` (any characters) and `?` (one character) may appear. */
export const NAMESPACE_GLOB_PATTERN = '^[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?$';

export const FargateProfileSelector = z.strictObject({
  namespace: z
    .string()
    .min(1)
    .max(63)
    .regex(new RegExp(NAMESPACE_GLOB_PATTERN), 'must be a namespace name, in which * and ? may appear as wildcards')
    .describe('The namespace of the pods: a name in which * matches any characters and ? one character. Required.'),
  labels: stringMap(
    'Labels the pod must all have (at most 5). * and ? may appear in keys and values as wildcards. Without labels, every pod of the namespace matches.',
    5,
  ).optional(),
});

export const FargateProfileSpec = z
  .strictObject({
    selectors: z
      .array(FargateProfileSelector)
      .min(1)
      .max(5)
      .describe('1 to 5 selectors. A pod matches the profile when it matches any selector; within a selector, the namespace and all labels must match.'),
    runtimeClassName: z
      .string()
      .max(253)
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a RuntimeClass name (a DNS subdomain)')
      .describe("The RuntimeClass given to matching pods; its scheduling puts them on the isolated node pool. Default: the operator's configured runtime class.")
      .optional(),
    subnets: strings('Subnets (or zones) the pods may run in; they become a zone constraint on the pods. At most 16.', 16, 255).optional(),
    podExecutionRoleArn: text('The IAM role for pulling images and writing logs, as on EKS. Recorded.', 2048).optional(),
    tags: stringMap('Tags of the profile (at most 50). Recorded.', 50).optional(),
  })
  .describe('An EKS-style Fargate profile: pods it selects run in an isolated runtime class on a dedicated node pool, one pod per node, sized to the Fargate table.');

export type FargateProfileSelector = z.infer<typeof FargateProfileSelector>;
export type FargateProfileSpec = z.infer<typeof FargateProfileSpec>;

export const FargateProfileRefusal = z.strictObject({
  namespace: text('The namespace of the refused pod.', 63),
  pod: text('The name (or generateName) of the refused pod.', 253),
  reason: text('A CamelCase word for the rule the pod broke, for example Privileged or HostNetwork.', 128),
  message: text('What the pod asked for and why the profile refused it.', 1024).optional(),
  time: timestamp('When the pod was refused.'),
});

export const FargateProfileStatus = z
  .strictObject({
    observedGeneration: int('The metadata.generation this status describes.', 0).optional(),
    podsRouted: int('Pods this profile has routed to its node pool since the operator started.', 0).optional(),
    podsRefused: int('Pods this profile has refused since the operator started.', 0).optional(),
    recentRefusals: z.array(FargateProfileRefusal).max(20).describe('The latest refused pods, newest first (at most 20).').optional(),
    conditions: conditionsField('Active and the other conditions of the profile.').optional(),
  })
  .describe('The observed state of the profile.');

export type FargateProfileRefusal = z.infer<typeof FargateProfileRefusal>;
export type FargateProfileStatus = z.infer<typeof FargateProfileStatus>;
export type FargateProfile = Resource<typeof FARGATE_PROFILE_KIND, FargateProfileSpec, FargateProfileStatus>;

/** The CRD keeps the spec as it was created, as EKS does; this rule is checked on update only. */
export const FARGATE_PROFILE_IMMUTABLE = {
  rule: 'self == oldSelf',
  message: 'spec is immutable: create a new FargateProfile and delete this one to change it',
};
