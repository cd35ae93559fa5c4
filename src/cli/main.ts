import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { examples } from './command-group.js';
import { addGlobalOptions } from './global-options.js';
import { EXIT, reportError } from './output.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Commander's message on one line: its "(Did you mean ...?)" hint comes on a line of its own. */
const oneLine = (text: string): string => text.trim().replace(/\s*\n\s*/g, ' ');

export function buildProgram(): Command {
  const program = new Command('custos')
    .description(
      'Custos keeps an inventory of every certificate you run, who owns it and what is wrong with it, with an audit trail.',
    )
    .version(version(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      // One line, like every other error: the code, what was wrong, where the usage is.
      outputError: (text, write) =>
        write(`custos: CUSTOS_USAGE: ${oneLine(text.replace(/^error: /, ''))} (run with --help for usage)\n`),
    });
  addGlobalOptions(program);
  registerCommands(program);
  program.addHelpText(
    'after',
    examples(
      'custos scan files /etc/ssl',
      'custos --data-dir /var/lib/custos inventory list --expiring-within 30d',
      'CUSTOS_DATABASE_URL=postgres://custos@db:5432/custos custos findings --fail-on high',
    ),
  );
  return program;
}

export async function main(argv: string[]): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // A reader that stops early (`custos inventory list | head`) is not an error.
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.exitCode = reportError(error);
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
      process.exitCode = ok ? EXIT.ok : EXIT.usage;
      return;
    }
    throw error;
  }
}
