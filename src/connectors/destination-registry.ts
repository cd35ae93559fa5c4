import type { BundleDestinationRegistry, DestinationRegistry } from '../core/ports/destination.js';
import { createBundleExecDestination } from './deployer-exec/bundle-exec-destination.js';
import { createBundleFileDestination } from './deployer-file/bundle-file-destination.js';
import { createBundleWebhookDestination } from './deployer-webhook/bundle-webhook-destination.js';
import { createExecDestination } from './deployer-exec/exec-destination.js';
import { createFileDestination } from './deployer-file/file-destination.js';
import { createWebhookDestination } from './deployer-webhook/webhook-destination.js';

/** What the destinations need from the process: its CUSTOS_* environment, a command's base environment, the time. */
export interface DestinationContext {
  /** The CUSTOS_* variables read at start (webhook secrets and tokens, by name). */
  env: Readonly<Record<string, string | undefined>>;
  /** What an exec destination's command inherits (PATH, HOME, locale). */
  commandEnvironment: Readonly<Record<string, string>>;
  now: () => Date;
}

/** The destination kinds, as one explicit map (Kubernetes secrets and agents join it later). */
export function buildDestinationRegistry(context: DestinationContext): DestinationRegistry {
  return {
    file: createFileDestination({ env: context.commandEnvironment }),
    exec: createExecDestination({ base: context.commandEnvironment }),
    webhook: createWebhookDestination({ env: context.env, now: context.now }),
  };
}

/** The trust bundle destination kinds (TrustBundle spec.destinations[]), as one explicit map. */
export function buildBundleDestinationRegistry(context: DestinationContext): BundleDestinationRegistry {
  return {
    file: createBundleFileDestination({ env: context.commandEnvironment }),
    exec: createBundleExecDestination({ base: context.commandEnvironment }),
    webhook: createBundleWebhookDestination({ env: context.env, now: context.now }),
  };
}
