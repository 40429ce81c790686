// Prisma CLI configuration. `engine: 'js'` makes the CLI use its bundled wasm schema engine through a pg
// driver adapter, so `prisma generate` and `prisma migrate diff` run offline, with no native engine.
// Applying migrations is done by src/migrate.ts (applyMigrations), not by `prisma migrate deploy`.
import { defineConfig, env } from 'prisma/config';
import { PrismaCliPgAdapter } from './src/prisma-cli-adapter.ts';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // Called only by commands that touch a database (migrate diff creates its shadow database beside it).
  adapter: async () => new PrismaCliPgAdapter(env('DATABASE_URL')),
});
