import { GROUP, VERSION } from '../api/resource.js';
import type { ResourceRef } from '../runtime/index.js';

// Berth's own kinds, registered with the client up front so no discovery call is needed.

const ref = (kind: string, plural: string, namespaced: boolean): ResourceRef => ({ group: GROUP, version: VERSION, kind, plural, namespaced });

export const TaskDefinitionRef = ref('TaskDefinition', 'taskdefinitions', true);
export const ServiceRef = ref('Service', 'services', true);
export const FargateProfileRef = ref('FargateProfile', 'fargateprofiles', false);

export const BERTH_RESOURCES = [TaskDefinitionRef, ServiceRef, FargateProfileRef];
