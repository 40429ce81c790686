// Applies the SQL migrations in prisma/migrations without Prisma's schema engine, keeping the books in
// Prisma's own `_prisma_migrations` table exactly as `prisma migrate deploy` would, so `prisma migrate
// status` and this runner agree about what is applied.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MedsweepConfig } from '@medsweep/config';
import pg from 'pg';
import {
  connectionFailure,
  errorCode,
  parseDatabaseUrl,
  quoteIdent,
  withDatabase,
  type DatabaseTarget,
} from './connection.js';
import {
  DatabaseCreateError,
  FailedMigrationError,
  MigrationApplyError,
  MigrationChecksumMismatchError,
  MigrationLockTimeoutError,
  MigrationsFolderError,
  UnknownAppliedMigrationError,
} from './errors.js';
import { grantApplicationRole } from './roles.js';

/** This package's migrations folder (the same path from src/ and from dist/). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

/**
 * The advisory-lock key Prisma's schema engine takes around migrations. Using the same key makes this
 * runner and a real `prisma migrate deploy` wait for each other instead of racing.
 */
export const MIGRATION_LOCK_KEY = 72707369;

export interface ApplyMigrationsOptions {
  /** Folder in Prisma's migrations layout; defaults to this package's prisma/migrations. */
  migrationsDir?: string;
  /** Create the database named in the URL when it is missing (connecting to `postgres`); default true. */
  createDatabase?: boolean;
  /** How long to wait for another migrator's advisory lock before giving up; default 60 s. */
  lockTimeoutMs?: number;
  /** Receives one summary line per migration (and one for a created database); default: silent. */
  log?: (line: string) => void;
  /**
   * The application's role (DATABASE_URL's user), granted what it needs after the migrations (see
   * grantApplicationRole). Omitted, or the migrating role itself: nothing is granted.
   */
  applicationRole?: string;
}

export interface ApplyMigrationsResult {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations that were already applied before this call, in order. */
  alreadyApplied: string[];
}

/** One `<timestamp>_<name>/migration.sql` of the migrations folder. */
export interface LocalMigration {
  name: string;
  sql: string;
  /** sha256 hex of migration.sql's bytes: Prisma's checksum. */
  checksum: string;
}

/** A row of `_prisma_migrations`. */
interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

/** The checksum Prisma records for a migration: sha256 hex of migration.sql as stored on disk. */
export function migrationChecksum(contents: string | Buffer): string {
  return createHash('sha256').update(contents).digest('hex');
}

/**
 * Reads a migrations folder in Prisma's layout, in the order Prisma applies it (folder names sorted).
 * Throws MigrationsFolderError when it is missing, not for postgresql, or a folder has no migration.sql.
 */
export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<LocalMigration[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (cause) {
    throw new MigrationsFolderError(dir, `cannot be read (${errorCode(cause) ?? String(cause)})`, { cause });
  }
  const lock = await readFile(join(dir, 'migration_lock.toml'), 'utf8').catch(() => undefined);
  if (lock !== undefined && !/^\s*provider\s*=\s*"postgresql"\s*$/m.test(lock)) {
    throw new MigrationsFolderError(dir, 'migration_lock.toml names a provider other than "postgresql"');
  }
  const names = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = join(dir, name, 'migration.sql');
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (cause) {
        throw new MigrationsFolderError(dir, `${name}/ has no readable migration.sql`, { cause });
      }
      return { name, sql: bytes.toString('utf8'), checksum: migrationChecksum(bytes) };
    }),
  );
}

/**
 * Brings the database at `databaseUrl` up to date with the migrations folder.
 *
 * - Creates the database when it is missing (through the `postgres` maintenance database).
 * - Serialises concurrent callers (and `prisma migrate`) with `pg_advisory_lock(72707369)`.
 * - Refuses to run when an applied migration's file changed (MigrationChecksumMismatchError), when an
 *   earlier migration failed (FailedMigrationError), or when the database has migrations this code lacks
 *   (UnknownAppliedMigrationError).
 * - Applies each pending migration and its `_prisma_migrations` row in one transaction; on failure it
 *   rolls back, records the failure as Prisma does, and throws MigrationApplyError.
 * - With `applicationRole`, grants that role what the application needs, afterwards (grantApplicationRole).
 *
 * Migrations therefore must not contain statements that cannot run in a transaction
 * (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE before Postgres 12, VACUUM).
 */
