// Drift between prisma/schema.prisma and prisma/migrations, judged by Prisma itself:
// `prisma migrate diff --from-migrations prisma/migrations --to-schema-datamodel prisma/schema.prisma`
// replays every migration into a shadow database (created beside a throwaway database on the
// loadConfig().databaseUrl server), introspects it, and diffs it against the schema. It runs offline on
// the CLI's wasm schema engine (prisma.config.ts, engine: 'js'). Functions and triggers are outside
// Prisma's model, so the audit trigger migration does not count as drift.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from './migrate.js';
import { throwawayDatabases } from './test-support/databases.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const schemaPath = join(packageDir, 'prisma', 'schema.prisma');

const dbs = throwawayDatabases();
let databaseUrl: string;
let scratch: string;

beforeAll(async () => {
  databaseUrl = dbs.next();
  await applyMigrations(databaseUrl);
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-db-drift-'));
});

afterAll(async () => {
  await dbs.dropAll();
  await rm(scratch, { recursive: true, force: true });
});

/** Runs the Prisma CLI in packages/db against the throwaway database; resolves with its exit code and output. */
function prisma(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [prismaCli, ...args],
      {
        cwd: packageDir,
        env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1', NO_COLOR: '1' },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

function diffAgainst(schema: string) {
  return prisma([
    'migrate',
    'diff',
    '--from-migrations',
    'prisma/migrations',
    '--to-schema-datamodel',
    schema,
    '--exit-code',
  ]);
}

describe('schema.prisma and prisma/migrations', () => {
  it('describe the same database (prisma migrate diff finds no difference)', async () => {
    const { code, output } = await diffAgainst(schemaPath);
    // Exit codes with --exit-code: 0 no difference, 2 difference, 1 error.
    expect(
      code,
      `schema.prisma and prisma/migrations disagree. Write a migration for the change:\n` +
        `  cd packages/db && DATABASE_URL=<postgres you may create databases on> npm run -s migration:sql > prisma/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql\n` +
        `prisma migrate diff said:\n${output}`,
    ).toBe(0);
    expect(output).toContain('No difference detected');
  });

  it('would fail on drift: a field added to the schema without a migration is reported', async () => {
    const drifted = join(scratch, 'schema.prisma');
    const schema = await readFile(schemaPath, 'utf8');
    const withField = schema.replace(
      /(model Project \{\n)/,
      '$1  archivedAt DateTime? @map("archived_at") @db.Timestamptz(3)\n',
    );
    expect(withField).not.toBe(schema);
    await writeFile(drifted, withField);
    const { code, output } = await diffAgainst(drifted);
    expect({ code, output }).toMatchObject({
      code: 2,
      output: expect.stringContaining('Added column `archived_at`'),
    });
  });

  it('agrees with Prisma about what is applied (prisma migrate status after applyMigrations)', async () => {
    const { code, output } = await prisma(['migrate', 'status']);
    expect({ code, output }).toMatchObject({
      code: 0,
      output: expect.stringContaining('Database schema is up to date!'),
    });
  });
});
