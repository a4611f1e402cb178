// Turns SIGTERM and SIGINT into one orderly stop; a second signal exits at once.

import type { Logger } from 'pino';

export interface ShutdownOptions {
  logger?: Logger;
  signals?: NodeJS.Signals[];
  /** Called on a second signal while stopping. Default: process.exit(1). */
  forceExit?: () => void;
}

/**
 * Calls `stop` once on the first signal. Returns a function that removes the handlers (for
 * tests, and after the process has stopped on its own).
 */
export function onShutdownSignals(stop: (signal: NodeJS.Signals) => Promise<void>, options: ShutdownOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      options.logger?.warn({ signal }, 'second signal; exiting now');
      (options.forceExit ?? (() => process.exit(1)))();
      return;
    }
    stopping = true;
    options.logger?.info({ signal }, 'shutting down');
    stop(signal).catch((err: unknown) => options.logger?.error({ err }, 'shutdown failed'));
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
