import { hostname, userInfo } from 'node:os';

/** The user running the CLI, for audit actors (`cli:alice`) and assignments. */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** This process as a job worker (`custos jobs list` shows who holds a job): host and process id. */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}
