// @medsweep/db: the results store. Pure code that only needs types and enums imports
// `@medsweep/db/types`, which opens nothing.
export { createPrismaClient, type CreatePrismaClientArgs, type Db } from './client.js';
export { Prisma } from './generated/prisma/client.js';
export {
  applyMigrations,
  migrateConfiguredDatabase,
  migrationChecksum,
  readMigrations,
  MIGRATIONS_DIR,
  MIGRATION_LOCK_KEY,
  type ApplyMigrationsOptions,
  type ApplyMigrationsResult,
  type LocalMigration,
} from './migrate.js';
export { runMigrateCli, type CliIo } from './cli.js';
export { parseDatabaseUrl, redactDatabaseUrl, withDatabase, type DatabaseTarget } from './connection.js';
export * from './errors.js';
export * from './types.js';
export * from './repositories/index.js';
export { ensureApplicationRole, grantApplicationRole } from './roles.js';
