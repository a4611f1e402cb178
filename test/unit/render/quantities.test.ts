import { cpuQuantity, gibibytes, mebibytes } from '../../../src/render/quantities.js';

describe('ECS sizes as Kubernetes quantities', () => {
  test.each([
    [1024, '1'],
    [2048, '2'],
    [512, '500m'],
    [256, '250m'],
    [128, '125m'],
    [100, '98m'], // 97.66m, rounded up
    [10, '10m'], // 9.77m
    [1, '1m'],
    [4096, '4'],
  ])('%i CPU units → %s', (units, quantity) => {
    expect(cpuQuantity(units)).toBe(quantity);
  });

  test.each([
    [512, '512Mi'],
    [1024, '1Gi'],
    [1536, '1536Mi'],
    [30720, '30Gi'],
    [64, '64Mi'],
    [1024 * 1024, '1Ti'],
  ])('%i MiB → %s', (mib, quantity) => {
    expect(mebibytes(mib)).toBe(quantity);
  });

  test('GiB', () => {
    expect(gibibytes(50)).toBe('50Gi');
  });
});
