import { containerNames } from '../../../src/render/containers.js';
import { RenderError } from '../../../src/render/findings.js';
import { dnsName, isLabelValue, labelValue, shortHash } from '../../../src/render/names.js';

describe('dnsName', () => {
  test.each([
    ['web', 'web'],
    ['MythicalMysfits-Service', 'mythicalmysfits-service'],
    ['log_router', 'log-router'],
    ['budgetbuddy/plaid', 'budgetbuddy-plaid'],
    ['/ecspresso-test/foo', 'ecspresso-test-foo'],
    ['a__b', 'a-b'],
    ['_x_', 'x'],
  ])('%s → %s', (input, output) => {
    expect(dnsName(input)).toBe(output);
  });

  test('a name too long keeps its head and gets a hash of the whole', () => {
    const long = 'a'.repeat(80);
    const name = dnsName(long);
    expect(name).toBe(`${'a'.repeat(54)}-${shortHash(long)}`);
    expect(name).toHaveLength(63);
  });

  test('a name with nothing usable becomes a hash', () => {
    expect(dnsName('___')).toBe(`x-${shortHash('___')}`);
  });
});

describe('labelValue', () => {
  test.each([
    ['consulServer', 'consulServer'],
    ['Soren-Test', 'Soren-Test'],
    ['0.25 vCPU', '0.25-vCPU'],
    ['-x-', 'x'],
  ])('%s → %s', (input, output) => {
    expect(labelValue(input)).toBe(output);
    expect(isLabelValue(labelValue(input))).toBe(true);
  });

  test('long values are cut and hashed', () => {
    const v = labelValue('github-actions-deploy-task-def-integ-tests-run-task-volume-config');
    expect(v).toHaveLength(63);
    expect(isLabelValue(v)).toBe(true);
  });
});

describe('container names', () => {
  test('follow dnsName', () => {
    expect(containerNames([{ name: 'log_router' }, { name: 'App' }])).toEqual(['log-router', 'app']);
  });

  test('two ECS names that become one Kubernetes name are refused', () => {
    expect(() => containerNames([{ name: 'a_b' }, { name: 'a-b' }])).toThrow(RenderError);
    expect(() => containerNames([{ name: 'a_b' }, { name: 'a-b' }])).toThrow('"a-b" and "a_b" both become container "a-b"');
  });
});
