import { hostname, userInfo } from 'node:os';
import type { Environment } from './config/environment.js';

/** Who runs this process: the OS user (`USER` when the user database cannot be read, e.g. an unknown uid). */
export function currentUser(env: Environment): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? 'unknown';
  }
}

/** Where a change came from, as audit events record it: the surface and the user (`cli:alice`). */
export type Surface = 'cli' | 'server';

export const auditActor = (surface: Surface, user: string): string => `${surface}:${user}`;

/** This process as a job worker (`custos jobs list` shows who holds a job): host and process id. */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}
