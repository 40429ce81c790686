import { readFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { cancelSweep, pauseSweep, submitSweep, sweepProgress, SweepNotFoundError } from '@medsweep/api';
import type { SweepServiceDeps } from '@medsweep/api';
import { parseSweepSpecText } from '@medsweep/core';
import { findSweep, listSweeps } from '@medsweep/db';
import { trialWorkflowId } from '@medsweep/workflows';
import type { SweepProgress } from '@medsweep/workflows';
import type { CliContext } from '../context.js';
import { sweepServices, withContext } from '../context.js';

/** Live position of one running trial, read from its training activity's last heartbeat. */
interface TrialPosition {
  epoch: number;
  batch: number;
  batches: number;
  loss?: number | null;
}

async function trialPosition(
  ctx: CliContext,
  sweepId: string,
  index: number,
): Promise<TrialPosition | undefined> {
  try {
    const temporal = await ctx.temporal();
    const description = await temporal.workflow.getHandle(trialWorkflowId(sweepId, index)).describe();
    const pending = description.raw.pendingActivities?.[0];
    const payload = pending?.heartbeatDetails?.payloads?.[0]?.data;
    if (!payload) return undefined;
    return JSON.parse(Buffer.from(payload).toString('utf8')) as TrialPosition;
  } catch {
    return undefined;
  }
}

const finishedCount = (p: SweepProgress) => p.completed + p.failed + p.cancelled + p.pruned;

/**
 * Shows a bar for the whole sweep and one per running trial (epochs, from heartbeats) until the sweep
 * ends. Without a terminal it prints one line per change instead, for logs and CI.
 */
export async function watchSweep(
  ctx: CliContext,
  sweepId: string,
  maxEpochs: number,
  intervalMs = 1000,
): Promise<SweepProgress> {
  const tty = process.stderr.isTTY === true;
  const bars = tty
    ? new cliProgress.MultiBar(
        {
          format: ' {label} |{bar}| {value}/{total} {detail}',
          hideCursor: true,
          clearOnComplete: false,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_grey,
      )
    : undefined;
  const overall = bars?.create(1, 0, { label: 'sweep'.padEnd(34), detail: '' });
  const trialBars = new Map<string, cliProgress.SingleBar>();
  let lastLine = '';
  let progress: SweepProgress;
  for (;;) {
    // A finished workflow still answers queries (from its last state).
    progress = await sweepProgress(await ctx.temporal(), sweepId);
    const done = finishedCount(progress);
    const detail = `done ${progress.completed}, pruned ${progress.pruned}, failed ${progress.failed}, cancelled ${progress.cancelled} [${progress.status}]`;
    if (overall) {
      overall.setTotal(progress.total);
      overall.update(done, { detail });
    }
    const positions = await Promise.all(progress.running.map((t) => trialPosition(ctx, sweepId, t.index)));
    const seen = new Set<string>();
    progress.running.forEach((t, i) => {
      seen.add(t.trialKey);
      const pos = positions[i];
      const value = pos ? pos.epoch + (pos.batches ? pos.batch / pos.batches : 0) : 0;
      const label = `#${t.index} ${t.architecture} ${t.arm} s${t.seed}`.slice(0, 34).padEnd(34);
      const loss = typeof pos?.loss === 'number' ? ` loss ${pos.loss.toFixed(4)}` : '';
      const trialDetail = pos ? `epoch ${pos.epoch + 1}${loss}` : 'starting';
      if (bars) {
        let bar = trialBars.get(t.trialKey);
        if (!bar) trialBars.set(t.trialKey, (bar = bars.create(maxEpochs, 0, { label, detail: '' })));
        bar.update(Math.round(value * 10) / 10, { label, detail: trialDetail });
      }
    });
    for (const [key, bar] of trialBars) {
      if (!seen.has(key)) {
        bars?.remove(bar);
        trialBars.delete(key);
      }
    }
    if (!bars) {
      const line = `sweep ${sweepId}: ${done}/${progress.total} ${detail}; running ${progress.running.map((t) => `#${t.index}`).join(' ') || '-'}`;
      if (line !== lastLine) console.error(line);
      lastLine = line;
    }
    const finished = done >= progress.total && progress.running.length === 0;
    if (finished || (progress.status === 'cancelling' && progress.running.length === 0)) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  bars?.stop();
  return progress;
}

export function registerSweepCommands(program: Command): void {
  const sweep = program.command('sweep').description('submit, watch, pause, resume and cancel sweeps');

  sweep
    .command('submit <spec>')
    .description('validate a sweep spec (YAML or JSON), store it and start it')
    .option('--watch', 'show live progress until it ends')
    .option('--json', 'print {"sweepId", "workflowId"} as JSON')
    .action(async (file: string, opts: { watch?: boolean; json?: boolean }) => {
      const spec = parseSweepSpecText(readFileSync(file, 'utf8'), file);
      await withContext(async (ctx) => {
        const submitted = await submitSweep(await sweepServices(ctx), spec, ctx.actor);
        if (opts.json) console.log(JSON.stringify(submitted));
        else console.log(`sweep ${submitted.sweepId} submitted (workflow ${submitted.workflowId})`);
        if (opts.watch) await watchSweep(ctx, submitted.sweepId, spec.budget.maxEpochs);
      });
    });

  sweep
    .command('watch <sweepId>')
    .description('live progress: one bar for the sweep, one per running trial')
    .option('--json', 'print the final progress as JSON')
    .action(async (sweepId: string, opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const row = await findSweep(ctx.db, sweepId);
        if (row === null) throw new SweepNotFoundError(sweepId);
        const progress = await watchSweep(
          ctx,
          sweepId,
          (row.spec as { budget: { maxEpochs: number } }).budget.maxEpochs,
        );
        if (opts.json) console.log(JSON.stringify(progress));
      });
    });

  const act = (
    name: string,
    description: string,
    fn: (deps: SweepServiceDeps, id: string, actor: string) => Promise<void>,
  ) =>
    sweep
      .command(`${name} <sweepId>`)
      .description(description)
      .option('--json', 'print {"sweepId", "requested"} as JSON')
      .action(async (sweepId: string, opts: { json?: boolean }) => {
        await withContext(async (ctx) => {
          await fn(await sweepServices(ctx), sweepId, ctx.actor);
          console.log(
            opts.json ? JSON.stringify({ sweepId, requested: name }) : `sweep ${sweepId}: ${name} requested`,
          );
        });
      });
  act(
    'cancel',
    'stop a sweep: running trials stop at their next heartbeat and are recorded as cancelled',
    cancelSweep,
  );
  act('pause', 'start no new trials (running ones finish)', (d, id, a) => pauseSweep(d, id, a, true));
  act('resume', 'start trials again after a pause', (d, id, a) => pauseSweep(d, id, a, false));

  sweep
    .command('list')
    .description('sweeps, newest first')
    .option('--project <slug>', 'only this project')
    .option('--json', 'JSON array')
    .action(async (opts: { project?: string; json?: boolean }) => {
      await withContext(async (ctx) => {
        const rows = await listSweeps(ctx.db, {
          limit: 100,
          ...(opts.project ? { projectSlug: opts.project } : {}),
        });
        if (opts.json) console.log(JSON.stringify(rows));
        else
          for (const r of rows)
            console.log(
              `${r.id}  ${r.status.padEnd(10)} ${String(r._count.trials).padStart(5)} trials  ${r.createdAt.toISOString()}  ${r.name}`,
            );
      });
    });
}
