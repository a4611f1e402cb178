import { list, type Rule } from './rules.js';
import type { ServiceSpecShape } from './service.js';

// Rules of a Service spec that need only the spec; see rules.ts.

type Spec = ServiceSpecShape;

const DAEMON = "has(self.schedulingStrategy) && self.schedulingStrategy == 'DAEMON'";
const FARGATE_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'];

function isDaemon(s: Spec): boolean {
  return s.schedulingStrategy === 'DAEMON';
}

export const serviceSpecRules: Rule<Spec>[] = [
  {
    cel: '!has(self.launchType) || !has(self.capacityProviderStrategy) || size(self.capacityProviderStrategy) == 0',
    message: 'spec.launchType and spec.capacityProviderStrategy are mutually exclusive',
    find: (s) => (s.launchType !== undefined && list(s.capacityProviderStrategy).length > 0 ? [['capacityProviderStrategy']] : []),
  },
  {
    cel: '!has(self.capacityProviderStrategy) || size(self.capacityProviderStrategy.filter(p, has(p.base) && p.base > 0)) <= 1',
    message: 'spec.capacityProviderStrategy: at most one capacity provider may have a base greater than 0',
    find: (s) => (list(s.capacityProviderStrategy).filter((p) => (p.base ?? 0) > 0).length > 1 ? [['capacityProviderStrategy']] : []),
  },
  {
    cel:
      '!has(self.capacityProviderStrategy) || self.capacityProviderStrategy.all(p, ' +
      'self.capacityProviderStrategy.exists_one(q, q.capacityProvider == p.capacityProvider))',
    message: 'spec.capacityProviderStrategy[].capacityProvider must be unique',
    find: (s) =>
      list(s.capacityProviderStrategy).flatMap((p, i, all) =>
        all.findIndex((q) => q.capacityProvider === p.capacityProvider) < i ? [['capacityProviderStrategy', i, 'capacityProvider']] : [],
      ),
  },
  {
    cel:
      `!(${DAEMON}) || ((!has(self.launchType) || self.launchType != 'FARGATE') && ` +
      `(!has(self.capacityProviderStrategy) || !self.capacityProviderStrategy.exists(p, p.capacityProvider in ['FARGATE', 'FARGATE_SPOT'])))`,
    message: 'spec.schedulingStrategy DAEMON is not supported on Fargate (launchType FARGATE or a FARGATE capacity provider)',
    find: (s) =>
      isDaemon(s) && (s.launchType === 'FARGATE' || list(s.capacityProviderStrategy).some((p) => FARGATE_PROVIDERS.includes(p.capacityProvider)))
        ? [['schedulingStrategy']]
        : [],
  },
  {
    cel: `!(${DAEMON}) || !has(self.placementStrategy) || size(self.placementStrategy) == 0`,
    message: 'spec.placementStrategy is not supported with spec.schedulingStrategy DAEMON',
    find: (s) => (isDaemon(s) && list(s.placementStrategy).length > 0 ? [['placementStrategy']] : []),
  },
  {
    cel: `!(${DAEMON}) || !has(self.autoScaling)`,
    message: 'spec.autoScaling is not supported with spec.schedulingStrategy DAEMON',
    find: (s) => (isDaemon(s) && s.autoScaling !== undefined ? [['autoScaling']] : []),
  },
  {
    cel: `!(${DAEMON}) || !has(self.deploymentController) || self.deploymentController.type == 'ECS'`,
    message: 'spec.deploymentController.type must be ECS with spec.schedulingStrategy DAEMON',
    find: (s) => (isDaemon(s) && s.deploymentController !== undefined && s.deploymentController.type !== 'ECS' ? [['deploymentController', 'type']] : []),
  },
  {
    cel:
      "!has(self.launchType) || self.launchType != 'FARGATE' || " +
      '((!has(self.placementConstraints) || size(self.placementConstraints) == 0) && (!has(self.placementStrategy) || size(self.placementStrategy) == 0))',
    message: 'spec.placementConstraints and spec.placementStrategy are not supported with spec.launchType FARGATE (Fargate spreads tasks over zones itself)',
    find: (s) =>
      s.launchType !== 'FARGATE'
        ? []
        : (['placementConstraints', 'placementStrategy'] as const).filter((f) => (s[f]?.length ?? 0) > 0).map((f) => [f]),
  },
  {
    cel:
      "!has(self.deploymentController) || self.deploymentController.type == 'ECS' || !has(self.deploymentConfiguration) || " +
      '!has(self.deploymentConfiguration.deploymentCircuitBreaker) || !self.deploymentConfiguration.deploymentCircuitBreaker.enable',
    message: 'spec.deploymentConfiguration.deploymentCircuitBreaker can be enabled only with spec.deploymentController.type ECS',
    find: (s) =>
      s.deploymentController !== undefined && s.deploymentController.type !== 'ECS' && s.deploymentConfiguration?.deploymentCircuitBreaker?.enable
        ? [['deploymentConfiguration', 'deploymentCircuitBreaker', 'enable']]
        : [],
  },
];
