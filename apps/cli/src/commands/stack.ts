import type { Command } from 'commander';
import { loadConfig } from '@medsweep/config';
import { localWeb, stackDown, stackStatus, stackUp } from '@medsweep/stack';
import { EXIT } from '../output.js';

export function registerStackCommands(program: Command): void {
  const stack = program
    .command('stack')
    .description('the local stack: Temporal, MinIO, Postgres on 127.0.0.1');
  stack
    .command('up')
    .description('install-free start of every managed service, wait until healthy, create bucket, migrate')
    .option('--json', 'print {"steps": [...]} (what was started or found running) as JSON')
    .action(async (opts: { json?: boolean }) => {
      const steps: string[] = [];
      await stackUp(loadConfig(), opts.json ? (line) => steps.push(line) : console.log);
      if (opts.json) console.log(JSON.stringify({ steps }));
    });
  stack
    .command('down')
    .description('stop every service this stack started')
    .option('--json', 'print {"steps": [...]} (what was stopped) as JSON')
    .action(async (opts: { json?: boolean }) => {
      const steps: string[] = [];
      await stackDown(loadConfig(), opts.json ? (line) => steps.push(line) : console.log);
      if (opts.json) console.log(JSON.stringify({ steps }));
    });
  stack
    .command('status')
    .description('what runs, on which ports, and whether it is healthy (exit 1 if any is not)')
    .option('--json', 'one JSON object {services, dashboard} on stdout')
    .action(async (opts: { json?: boolean }) => {
      const config = loadConfig();
      const rows = await stackStatus(config);
      // The dashboard is optional (started by `medsweep web start` or the demo): shown, never required.
      const web = localWeb(config);
      if (opts.json) console.log(JSON.stringify({ services: rows, dashboard: web }));
      else {
        for (const r of rows) {
          const who = r.managed ? (r.pid ? `pid ${r.pid}` : 'stopped') : 'external';
          console.log(
            `${r.healthy ? 'OK  ' : 'DOWN'} ${r.label.padEnd(16)} ${who.padEnd(10)} ${r.endpoints.join(', ').padEnd(46)} ${r.detail}`,
          );
        }
        console.log(
          `     ${'dashboard'.padEnd(16)} ${(web.pid ? `pid ${web.pid}` : 'stopped').padEnd(10)} ${web.url}`,
        );
      }
      if (!rows.every((r) => r.healthy)) process.exitCode = EXIT.checkFailed;
    });
  program
    .command('migrate')
    .description(
      'apply pending database migrations as MIGRATION_DATABASE_URL (offline) and grant the DATABASE_URL role',
    )
    .option('--json', 'print {"applied", "alreadyApplied"} as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { migrateConfiguredDatabase } = await import('@medsweep/db');
      const { applied, alreadyApplied } = await migrateConfiguredDatabase(loadConfig());
      if (opts.json) {
        console.log(JSON.stringify({ applied, alreadyApplied }));
        return;
      }
      console.log(
        `migrations: ${applied.length} applied${applied.length ? ` (${applied.join(', ')})` : ''}, ${alreadyApplied.length} already applied`,
      );
    });
}
