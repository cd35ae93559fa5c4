import type { Command } from 'commander';

/** Options every command takes: where the state lives. */
export interface GlobalOptions {
  dataDir: string;
  databaseUrl?: string;
}

export function addGlobalOptions(program: Command): void {
  program
    .option(
      '--data-dir <dir>',
      'directory of the embedded SQLite database custos.db (env CUSTOS_DATA_DIR)',
      process.env.CUSTOS_DATA_DIR ?? './.custos',
    )
    .option(
      '--database-url <url>',
      'keep the state in PostgreSQL instead, e.g. postgres://custos@db:5432/custos (env CUSTOS_DATABASE_URL)',
      process.env.CUSTOS_DATABASE_URL,
    );
}

export function globalOptions(command: Command): GlobalOptions {
  const all = command.optsWithGlobals<{ dataDir: string; databaseUrl?: string }>();
  return { dataDir: all.dataDir, databaseUrl: all.databaseUrl || undefined };
}
