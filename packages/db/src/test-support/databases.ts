// Throwaway databases for tests, on the server of loadConfig().migrationDatabaseUrl: each test file makes
// its own (medsweep_test_<random>) and drops them all afterwards. `next()` hands out the owner's URL (what
// migrations and tests of the schema itself use); `migrated()` also creates the application role and
// grants it, for tests that connect as the application does; `client()` is a migrated database's Prisma
// client as its owner, disconnected by `dropAll()`.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '@medsweep/config';
import pg from 'pg';
import { createPrismaClient, type Db } from '../client.js';
import { parseDatabaseUrl, quoteIdent, withDatabase } from '../connection.js';
import { applyMigrations } from '../migrate.js';
import { ensureApplicationRole } from '../roles.js';

export { withClient } from '../pg-client.js';

/** A migrated throwaway database, by the schema owner's URL and the application role's. */
export interface MigratedDatabase {
  ownerUrl: string;
  applicationUrl: string;
}

export interface ThrowawayDatabases {
  /** The owner's URL of a new database name (not created: applyMigrations creates it). */
  next(): string;
  /** A new database, created and migrated, with the application role (created when missing) granted. */
  migrated(): Promise<MigratedDatabase>;
  /** A Prisma client, as the owner, on a new migrated database. */
  client(): Promise<Db>;
  /** Disconnects the clients and drops every database handed out, even ones with open connections. */
  dropAll(): Promise<void>;
}

export function throwawayDatabases(
  baseUrl: string = loadConfig().migrationDatabaseUrl,
  applicationBaseUrl: string = loadConfig().databaseUrl,
): ThrowawayDatabases {
  const names: string[] = [];
  const clients: Db[] = [];
  const next = () => {
    const name = `medsweep_test_${randomBytes(6).toString('hex')}`;
    names.push(name);
    return withDatabase(baseUrl, name);
  };
  return {
    next,
    async migrated() {
      const ownerUrl = next();
      const applicationRole = parseDatabaseUrl(applicationBaseUrl).user;
      await ensureApplicationRole(baseUrl, applicationBaseUrl);
      await applyMigrations(ownerUrl, { applicationRole });
      return {
        ownerUrl,
        applicationUrl: withDatabase(applicationBaseUrl, parseDatabaseUrl(ownerUrl).database),
      };
    },
    async client() {
      const url = next();
      await applyMigrations(url);
      const db = createPrismaClient(url);
      clients.push(db);
      return db;
    },
    async dropAll() {
      await Promise.all(clients.splice(0).map((db) => db.$disconnect()));
      const admin = new pg.Client({ connectionString: withDatabase(baseUrl, 'postgres') });
      await admin.connect();
      try {
        for (const name of names.splice(0)) {
          await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
        }
      } finally {
        await admin.end();
      }
    },
  };
}

/** The database name of a URL (for assertions and messages). */
export function databaseName(url: string): string {
  return parseDatabaseUrl(url).database;
}
