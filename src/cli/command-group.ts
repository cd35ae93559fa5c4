import { Command } from 'commander';
import { reportError } from './output.js';

/**
 * The parent command `name` (e.g. `scan`, `inventory`), created on first use, so that each subcommand lives in its
 * own file and registers itself under the group.
 */
export function commandGroup(program: Command, name: string, description: string): Command {
  const existing = program.commands.find((c) => c.name() === name);
  if (existing) return existing;
  const group = program.command(name).description(description);
  group.configureHelp(program.configureHelp());
  return group;
}

/** Wraps a command's action: errors become one line on stderr and the catalogue's exit code. */
export function action<A extends unknown[]>(
  work: (...args: A) => Promise<number | void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await work(...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (error) {
      process.exitCode = reportError(error);
    }
  };
}

/** Collects a repeatable flag (`--password a --password b`). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Formats the examples block of a command's --help. */
export const examples = (...lines: string[]): string =>
  `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
