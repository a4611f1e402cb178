import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { chaosCommand } from '../../../src/cli/chaos.js';

// The command line only: every case here is refused or answered before a cluster would start.

afterEach(() => {
  jest.restoreAllMocks();
});

describe('berth chaos', () => {
  test('--help names every scenario and option', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    expect(await chaosCommand.run(['--help'])).toBe(0);
    const help = String(log.mock.calls[0][0]);
    for (const scenario of ['kill', 'restart', 'leader', 'webhook']) expect(help).toMatch(new RegExp(`^\\s+${scenario}\\s`, 'm'));
    for (const option of ['--rollouts', '--services', '--restarts', '--downtime', '--takeovers', '--pauses', '--outages', '--seed', '--timeout', '--write']) expect(help).toContain(option);
  });

  test.each([
    [['--scenarios', 'kill,explode'], /--scenarios: unknown explode \(known: kill, restart, leader, webhook\)/],
    [['--scenarios', ','], /--scenarios: unknown \(none given\)/],
    [['--rollouts', '0'], /--rollouts must be at least 1/],
    [['--rollouts', 'many'], /--rollouts must be a whole number/],
    [['--pods', '3'], /unknown option --pods/],
    [['kill'], /unexpected argument kill/],
  ])('%j is refused', async (argv, message) => {
    await expect(chaosCommand.run(argv)).rejects.toThrow(message);
  });
});
