import type { DestinationRegistry } from '../core/ports/destination.js';
import { createFileDestination } from './deployer-file/file-destination.js';

/** The destination kinds, as one explicit map (Kubernetes secrets, agents, webhooks join it later). */
export function buildDestinationRegistry(): DestinationRegistry {
  return { file: createFileDestination() };
}
