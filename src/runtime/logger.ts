// The root logger: JSON lines with ISO time and the level as a word, secrets redacted.

import { pino, type DestinationStream, type Logger } from 'pino';

export interface LoggerOptions {
  /** 'fatal' … 'trace', or 'silent'. Default 'info'. */
  level?: string;
  /** Fields on every line, e.g. { component: 'berth' }. */
  base?: Record<string, unknown>;
  /** Default: stdout. */
  destination?: DestinationStream;
}

// Tokens from kubeconfigs and request headers, and the data of Secrets, never reach the logs.
const REDACT = [
  'token',
  '*.token',
  'bearerToken',
  '*.bearerToken',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.Authorization',
  '*.headers.Authorization',
  'data',
  '*.data',
  'stringData',
  '*.stringData',
];

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? {},
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: '[REDACTED]' },
    },
    options.destination,
  );
}
