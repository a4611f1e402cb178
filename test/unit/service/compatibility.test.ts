import type { ServiceSpec } from '../../../src/api/service.js';
import { checkCompatibility, effectiveLaunchType } from '../../../src/ecs/compatibility.js';

type Spec = Pick<ServiceSpec, 'launchType' | 'capacityProviderStrategy' | 'schedulingStrategy'>;

describe('launch type against requiresCompatibilities', () => {
  test.each<[string, Spec, string[] | undefined, string | undefined]>([
    ['EC2 runs any task definition', { launchType: 'EC2' }, undefined, undefined],
    ['EC2 runs a Fargate task definition', { launchType: 'EC2' }, ['FARGATE'], undefined],
    ['no launch type means EC2', {}, ['FARGATE'], undefined],
    ['FARGATE needs FARGATE listed', { launchType: 'FARGATE' }, ['EC2'], 'IncompatibleLaunchType'],
    ['FARGATE with nothing listed', { launchType: 'FARGATE' }, undefined, 'IncompatibleLaunchType'],
    ['FARGATE with FARGATE listed', { launchType: 'FARGATE' }, ['EC2', 'FARGATE'], undefined],
    ['a FARGATE_SPOT capacity provider needs FARGATE too', { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] }, ['EC2'], 'IncompatibleLaunchType'],
    ['DAEMON on FARGATE is refused', { launchType: 'FARGATE', schedulingStrategy: 'DAEMON' }, ['FARGATE'], 'DaemonOnFargate'],
    ['DAEMON on EC2 is fine', { schedulingStrategy: 'DAEMON' }, undefined, undefined],
  ])('%s', (_name, spec, compatibilities, reason) => {
    const result = checkCompatibility(spec, compatibilities ? { requiresCompatibilities: compatibilities as ('EC2' | 'FARGATE')[] } : {}, 'web:3');
    if (reason === undefined) expect(result).toEqual({ ok: true });
    else expect(result).toMatchObject({ ok: false, reason });
  });

  test('the message names the revision and what it lists', () => {
    expect(checkCompatibility({ launchType: 'FARGATE' }, { requiresCompatibilities: ['EC2'] }, 'web:3')).toEqual({
      ok: false,
      reason: 'IncompatibleLaunchType',
      message: 'task definition web:3 does not support launch type FARGATE: its requiresCompatibilities ([EC2]) do not include FARGATE',
    });
  });

  test.each<[Spec, string | undefined]>([
    [{}, 'EC2'],
    [{ launchType: 'EXTERNAL' }, 'EXTERNAL'],
    [{ capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }, { capacityProvider: 'FARGATE_SPOT' }] }, 'FARGATE'],
    [{ capacityProviderStrategy: [{ capacityProvider: 'pool-a' }] }, 'EC2'],
    [{ capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }, { capacityProvider: 'pool-a' }] }, undefined],
  ])('effective launch type of %j is %s', (spec, launchType) => {
    expect(effectiveLaunchType(spec)).toBe(launchType);
  });
});
