// The API group and the envelope shared by Berth's three kinds.

import type { ObjectMeta } from './kube.js';

export const GROUP = 'ecs.berth.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}` as const;

export interface Resource<Kind extends string, Spec, Status> {
  apiVersion: typeof API_VERSION;
  kind: Kind;
  metadata: ObjectMeta & { name: string };
  spec: Spec;
  status?: Status;
}
