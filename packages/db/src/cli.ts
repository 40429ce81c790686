// `db:migrate`: applies pending migrations as the migrator (MIGRATION_DATABASE_URL), grants the application
// role (DATABASE_URL's user), and prints one line per step.
import { loadConfig } from '@medsweep/config';
import { DbError } from './errors.js';
import { migrateConfiguredDatabase } from './migrate.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const USAGE = `usage: migrate [--database-url URL]
Applies pending migrations from packages/db/prisma/migrations as the schema's owner (default:
MIGRATION_DATABASE_URL) and grants the application role (DATABASE_URL's user) what it needs.`;

/**
 * Runs the migrate command with `argv` (arguments after the program name) and returns the exit code:
 * 0 applied or already up to date, 1 a database or migration failure (its message printed), 2 bad usage.
 */
export async function runMigrateCli(
  argv: readonly string[] = process.argv.slice(2),
  io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) },
): Promise<number> {
  let databaseUrl: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--database-url' && argv[i + 1] !== undefined) databaseUrl = argv[++i];
    else if (arg?.startsWith('--database-url=')) databaseUrl = arg.slice('--database-url='.length);
    else if (arg === '--help' || arg === '-h') {
      io.out(USAGE);
      return 0;
    } else {
      io.err(`migrate: unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
      return 2;
    }
  }
  try {
    const config = loadConfig();
    const { applied, alreadyApplied } = await migrateConfiguredDatabase(
      { ...config, migrationDatabaseUrl: databaseUrl ?? config.migrationDatabaseUrl },
      { log: (line) => io.out(`migrate: ${line}`) },
    );
    io.out(
      `migrate: ${applied.length === 0 ? 'up to date' : `applied ${applied.length}`}, ${alreadyApplied.length} already applied`,
    );
    return 0;
  } catch (error) {
    io.err(`migrate: FAILED: ${error instanceof DbError ? error.message : String(error)}`);
    if (!(error instanceof DbError) && error instanceof Error && error.stack) io.err(error.stack);
    return 1;
  }
}
