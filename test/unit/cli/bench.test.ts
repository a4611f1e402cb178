import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { benchCommand, replaceSection } from '../../../src/cli/bench.js';

// The command line only: every case here is refused or answered before a cluster would start.

afterEach(() => {
  jest.restoreAllMocks();
});

const RESULTS = `# Benchmark results

Intro.

## B1: converge 1000 Services

Command: \`npm run bench -- b1 --services 1000\`

- Measured under load.

## B2: something else

Kept.
`;

describe('berth bench', () => {
  test('--help names every benchmark and option, and which benchmark reads it', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    expect(await benchCommand.run(['--help'])).toBe(0);
    const help = String(log.mock.calls[0][0]);
    expect(help).toMatch(/^\s+b1\s/m);
    expect(help).toMatch(/^\s+b3\s/m);
    for (const [option, readers] of [['services', 'B1'], ['pods', 'B3'], ['concurrency', 'B1 and B3'], ['rate', 'B3'], ['seconds', 'B3']]) {
      expect(help).toMatch(new RegExp(`--${option} N\\s+${readers}:`));
    }
    expect(help).toContain('--write');
  });

  test.each([
    [['b2'], 'unknown benchmark b2'],
    [['b1', '--pods', '10'], 'unknown option --pods'],
    [['b3', '--services', '10'], 'unknown option --services'],
    [['b3', '--rate', '0'], '--rate must be at least 1'],
    [['b3', '--seconds', 'x'], '--seconds must be a whole number'],
  ])('%j is refused: %s', async (argv, message) => {
    await expect(benchCommand.run(argv)).rejects.toThrow(message);
  });
});

describe('replaceSection', () => {
  test('replaces only the named section, up to the next heading', () => {
    const out = replaceSection(RESULTS, 'b1', '## B1: converge 10 Services\n\nNew.\n');
    expect(out).toBe(RESULTS.replace(/## B1:[^]*?(?=## B2)/, '## B1: converge 10 Services\n\nNew.\n\n'));
  });

  test('appends a section the file does not have, leaving the others as they are', () => {
    const out = replaceSection(RESULTS, 'b3', '## B3: pod admission\n\nNumbers.\n');
    expect(out).toBe(`${RESULTS}\n## B3: pod admission\n\nNumbers.\n`);
  });

  test('replaces the last section to the end of the file', () => {
    const once = replaceSection(RESULTS, 'b3', '## B3: first\n');
    expect(replaceSection(once, 'b3', '## B3: second\n')).toBe(`${RESULTS}\n## B3: second\n`);
  });

  test('a heading mentioned inside a line is not a section', () => {
    const text = '# R\n\nSee ## B3: below.\n';
    expect(replaceSection(text, 'b3', '## B3: x\n')).toBe('# R\n\nSee ## B3: below.\n\n## B3: x\n');
  });
});
