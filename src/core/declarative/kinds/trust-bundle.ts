import { Type, type Static } from '@sinclair/typebox';
import type { FieldPath, FieldProblem } from '../../schema/validator.js';
import { absolutePath, closed, fileMode, list, name, reloadCommand } from '../fields.js';
import { execDestinationSchema, webhookDestinationSchema } from './delivery-destinations.js';

const bundleFile = closed(
  {
    path: absolutePath('The bundle file (PEM): every root and intermediate relying parties must trust now.'),
    mode: Type.Optional(fileMode('Mode of the file (default 0644).')),
    reload: Type.Optional(reloadCommand()),
  },
  {
    description:
      'Written atomically when its content differs from the bundle (the previous file kept as PATH.previous), then the reload command runs.',
  },
);

const bundleExec = execDestinationSchema({
  command:
    'Program and arguments, run without a shell, with the bundle file in CUSTOS_BUNDLE_FILE (and CUSTOS_TRUST_BUNDLE_NAME, CUSTOS_BUNDLE_SHA256).',
  description:
    'A command that installs the bundle (appliances, scripts), run when the bundle differs from the one it last installed; its exit code decides, its output is audited.',
});

const bundleWebhook = webhookDestinationSchema(
  'POSTs the bundle (JSON: name, sha256, pem) to an endpoint that installs it, when it differs from the one it last accepted; any 2xx is success, anything else is retried with backoff. http:// only to a loopback address.',
);

/** One destination: exactly one of its kinds, as a ManagedCertificate's. */
const bundleDestination = closed(
  { file: Type.Optional(bundleFile), exec: Type.Optional(bundleExec), webhook: Type.Optional(bundleWebhook) },
  { minProperties: 1, maxProperties: 1, description: 'Exactly one of file, exec, webhook.' },
);

/**
 * TrustBundle: the built-in CA's trust bundle (what `custos ca bundle [--ca NAME]` prints) as a deployable artefact.
 * The reconciler writes it to every destination whenever it differs — after `ca init`, `ca import`, `ca rotate` (the
 * next CA enters at once) and when a retired CA leaves — and audits each delivery as `bundle.deployed`.
 */
export const trustBundleSpec = closed({
  ca: Type.Optional(
    name('Only this CA and its generations (after `ca rotate`); without it every CA of the built-in CA.'),
  ),
  destinations: list(bundleDestination, { minItems: 1, description: 'Where the bundle goes.' }),
});

export type TrustBundleSpec = Static<typeof trustBundleSpec>;

/** Two destinations of one bundle that name one file would rewrite and reload it on every pass: refused. */
export function trustBundleProblems(spec: TrustBundleSpec, at: FieldPath): FieldProblem[] {
  const first = new Map<string, number>();
  const problems: FieldProblem[] = [];
  spec.destinations.forEach((destination, i) => {
    const path = destination.file?.path;
    if (path === undefined) return;
    const earlier = first.get(path);
    if (earlier === undefined) first.set(path, i);
    else
      problems.push({
        path: [...at, 'destinations', i, 'file', 'path'],
        message: `${path} is already the file of destinations[${earlier}]`,
      });
  });
  return problems;
}
