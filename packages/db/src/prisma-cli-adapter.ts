// The driver adapter prisma.config.ts hands to the Prisma CLI's wasm schema engine (`engine: 'js'`), with
// three defects of @prisma/adapter-pg 6.19.3 worked around so `prisma migrate diff --from-migrations` works:
//  1. executeScript splits scripts on every `;`, which breaks plpgsql bodies ($$ ... ; ... $$) such as the
//     audit trigger; here the whole script goes to Postgres in one simple-protocol query, as psql would.
//  2. connectToShadowDb drops the shadow database before closing the pool that is connected to it (the
//     DROP fails: "database is being accessed by other users"), and a connectionString config would make
//     the shadow pool connect to the main database instead; here the shadow database is named explicitly
//     and dropped (WITH (FORCE)) after its pool is closed.
//  3. Result columns of Postgres' `name` and `"char"` types (OIDs 19 and 18, all over pg_catalog) are
//     rejected as unsupported, so introspection fails (prisma/prisma#27403); here they are read as text.
// Also, the CLI never closes the main adapter's pool, which kept every command alive for pg's 10 s idle
// timeout; `allowExitOnIdle` lets it exit as soon as it is done.
// Tooling only: application code uses createPrismaClient.
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { quoteIdent, withDatabase } from './connection.js';

type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>>;

/** Schema-engine adapter factory for the database at `databaseUrl`; see the file comment. */
export class PrismaCliPgAdapter extends PrismaPg {
  constructor(private readonly databaseUrl: string) {
    super({ connectionString: databaseUrl, allowExitOnIdle: true });
  }

  override async connect(): Promise<PgAdapter> {
    return wholeScripts(await super.connect());
  }

  override async connectToShadowDb(): Promise<PgAdapter> {
    const name = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
    await this.admin(`CREATE DATABASE ${quoteIdent(name)}`);
    const adapter = wholeScripts(
      await new PrismaPg({
        connectionString: withDatabase(this.databaseUrl, name),
        allowExitOnIdle: true,
      }).connect(),
    );
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await this.admin(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    };
    return adapter;
  }

  private async admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}

function wholeScripts(adapter: PgAdapter): PgAdapter {
  adapter.executeScript = async (script: string) => {
    await adapter.underlyingDriver().query(script);
  };
  catalogTypesAsText(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) =>
    catalogTypesAsText(await startTransaction(isolationLevel));
  return adapter;
}

/** OIDs of `"char"` and `name`: their text-format values are plain strings. */
const CATALOG_TEXT_OIDS = new Set([18, 19]);
const TEXT_OID = 25;

/** Relabels `name`/`"char"` result columns as text before the adapter maps their types (see 3. above). */
function catalogTypesAsText<T extends object>(queryable: T): T {
  // performIO is the adapter's private single entry to pg; wrapping it is the narrowest fix available.
  type Result = pg.QueryResult | pg.QueryResult[];
  const target = queryable as unknown as { performIO: (query: unknown) => Promise<Result> };
  const performIO = target.performIO.bind(queryable);
  target.performIO = async (query) => {
    const result = await performIO(query);
    // A script of several statements yields one result per statement.
    for (const one of Array.isArray(result) ? result : [result]) {
      for (const field of one.fields ?? []) {
        if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
      }
    }
    return result;
  };
  return queryable;
}
