import { describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { genCrdsCommand } from '../../../src/cli/gen-crds.js';

async function quietly(argv: string[]): Promise<number> {
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return await genCrdsCommand.run(argv);
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('berth gen-crds', () => {
  it('writes the three files, then --check finds them current', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-crds-'));
    expect(await quietly(['--dir', dir])).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['fargateprofiles.ecs.berth.dev.yaml', 'services.ecs.berth.dev.yaml', 'taskdefinitions.ecs.berth.dev.yaml']);
    expect(await readFile(join(dir, 'services.ecs.berth.dev.yaml'), 'utf8')).toMatch(/^# Generated from src\/api/);
    expect(await quietly(['--check', '--dir', dir])).toBe(0);
  });

  it('--check exits 1 when a file differs or is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-crds-'));
    expect(await quietly(['--check', '--dir', dir])).toBe(1);
    await quietly(['--dir', dir]);
    await writeFile(join(dir, 'services.ecs.berth.dev.yaml'), 'stale\n');
    expect(await quietly(['--check', '--dir', dir])).toBe(1);
  });

  it('answers --help and refuses unknown flags', async () => {
    expect(await quietly(['--help'])).toBe(0);
    expect(await quietly(['--force'])).toBe(2);
    expect(await quietly(['--dir'])).toBe(2);
  });
});
