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

  test.each([
    [Number.MAX_SAFE_INTEGER, '8796093022208'], // exact: 9007199254740991 * 1000 / 1024 = 8796093022207999.02, rounded up
    [Number.MAX_SAFE_INTEGER - 1024, '8796093022207'],
    [1024 * 2 ** 40, '1099511627776'],
  ])('%i CPU units, exactly, never with an exponent → %s', (units, quantity) => {
    expect(cpuQuantity(units)).toBe(quantity);
  });

  test('MiB up to 2^53-1, exactly', () => {
    expect(mebibytes(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991Mi');
    expect(mebibytes(2 ** 52)).toBe('4294967296Ti');
  });

  test.each([1e31, 2 ** 53, -1, 1.5])('%d is not rendered: it is not a whole number below 2^53', (n) => {
    expect(() => cpuQuantity(n)).toThrow(RangeError);
    expect(() => mebibytes(n)).toThrow(RangeError);
  });
});
