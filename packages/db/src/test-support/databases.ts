// Throwaway databases for tests, on the server of loadConfig().databaseUrl: each test file makes its own
// (medsweep_test_<random>) and drops them all afterwards.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '@medsweep/config';
import pg from 'pg';
import { parseDatabaseUrl, quoteIdent, withDatabase } from '../connection.js';

export interface ThrowawayDatabases {
  /** URL of a new database name (not created: applyMigrations creates it). */
  next(): string;
  /** Drops every database handed out, even ones with open connections. */
  dropAll(): Promise<void>;
}

export function throwawayDatabases(baseUrl: string = loadConfig().databaseUrl): ThrowawayDatabases {
  const names: string[] = [];
  return {
    next() {
      const name = `medsweep_test_${randomBytes(6).toString('hex')}`;
      names.push(name);
      return withDatabase(baseUrl, name);
    },
    async dropAll() {
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

/** Runs `fn` with a connected pg client on `url`, closing it afterwards. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The database name of a URL (for assertions and messages). */
export function databaseName(url: string): string {
  return parseDatabaseUrl(url).database;
}
