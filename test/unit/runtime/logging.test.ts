import { describe, expect, it, jest } from '@jest/globals';
import { onShutdownSignals } from '../../../src/runtime/shutdown.js';
import { capturingLogger, waitFor } from './helpers.js';

describe('createLogger', () => {
  it('writes JSON with ISO time, the level as a word and secrets redacted', () => {
    const { logger, lines } = capturingLogger('info');
    logger.info({ user: { token: 'abc' }, headers: { authorization: 'Bearer abc' }, secret: { data: { password: 'x' } } }, 'hello');
    logger.debug('hidden');
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line.level).toBe('info');
    expect(line.msg).toBe('hello');
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(line.user).toEqual({ token: '[REDACTED]' });
    expect(line.headers).toEqual({ authorization: '[REDACTED]' });
    expect(line.secret).toEqual({ data: '[REDACTED]' });
  });
});

describe('onShutdownSignals', () => {
  it('stops once on the first signal and exits on the second', async () => {
    const stop = jest.fn((_signal: NodeJS.Signals) => Promise.resolve());
    const forceExit = jest.fn();
    const dispose = onShutdownSignals(stop, { signals: ['SIGUSR2'], forceExit });
    process.emit('SIGUSR2', 'SIGUSR2');
    await waitFor(() => stop.mock.calls.length === 1, 'stop');
    expect(stop).toHaveBeenCalledWith('SIGUSR2');
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(forceExit).toHaveBeenCalledTimes(1);
    expect(stop).toHaveBeenCalledTimes(1);
    dispose();
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });
});
