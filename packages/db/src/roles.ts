// The database role split. The migrator (MIGRATION_DATABASE_URL) owns the schema: its tables, and the
// triggers that make audit_events append-only. The application (DATABASE_URL: web, workers, CLI) logs in as
// a role that owns nothing and holds only what it uses: reads and writes on the tables, but on audit_events
// INSERT and SELECT alone. Owning nothing, it cannot drop or disable a trigger, and holding no UPDATE,
// DELETE or TRUNCATE there, it is refused before any trigger runs.
import type pg from 'pg';
import { errorCode, parseDatabaseUrl, quoteIdent, withDatabase } from './connection.js';
import { ApplicationRoleError } from './errors.js';
import { withClient } from './pg-client.js';

/** The table whose rows nobody but the schema's owner may change (and its triggers refuse even that). */
const APPEND_ONLY_TABLE = 'audit_events';

/**
 * Grants `role` what the application needs in the database `client` is connected to, after migrations
 * (so tables added by any migration are covered): DML on every table, INSERT and SELECT alone on
 * audit_events, SELECT on Prisma's migration books, sequences for identity columns, and nothing on the
 * schema itself. Idempotent; must run as the schema's owner.
 */
export async function grantApplicationRole(client: pg.Client, role: string): Promise<void> {
  const who = quoteIdent(role);
  const database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
  await client.query(`
    GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${who};
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    REVOKE CREATE ON SCHEMA public FROM ${who};
    GRANT USAGE ON SCHEMA public TO ${who};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${who};
    REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM ${who};
    REVOKE UPDATE, DELETE ON ${quoteIdent(APPEND_ONLY_TABLE)} FROM ${who};
    REVOKE INSERT, UPDATE, DELETE ON "_prisma_migrations" FROM ${who};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${who};
  `);
}

/**
 * Creates the application's login role named by `applicationUrl` (its user and password) unless it
 * exists, connecting with `adminUrl` (a role with CREATEROLE: the local stack's superuser, or the test
 * harness's). The role owns nothing and may create nothing. Returns whether it was created.
 * Deployments create it themselves (infra/compose/postgres-init.sh, SECURITY.md); this serves the local
 * stack and throwaway test databases.
 */
export async function ensureApplicationRole(adminUrl: string, applicationUrl: string): Promise<boolean> {
  const app = parseDatabaseUrl(applicationUrl);
  if (app.user === parseDatabaseUrl(adminUrl).user) return false; // one role for both: nothing to create
  const password = decodeURIComponent(new URL(applicationUrl).password);
  return withClient(withDatabase(adminUrl, 'postgres'), async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [app.user]);
    if (exists.rowCount !== 0) return false;
    try {
      await client.query(
        `CREATE ROLE ${quoteIdent(app.user)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD ${literal(password)}`,
      );
      return true;
    } catch (cause) {
      // Another process created it first: 42710 duplicate_object, or 23505 from the catalog's unique index.
      const code = errorCode(cause);
      if (code === '42710' || code === '23505') return false;
      throw new ApplicationRoleError(app.user, parseDatabaseUrl(adminUrl).server, String(cause), { cause });
    }
  });
}

/** A SQL string literal (CREATE ROLE takes no bind parameters). */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
