// `medsweep verify <trial>`: asks the API for a trial's full verification, which a worker runs (artifacts
// re-hashed, stored weights re-evaluated with TensorFlow, every lineage link checked) and records as a
// `trial.verify` event of the caller; polls until its report is ready and prints one row per link.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { TrialVerificationReport } from '@medsweep/workflows';
import { withApi } from '../client/api.js';
import { WorkerJobFailedError } from '../errors.js';
import { EXIT } from '../output.js';
import { pollUntilSettled } from '../poll.js';

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
      "re-hash a trial's artifacts, re-evaluate its stored weights on the stored test split, and name the lineage link that breaks (runs on a worker; needs role auditor or admin)",
    )
    .option('--json', 'one JSON object on stdout')
    .action(async (trialId: string, opts: { json?: boolean }) => {
      await withApi(async (api) => {
        const request = { trialId, requestId: randomUUID() };
        const { workflowId } = await api.trials.verify.mutate(request);
        const state = await pollUntilSettled(
          () => api.trials.verification.query(request),
          `verifying trial ${trialId} on a worker`,
        );
        if (state.state === 'failed') throw new WorkerJobFailedError('verification', workflowId, state.error);
        if (state.state !== 'done')
          throw new WorkerJobFailedError('verification', workflowId, 'the workflow is gone');
        const { report } = state;
        console.log(opts.json ? JSON.stringify(report) : renderVerification(report));
        process.exitCode = report.ok ? EXIT.ok : EXIT.checkFailed;
      });
    });
}
