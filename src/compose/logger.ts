import { pino, type Logger } from 'pino';
import type { LogLevel } from './config/schema.js';

export type { Logger };

/**
 * The process logger: JSON lines on stderr, so stdout stays the command's output. The CLI is silent unless a level
 * is asked for (`--log-level`, `CUSTOS_LOG_LEVEL`, `logLevel:`); the server will log at info.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { name: 'custos' } }, pino.destination({ fd: 2, sync: true }));
}