export async function applyMigrations(
  databaseUrl: string,
  opts: ApplyMigrationsOptions = {},
): Promise<ApplyMigrationsResult> {
  const target = parseDatabaseUrl(databaseUrl);
  const dir = opts.migrationsDir ?? MIGRATIONS_DIR;
  const log = opts.log ?? (() => {});
  const migrations = await readMigrations(dir);

  const client = await connectCreatingDatabase(target, opts.createDatabase ?? true, log);
  try {
    await acquireLock(client, target, opts.lockTimeoutMs ?? 60_000);
    try {
      await ensureMigrationsTable(client);
      const rows = (
        await client.query<MigrationRow>(
          'SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count ' +
            'FROM "_prisma_migrations" ORDER BY started_at, migration_name',
        )
      ).rows;
      const applied = checkHistory(rows, migrations, target, dir);

      const result: ApplyMigrationsResult = { applied: [], alreadyApplied: [] };
      for (const migration of migrations) {
        if (applied.has(migration.name)) {
          result.alreadyApplied.push(migration.name);
          log(`${migration.name}: already applied`);
          continue;
        }
        const started = Date.now();
        await applyOne(client, migration, target);
        result.applied.push(migration.name);
        log(`${migration.name}: applied in ${Date.now() - started} ms`);
      }
      if (opts.applicationRole !== undefined && opts.applicationRole !== target.user) {
        await grantApplicationRole(client, opts.applicationRole);
        log(`application role ${opts.applicationRole}: granted DML (audit_events: INSERT and SELECT only)`);
      }
      return result;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Validates `_prisma_migrations` against the folder and returns the names of the applied migrations.
 * Rows marked rolled back are ignored, as Prisma ignores them.
 */
function checkHistory(
  rows: readonly MigrationRow[],
  migrations: readonly LocalMigration[],
  target: DatabaseTarget,
  dir: string,
): Set<string> {
  const live = rows.filter((r) => r.rolled_back_at === null);
  const failed = live.find((r) => r.finished_at === null);
  if (failed) {
    throw new FailedMigrationError(failed.migration_name, target.label, failed.started_at, failed.logs);
  }
  const local = new Map(migrations.map((m) => [m.name, m]));
  const unknown = live.filter((r) => !local.has(r.migration_name)).map((r) => r.migration_name);
  if (unknown.length > 0) throw new UnknownAppliedMigrationError(unknown, target.label, dir);
  for (const row of live) {
    const file = local.get(row.migration_name);
    if (file && file.checksum !== row.checksum) {
      throw new MigrationChecksumMismatchError(row.migration_name, target.label, row.checksum, file.checksum);
    }
  }
  return new Set(live.map((r) => r.migration_name));
}

async function applyOne(client: pg.Client, migration: LocalMigration, target: DatabaseTarget): Promise<void> {
  try {
    await client.query('BEGIN');
    // The simple query protocol (no parameters) runs a multi-statement script in one round trip.
    await client.query(migration.sql);
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) ' +
        'VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, now(), 1)',
      [randomUUID(), migration.checksum, migration.name],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    const sqlState = errorCode(error);
    const detail = describePgError(error);
    // Record the failure the way Prisma does (finished_at NULL, logs set), so that both this runner and
    // `prisma migrate status` stop here until someone resolves it.
    await client
      .query(
        'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) ' +
          'VALUES ($1, $2, NULL, $3, $4, NULL, now(), 0)',
        [
          randomUUID(),
          migration.checksum,
          migration.name,
          `${sqlState ? `SQLSTATE ${sqlState}: ` : ''}${detail}`,
        ],
      )
      .catch(() => {});
    throw new MigrationApplyError(migration.name, target.label, sqlState, detail, { cause: error });
  }
}

/** Prisma's own definition of its bookkeeping table (schema-engine, postgres flavour). */
async function ensureMigrationsTable(client: pg.Client): Promise<void> {
  await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`);
}

/** Waits for the migration advisory lock, polling so the wait can be bounded and reported. */
async function acquireLock(client: pg.Client, target: DatabaseTarget, timeoutMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      MIGRATION_LOCK_KEY,
    ]);
    if (rows[0]?.locked) return;
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw new MigrationLockTimeoutError(target.label, MIGRATION_LOCK_KEY, waited);
    await new Promise((resolve) => setTimeout(resolve, Math.min(200, timeoutMs - waited)));
  }
}

/** Opens a client on the target database, creating the database first when it is missing and allowed. */
async function connectCreatingDatabase(
  target: DatabaseTarget,
  createDatabase: boolean,
  log: (line: string) => void,
): Promise<pg.Client> {
  try {
    return await connect(target.url, target);
  } catch (error) {
    if (errorCode(error) !== '3D000') throw error;
    if (!createDatabase) {
      throw new DatabaseCreateError(target.database, target.server, 'createDatabase is false', {
        cause: error,
      });
    }
  }
  await createDatabaseOnServer(target);
  log(`database ${target.database}: created on ${target.server}`);
  return connect(target.url, target);
}

async function createDatabaseOnServer(target: DatabaseTarget): Promise<void> {
  let admin: pg.Client;
  try {
    admin = await connect(withDatabase(target.url, 'postgres'), target);
  } catch (cause) {
    throw new DatabaseCreateError(
      target.database,
      target.server,
      `cannot connect to the maintenance database "postgres" (${errorCode(cause) ?? describePgError(cause)})`,
      { cause },
    );
  }
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(target.database)}`);
  } catch (cause) {
    const code = errorCode(cause);
    // Another caller created it first: 42P04 duplicate_database, or 23505 from the catalog's unique index.
    if (code !== '42P04' && code !== '23505') {
      throw new DatabaseCreateError(
        target.database,
        target.server,
        `CREATE DATABASE failed (${describePgError(cause)})`,
        {
          cause,
        },
      );
    }
  } finally {
    await admin.end().catch(() => {});
  }
}

/** Connects one client; unreachable servers and rejected credentials become their DbErrors. */
async function connect(url: string, target: DatabaseTarget): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // A connection lost while idle is reported by the next query; without a listener it would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    throw connectionFailure(error, target) ?? error;
  }
}

function describePgError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { position } = error as { position?: string };
  return position ? `${error.message} (at character ${position})` : error.message;
}

/**
 * Migrates the configured database as the migrator (MIGRATION_DATABASE_URL) and grants the application
 * role (DATABASE_URL's user) what it needs: what `medsweep migrate`, `npm run db:migrate` and `stack:up` do.
 */
export function migrateConfiguredDatabase(
  config: Pick<MedsweepConfig, 'databaseUrl' | 'migrationDatabaseUrl'>,
  opts: Omit<ApplyMigrationsOptions, 'applicationRole'> = {},
): Promise<ApplyMigrationsResult> {
  return applyMigrations(config.migrationDatabaseUrl, {
    ...opts,
    applicationRole: parseDatabaseUrl(config.databaseUrl).user,
  });
}
