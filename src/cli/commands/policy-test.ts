import type { Command } from 'commander';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine } from '../output.js';

interface PolicyTestOptions {
  certificate: string;
  identity?: string;
  json?: boolean;
}

export function registerPolicyTest(program: Command): void {
  const policy = commandGroup(program, 'policy', 'policy as code (CEL)');
  policy
    .command('test')
    .description(
      'Evaluate the policies of a YAML file against one certificate without storing anything, and print each decision with its reason. Exits 1 when a validation fails or cannot be evaluated.',
    )
    .argument('<file>', 'a YAML file with Policy documents (and optionally owners, identities, rules)')
    .requiredOption('--certificate <file>', 'the certificate to judge (PEM or DER)')
    .option('--identity <name>', 'judge it as this identity (declared in the file or stored)')
    .option('--json', 'print {"fingerprintSha256","subject","owner","identity","decisions":[...]}')
    .addHelpText(
      'after',
      examples('custos policy test policies.yaml --certificate api.pem --identity payments-api'),
    )
    .action(
      action(async (file: string, options: PolicyTestOptions, command: Command) => {
        const [{ withBackend }, { testPolicies }, { readUserFile }, { pemBlock }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/policy/test-policies.js'),
          import('../../compose/user-files.js'),
          import('../../pki/formats/pem-writer.js'),
        ]);
        const [text, certificate] = await Promise.all([
          readUserFile(file, { what: 'the policy file' }),
          readUserFile(options.certificate, { what: '--certificate' }),
        ]);
        const result = await withBackend(globalOptions(command), {
          local: (rt) =>
            testPolicies(rt, {
              text: text.toString('utf8'),
              fileName: file,
              certificate,
              certificateName: options.certificate,
              identity: options.identity,
            }),
          remote: (api) =>
            api.request<Awaited<ReturnType<typeof testPolicies>>>({
              method: 'POST',
              path: '/v1/policies/test',
              body: {
                policies: text.toString('utf8'),
                fileName: file,
                // A DER file goes as PEM.
                certificate: certificate.includes('-----BEGIN ')
                  ? certificate.toString('utf8')
                  : pemBlock('CERTIFICATE', certificate),
                certificateName: options.certificate,
                identity: options.identity,
              },
            }),
        });
        if (options.json) printJson(result);
        else {
          printLine(
            `${result.subject} (${result.fingerprintSha256.slice(0, 16)}), owner ${result.owner ?? '(none)'}, identity ${result.identity ?? '(none)'}`,
          );
          for (const d of result.decisions) {
            printLine(
              `${d.outcome.toUpperCase().padEnd(5)} ${d.policy}[${d.validation}] ${d.code}: ${d.reason}`,
            );
          }
        }
        return result.decisions.every((d) => d.outcome === 'pass') ? EXIT.ok : EXIT.found;
      }),
    );
}
