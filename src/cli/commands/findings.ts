import type { FindingRow } from '../../core/findings/list-findings.js';
import type { Command } from 'commander';
import { SEVERITIES, type Severity } from '../../core/findings/finding.js';
import { DomainError } from '../../core/errors.js';
import { action, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import {
  displayName,
  byFields,
  EXIT,
  fingerprintColumns,
  listingOptions,
  listingOutput,
  printListing,
  sortFields,
  type Listing,
  type ListingFlags,
} from '../output.js';
import { parseWindowFlag } from '../parse-flags.js';
import { counted } from '../../core/plural.js';
import { locationsText } from './inventory.js';

interface FindingsOptions extends ListingFlags {
  finding?: string;
  failOn?: string;
  expiringSoon: string;
}

/** Worst first by default; `--sort-by severity` from the least severe (`-severity`: the worst first). */
const FINDINGS: Listing<FindingRow> = {
  columns: [
    { header: 'SEVERITY', value: (r) => r.severity },
    { header: 'FINDING', value: (r) => r.code },
    ...fingerprintColumns<FindingRow>((r) => r.fingerprintSha256),
    { header: 'SUBJECT', value: displayName, in: 'table' },
    { header: 'SUBJECT', value: (r) => r.subject, in: 'wide' },
    { header: 'LOCATIONS', value: (r) => locationsText(r.locations), in: 'wide' },
    {
      header: 'MESSAGE',
      value: (r) => (r.waivedBy ? `${r.message} (waived by exception ${r.waivedBy})` : r.message),
    },
  ],
  sortBy: {
    severity: (r) => SEVERITIES.indexOf(r.severity),
    ...byFields<FindingRow>('code', 'fingerprintSha256', 'subject', 'waivedBy'),
  },
  // Waived findings stay listed but are counted apart: an exception accepted them.
  summary: (rows) => {
    const waived = rows.filter((r) => r.waivedBy !== undefined).length;
    return `${counted(rows.length - waived, 'finding')} (${waived} waived) on ${counted(new Set(rows.map((r) => r.fingerprintSha256)).size, 'certificate')}`;
  },
};
const SORT_FIELDS = sortFields(FINDINGS);

function parseSeverity(text: string): Severity {
  if ((SEVERITIES as readonly string[]).includes(text)) return text as Severity;
  throw new DomainError('CUSTOS_INVALID_ARGUMENT', `--fail-on: "${text}" is not a severity`, {
    hint: `use one of ${SEVERITIES.join(', ')}`,
  });
}

export function registerFindings(program: Command): void {
  const findings = program
    .command('findings')
    .description(
      'List every problem of the certificates installed now, one line per certificate and finding, worst first.',
    )
    .option('--finding <code>', 'only this finding code')
    .option(
      '--fail-on <severity>',
      `exit 1 when a finding of this severity or worse exists (${SEVERITIES.join(' < ')})`,
    )
    .option('--expiring-soon <duration>', 'window of the expiring-soon finding', '30d')
    .option(
      '--json',
      'print a JSON array of {fingerprintSha256, subject, code, severity, message, locations}',
    );
  listingOptions(findings, SORT_FIELDS)
    .addHelpText(
      'after',
      examples(
        'custos findings',
        'custos findings --fail-on high --json',
        'custos findings --sort-by code -o wide',
      ),
    )
    .action(
      action(async (options: FindingsOptions, command: Command) => {
        const output = listingOutput(options, SORT_FIELDS);
        const failOn = options.failOn === undefined ? undefined : parseSeverity(options.failOn);
        const [{ withBackend }, { listFindings, failsAt }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/findings/list-findings.js'),
        ]);
        const expiringSoonDays = parseWindowFlag(options.expiringSoon, '--expiring-soon') / 86_400_000;
        const { rows, failed } = await withBackend(globalOptions(command), {
          local: (rt) => listFindings(rt, { finding: options.finding, expiringSoonDays, failOn }),
          remote: async (api) => {
            const rows = await api.request<FindingRow[]>({
              method: 'GET',
              path: '/v1/findings',
              query: { finding: options.finding, expiringSoon: options.expiringSoon },
            });
            return { rows, failed: failsAt(rows, failOn) };
          },
        });
        await printListing(rows, FINDINGS, output);
        return failed ? EXIT.found : EXIT.ok;
      }),
    );
}
