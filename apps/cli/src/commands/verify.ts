import type { Command } from 'commander';
import { selectBackend } from '@medsweep/ml';
import { withContext } from '../context.js';
import { EXIT } from '../output.js';
import type { TrialVerificationReport } from '../verify/verify-trial.js';
import { verifyTrial } from '../verify/verify-trial.js';

const STATUS_LABEL = { ok: 'OK', broken: 'BROKEN', unchecked: 'UNCHECKED' } as const;

/** One line per link; a broken link adds its expected and found values below it. */
export function renderVerification(report: TrialVerificationReport): string {
  const width = Math.max(...report.links.map((l) => l.link.length));
  const lines = [`trial ${report.trialId}`];
  for (const l of report.links) {
    lines.push(`${l.link.padEnd(width)}  ${STATUS_LABEL[l.status].padEnd(9)}  ${l.detail}`);
    if (l.status === 'broken') {
      lines.push(`${''.padEnd(width)}  ${''.padEnd(9)}  expected ${l.expected ?? '-'}`);
      lines.push(`${''.padEnd(width)}  ${''.padEnd(9)}  found    ${l.found ?? '-'}`);
    }
  }
  const broken = report.links.filter((l) => l.status === 'broken').map((l) => l.link);
  lines.push(
    report.ok
      ? `verified: every checked link holds (audit event ${report.auditSeq})`
      : `NOT verified: ${broken.join(', ')} broken (audit event ${report.auditSeq})`,
  );
  return lines.join('\n');
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify <trialId>')
    .description(
      "re-hash a trial's artifacts, re-evaluate its stored weights on the stored test split, and name the lineage link that breaks",
    )
    .option('--json', 'one JSON object on stdout')
    .action(async (trialId: string, opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const report = await verifyTrial(
          { db: ctx.db, store: ctx.objectStore, backend: await selectBackend(), actor: ctx.actor },
          trialId,
        );
        console.log(opts.json ? JSON.stringify(report) : renderVerification(report));
        process.exitCode = report.ok ? EXIT.ok : EXIT.checkFailed;
      });
    });
}
