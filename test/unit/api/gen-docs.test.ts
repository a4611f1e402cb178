import { describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BEGIN, END, genDocsCommand, withFieldTable } from '../../../src/cli/gen-docs.js';

async function quietly(argv: string[]): Promise<number> {
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return await genDocsCommand.run(argv);
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('berth gen-docs', () => {
  it("keeps the README's ECS field table as src/api/ecs-fields.ts has it (run npm run gen:crds)", async () => {
    const readme = await readFile('README.md', 'utf8');
    expect(withFieldTable(readme)).toBe(readme);
  });

  it('shows the new deployment model as reported, and output-only fields as kept', async () => {
    const readme = await readFile('README.md', 'utf8');
    expect(readme).toMatch(/\| `deploymentConfiguration\.strategy` \| reported \| not honoured: every deployment runs as a rolling update/);
    expect(readme).toMatch(/\| `currentServiceDeployment` \| output-only \| kept in annotation ecs\.berth\.dev\/ecs-output \|/);
  });

  it('writes the table between the markers, then --check finds it current; a stale table exits 1', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'berth-docs-')), 'README.md');
    await writeFile(file, `# Title\n\n${BEGIN}\nold\n${END}\n\nrest\n`);
    expect(await quietly(['--check', '--file', file])).toBe(1);
    expect(await quietly(['--file', file])).toBe(0);
    const written = await readFile(file, 'utf8');
    expect(written).toMatch(/^# Title\n\n<!-- ecs-fields:begin/);
    expect(written).toMatch(/ecs-fields:end -->\n\nrest\n$/);
    expect(await quietly(['--check', '--file', file])).toBe(0);
  });

  it('refuses a file without markers, unknown flags, and answers --help', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'berth-docs-')), 'README.md');
    await writeFile(file, '# no table\n');
    expect(await quietly(['--file', file])).toBe(1);
    expect(await quietly(['--force'])).toBe(2);
    expect(await quietly(['--help'])).toBe(0);
  });
});
