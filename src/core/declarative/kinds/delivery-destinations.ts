import { Type } from '@sinclair/typebox';
import { closed, command, duration, text } from '../fields.js';

/**
 * The `exec` and `webhook` destination kinds, as ManagedCertificate and TrustBundle both declare them: the same
 * fields, each kind describing what it delivers.
 */

/** Only the CUSTOS_* variables are read from the environment (src/compose/config/environment.ts). */
const environmentVariable = (description: string) =>
  text({ pattern: /^CUSTOS_[A-Z0-9_]+$/, expected: 'an environment variable named CUSTOS_...', description });

export const execDestinationSchema = (what: { command: string; description: string }) =>
  closed(
    {
      command: command(what.command),
      timeout: Type.Optional(duration('How long the command may run (default 30s).')),
    },
    { description: what.description },
  );

export const webhookDestinationSchema = (description: string) =>
  closed(
    {
      url: text({ format: 'key-safe-url', description: 'https://, or http:// to a loopback address only.' }),
      secretEnv: Type.Optional(
        environmentVariable(
          'The variable holding the HMAC secret: the body is signed in Custos-Signature, as webhook notifications are.',
        ),
      ),
      bearerTokenEnv: Type.Optional(
        environmentVariable('The variable holding a token sent as Authorization: Bearer.'),
      ),
      timeout: Type.Optional(duration('How long to wait for the answer (default 10s).')),
    },
    { description },
  );
