// Entry point: `tsx src/bin/migrate.ts` (source) or `node dist/bin/migrate.js` (built).
import { runMigrateCli } from '../cli.js';

process.exitCode = await runMigrateCli();
