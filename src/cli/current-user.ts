import { userInfo } from 'node:os';

/** The user running the CLI, for audit actors (`cli:alice`) and assignments. */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
