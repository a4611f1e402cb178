import { describe, expect, it } from '@jest/globals';
import {
  FARGATE_SIZES,
  ValueError,
  formatCpu,
  formatMemory,
  isFargateSize,
  parseCpu,
  parseMemory,
  parseTaskDefinitionRef,
  taskDefinitionArn,
} from '../../../src/api/values.js';

describe('parseCpu', () => {
  it.each([
    [256, 256],
    ['256', 256],
    [' 1024 ', 1024],
    ['1 vCPU', 1024],
    ['1 vcpu', 1024],
    ['1vcpu', 1024],
    ['0.25 vCPU', 256],
    ['.5 VCPU', 512],
    ['2 vCPU', 2048],
    ['16 vCPU', 16384],
    ['0.125 vCPU', 128],
    ['0', 0],
  ])('%p → %p units', (input, units) => {
    expect(parseCpu(input)).toBe(units);
  });

  it.each([['1 core'], ['vCPU'], ['-256'], ['1.5'], ['256m'], [''], ['1 vCPU 2']])('refuses %p', (input) => {
    expect(() => parseCpu(input)).toThrow(ValueError);
    expect(() => parseCpu(input)).toThrow(/cpu .* CPU units \("256"\) or vCPUs \("0.25 vCPU"\)/);
  });

  it.each([[-1], [1.5], [Number.NaN]])('refuses the number %p', (input) => {
    expect(() => parseCpu(input)).toThrow(/whole, non-negative/);
  });
});

describe('parseMemory', () => {
  it.each([
    [512, 512],
    ['512', 512],
    ['2048', 2048],
    ['1GB', 1024],
    ['1 GB', 1024],
    ['2 gb', 2048],
    ['0.5GB', 512],
    ['0.5 GB', 512],
    ['30 GB', 30720],
    ['120GB', 122880],
  ])('%p → %p MiB', (input, mib) => {
    expect(parseMemory(input)).toBe(mib);
  });

  it.each([['1024 MiB'], ['1Gi'], ['1 G'], ['GB'], ['two GB'], ['1e3']])('refuses %p', (input) => {
    expect(() => parseMemory(input)).toThrow(/memory .* MiB \("512"\) or GB/);
  });
});

describe('formatting', () => {
  it.each([
    [256, '0.25 vCPU'],
    [1024, '1 vCPU'],
    [4096, '4 vCPU'],
  ])('cpu %p → %p', (units, text) => expect(formatCpu(units)).toBe(text));
  it.each([
    [512, '0.5 GB'],
    [3072, '3 GB'],
  ])('memory %p → %p', (mib, text) => expect(formatMemory(mib)).toBe(text));
});

describe('Fargate sizes', () => {
  it.each([
    [256, 512],
    [256, 1024],
    [256, 2048],
    [512, 1024],
    [512, 4096],
    [1024, 2048],
    [1024, 8192],
    [2048, 4096],
    [2048, 16384],
    [4096, 8192],
    [4096, 30720],
    [8192, 16384],
    [8192, 61440],
    [16384, 32768],
    [16384, 122880],
  ])('accepts %p / %p', (cpu, memory) => expect(isFargateSize(cpu, memory)).toBe(true));

  it.each([
    [256, 1536],
    [256, 3072],
    [512, 512],
    [512, 5120],
    [1024, 1024],
    [1024, 9216],
    [2048, 17408],
    [4096, 31744],
    [8192, 18432],
    [8192, 65536],
    [16384, 36864],
    [16384, 131072],
    [128, 512],
    [3072, 8192],
  ])('refuses %p / %p', (cpu, memory) => expect(isFargateSize(cpu, memory)).toBe(false));

  it('has 7 cpu rows in ascending order', () => {
    expect(FARGATE_SIZES.map((s) => s.cpu)).toEqual([256, 512, 1024, 2048, 4096, 8192, 16384]);
  });
});

describe('task definition references', () => {
  it.each([
    ['web', { family: 'web' }],
    ['web:3', { family: 'web', revision: 3 }],
    ['My_App-2:12', { family: 'My_App-2', revision: 12 }],
    ['arn:aws:ecs:us-east-1:123456789012:task-definition/web:7', { family: 'web', revision: 7 }],
    ['arn:berth:ecs:prod:task-definition/web', { family: 'web' }],
  ])('%p → %p', (ref, parsed) => expect(parseTaskDefinitionRef(ref)).toEqual(parsed));

  it.each([['web:0'], ['web:'], ['web:latest'], ['a b'], [''], ['web:1:2']])('refuses %p', (ref) => {
    expect(() => parseTaskDefinitionRef(ref)).toThrow(/taskDefinition .* must be "family", "family:revision"/);
  });

  it('builds the ARN Berth reports', () => {
    expect(taskDefinitionArn('prod', 'web', 4)).toBe('arn:berth:ecs:prod:task-definition/web:4');
  });
});
