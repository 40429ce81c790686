import { createHash } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@medsweep/config';
import {
  DatabaseAuthError,
  DatabaseCreateError,
  DatabaseUnreachableError,
  FailedMigrationError,
  InvalidDatabaseUrlError,
  MigrationApplyError,
  MigrationChecksumMismatchError,
  MigrationLockTimeoutError,
  MigrationsFolderError,
  UnknownAppliedMigrationError,
} from './errors.js';
import { applyMigrations, MIGRATION_LOCK_KEY, MIGRATIONS_DIR, readMigrations } from './migrate.js';
import { runMigrateCli } from './cli.js';
import { parseDatabaseUrl } from './connection.js';
import { throwawayDatabases, withClient } from './test-support/databases.js';

const dbs = throwawayDatabases();
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-db-migrations-'));
});

afterAll(async () => {
  await dbs.dropAll();
  await rm(scratch, { recursive: true, force: true });
});

/** A copy of the real migrations folder that a test may change. */
async function copyOfMigrations(name: string): Promise<string> {
  const dir = join(scratch, name);
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe('applyMigrations', () => {
  it('creates the database, applies every migration once, and records them as Prisma does', async () => {
    const url = dbs.next();
    const local = await readMigrations();
    const names = local.map((m) => m.name);
    // Every migration folder, in timestamp order, starting with the initial schema.
    const folders = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(names).toEqual(folders);
    expect(names[0]).toBe('20251125000000_init');

    const lines: string[] = [];
    const first = await applyMigrations(url, { log: (l) => lines.push(l) });
    expect(first).toEqual({ applied: names, alreadyApplied: [] });
    expect(lines[0]).toMatch(/^database medsweep_test_\w+: created on /);
    expect(lines.slice(1)).toEqual(
      names.map((n) => expect.stringMatching(new RegExp(`^${n}: applied in \\d+ ms$`))),
    );

    const second = await applyMigrations(url);
    expect(second).toEqual({ applied: [], alreadyApplied: names });

    const rows = await withClient(url, async (c) => {
      const columns = await c.query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns
          WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      expect(columns.rows.map((r) => `${r.column_name} ${r.data_type}`)).toEqual([
        'id character varying',
        'checksum character varying',
        'finished_at timestamp with time zone',
        'migration_name character varying',
        'logs text',
        'rolled_back_at timestamp with time zone',
        'started_at timestamp with time zone',
        'applied_steps_count integer',
      ]);
      return (await c.query('SELECT * FROM _prisma_migrations ORDER BY migration_name')).rows;
    });
    expect(rows).toHaveLength(names.length);
    for (const [i, row] of rows.entries()) {
      const file = await readFile(join(MIGRATIONS_DIR, names[i]!, 'migration.sql'));
      expect(row).toMatchObject({
        migration_name: names[i],
        checksum: createHash('sha256').update(file).digest('hex'),
        logs: null,
        rolled_back_at: null,
        applied_steps_count: 1,
      });
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
    }
  });

  it('serialises concurrent callers: each migration is applied exactly once', async () => {
    const url = dbs.next();
    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);
    const applied = results.flatMap((r) => r.applied).sort();
    const local = (await readMigrations()).map((m) => m.name);
    expect(applied).toEqual(local);
    const count = await withClient(
      url,
      async (c) => (await c.query('SELECT count(*)::int AS n FROM _prisma_migrations')).rows[0].n,
    );
    expect(count).toBe(local.length);
  });

  it('refuses when an applied migration.sql was edited afterwards', async () => {
    const url = dbs.next();
    const dir = await copyOfMigrations('edited');
    await applyMigrations(url, { migrationsDir: dir });
    await appendFile(join(dir, '20251125000000_init', 'migration.sql'), '\n-- edited\n');
    const error = await applyMigrations(url, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationChecksumMismatchError);
    expect(error).toMatchObject({ migrationName: '20251125000000_init' });
    expect((error as Error).message).toMatch(/now hashes to [0-9a-f]{64}: restore the applied file/);
  });

  it('rolls a failing migration back, records it, and refuses to continue until it is resolved', async () => {
    const url = dbs.next();
    const dir = await copyOfMigrations('failing');
    await mkdir(join(dir, '99990101000000_broken'));
    await writeFile(
      join(dir, '99990101000000_broken', 'migration.sql'),
      'CREATE TABLE "half_done" (id int);\nALTER TABLE "no_such_table" ADD COLUMN x int;\n',
    );
    const error = await applyMigrations(url, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationApplyError);
    expect(error).toMatchObject({ migrationName: '99990101000000_broken', sqlState: '42P01' });

    await withClient(url, async (c) => {
      // The transaction took the half-done table with it.
      expect((await c.query(`SELECT to_regclass('half_done') AS t`)).rows[0].t).toBeNull();
      const row = (
        await c.query(`SELECT * FROM _prisma_migrations WHERE migration_name = '99990101000000_broken'`)
      ).rows[0];
      expect(row).toMatchObject({ finished_at: null, rolled_back_at: null, applied_steps_count: 0 });
      expect(row.logs).toMatch(/SQLSTATE 42P01: relation "no_such_table" does not exist/);
    });

    const again = await applyMigrations(url, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(FailedMigrationError);
    expect((again as Error).message).toMatch(/prisma migrate resolve --rolled-back 99990101000000_broken/);

    // Resolved the way `prisma migrate resolve --rolled-back` does, and fixed: it applies.
    await withClient(url, (c) =>
      c.query(`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE finished_at IS NULL`),
    );
    await writeFile(
      join(dir, '99990101000000_broken', 'migration.sql'),
      'CREATE TABLE "half_done" (id int);\n',
    );
    expect((await applyMigrations(url, { migrationsDir: dir })).applied).toEqual(['99990101000000_broken']);
  });

  it('refuses to run older code against a database with migrations it does not know', async () => {
    const url = dbs.next();
    const dir = await copyOfMigrations('newer');
    await mkdir(join(dir, '20251127000000_newer'));
    await writeFile(join(dir, '20251127000000_newer', 'migration.sql'), 'CREATE TABLE "newer" (id int);\n');
    await applyMigrations(url, { migrationsDir: dir });
    const error = await applyMigrations(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownAppliedMigrationError);
    expect(error).toMatchObject({ migrationNames: ['20251127000000_newer'] });
  });

  it('gives up with MigrationLockTimeoutError while another migrator holds the lock', async () => {
    const url = dbs.next();
    await applyMigrations(url);
    await withClient(url, async (holder) => {
      await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const error = await applyMigrations(url, { lockTimeoutMs: 300 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationLockTimeoutError);
      expect((error as Error).message).toMatch(
        /waiting for the migration lock \(pg_advisory_lock\(72707369\)\)/,
      );
    });
  });

  it('does not create the database when told not to', async () => {
    const error = await applyMigrations(dbs.next(), { createDatabase: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseCreateError);
    expect((error as Error).message).toMatch(
      /^database "medsweep_test_\w+" does not exist on .+ and was not created: createDatabase is false/,
    );
  });

  it('rejects a migrations folder that is missing or not in Prisma layout', async () => {
    await expect(readMigrations(join(scratch, 'absent'))).rejects.toThrow(MigrationsFolderError);
    const dir = await copyOfMigrations('no-sql');
    await mkdir(join(dir, '20251128000000_empty'));
    await expect(readMigrations(dir)).rejects.toThrow(/20251128000000_empty\/ has no readable migration.sql/);
  });

  it('says where Postgres was expected when nothing answers, without the password', async () => {
    const error = await applyMigrations('postgresql://medsweep:s3cret-pw@127.0.0.1:1/medsweep').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    expect((error as Error).message).toBe(
      'cannot reach Postgres at 127.0.0.1:1 (ECONNREFUSED): start it with npm run stack:up or set DATABASE_URL',
    );
    expect((error as Error).cause).toBeDefined();
  });

  it('rejects a URL that is not postgresql:// and hides its password', async () => {
    const error = await applyMigrations('mysql://root:s3cret-pw@localhost/db').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidDatabaseUrlError);
    expect((error as Error).message).not.toContain('s3cret-pw');
  });

  it('reports rejected credentials as DatabaseAuthError when the server checks passwords', async () => {
    const url = new URL(dbs.next());
    url.username = 'no_such_user_medsweep';
    url.password = 's3cret-pw';
    const error = await applyMigrations(url.toString()).catch((e: unknown) => e);
    // A trust-auth server accepts any password but not an unknown role (28000); both are auth errors.
    expect(error).toBeInstanceOf(DatabaseAuthError);
    expect((error as Error).message).toContain('rejected user "no_such_user_medsweep"');
    expect((error as Error).message).not.toContain('s3cret-pw');
  });
});

describe('runMigrateCli', () => {
  it('prints one line per migration and a summary, and exits 0', async () => {
    const url = dbs.next();
    const out: string[] = [];
    const err: string[] = [];
    const code = await runMigrateCli(['--database-url', url], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    expect({ code, err }).toEqual({ code: 0, err: [] });
    const names = (await readMigrations()).map((m) => m.name);
    // The configured application role (DATABASE_URL's user) is not the owner here, so it is granted.
    const applicationRole = parseDatabaseUrl(loadConfig().databaseUrl).user;
    expect(out.slice(1)).toEqual([
      ...names.map((name) => expect.stringMatching(new RegExp(`^migrate: ${name}: applied in \\d+ ms$`))),
      `migrate: application role ${applicationRole}: granted DML (audit_events: INSERT and SELECT only)`,
      `migrate: applied ${names.length}, 0 already applied`,
    ]);
  });

  it('exits 1 with the error message when the database is unreachable', async () => {
    const err: string[] = [];
    const code = await runMigrateCli(['--database-url=postgresql://u:p@127.0.0.1:1/x'], {
      out: () => {},
      err: (l) => err.push(l),
    });
    expect(code).toBe(1);
    expect(err).toEqual([
      expect.stringMatching(/^migrate: FAILED: cannot reach Postgres at 127.0.0.1:1 \(ECONNREFUSED\)/),
    ]);
  });
});
