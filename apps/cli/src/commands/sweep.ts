import { readFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { LiveProgress } from '@medsweep/api';
import type { ApiClient } from '../client/api.js';
import { projectOf, withApi } from '../client/api.js';

const finishedCount = (p: LiveProgress) => p.completed + p.failed + p.cancelled + p.pruned;

/** One look at a sweep's progress: null when it has no workflow (never started, or past retention). */
export type ProgressPoll = () => Promise<LiveProgress | null>;

/**
 * Shows a bar for the whole sweep and one per running trial (epochs, from heartbeats) until the sweep
 * ends. Without a terminal it prints one line per change instead, for logs and CI.
 */
export async function watchSweep(
  poll: ProgressPoll,
  sweepId: string,
  maxEpochs: number,
  intervalMs = 1000,
): Promise<LiveProgress | null> {
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
  let progress: LiveProgress | null;
  for (;;) {
    progress = await poll();
    if (progress === null) break;
    const done = finishedCount(progress);
    const detail = `done ${progress.completed}, pruned ${progress.pruned}, failed ${progress.failed}, cancelled ${progress.cancelled} [${progress.status}]`;
    if (overall) {
      overall.setTotal(progress.total);
      overall.update(done, { detail });
    }
    const seen = new Set<string>();
    progress.running.forEach((t) => {
      seen.add(t.trialKey);
      const pos = t.position;
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
      const running = progress.running.map((t) => `#${t.index}`).join(' ') || '-';
      const line = `sweep ${sweepId}: ${done}/${progress.total} ${detail}; running ${running}`;
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

/** Watches a sweep through the API; says so when it has no workflow to watch. */
async function watchThroughApi(api: ApiClient, sweepId: string) {
  const first = await api.progress.get.query({ sweepId });
  const progress = await watchSweep(
    async () => (await api.progress.get.query({ sweepId })).live,
    sweepId,
    first.maxEpochs ?? 1,
  );
  if (progress === null) console.error(`sweep ${sweepId} has no workflow to watch (status ${first.status})`);
  return progress;
}

export function registerSweepCommands(program: Command): void {
  const sweep = program
    .command('sweep')
    .description('submit, list, watch, pause, resume and cancel sweeps (through the API, with your role)');

  sweep
    .command('submit <spec>')
    .description('validate a sweep spec (YAML or JSON), store it and start it')
    .option('--watch', 'show live progress until it ends')
    .option('--json', 'print {"sweepId", "workflowId"} as JSON')
    .action(async (file: string, opts: { watch?: boolean; json?: boolean }) => {
      const specText = readFileSync(file, 'utf8');
      await withApi(async (api) => {
        const submitted = await api.sweeps.create.mutate({ specText });
        if (opts.json) console.log(JSON.stringify(submitted));
        else console.log(`sweep ${submitted.sweepId} submitted (workflow ${submitted.workflowId})`);
        if (opts.watch) await watchThroughApi(api, submitted.sweepId);
      });
    });

  sweep
    .command('watch <sweepId>')
    .description('live progress: one bar for the sweep, one per running trial (polls the API)')
    .option('--json', 'print the final progress as JSON')
    .action(async (sweepId: string, opts: { json?: boolean }) => {
      await withApi(async (api) => {
        const progress = await watchThroughApi(api, sweepId);
        if (opts.json) console.log(JSON.stringify(progress));
      });
    });

  sweep
    .command('status <sweepId>')
    .description("a sweep's status, trials by status and progress")
    .option('--json', 'the sweep as the API returns it, spec included')
    .action(async (sweepId: string, opts: { json?: boolean }) => {
      await withApi(async (api) => {
        const s = await api.sweeps.get.query({ sweepId });
        if (opts.json) {
          console.log(JSON.stringify(s));
          return;
        }
        const counts = Object.entries(s.trialCounts)
          .map(([status, n]) => `${status} ${n}`)
          .join(', ');
        const best = s.bestPrimaryMetricValue === null ? '-' : s.bestPrimaryMetricValue.toFixed(4);
        console.log(`sweep ${s.id}  ${s.name}  (project ${s.project})`);
        console.log(`  status    ${s.status}, ${Math.round(s.progress * 100)}% of ${s.plannedTrials} trials`);
        console.log(`  trials    ${counts || 'none yet'}`);
        console.log(`  best      ${s.primaryMetric} ${best}`);
      });
    });

  const act = (name: 'cancel' | 'pause' | 'resume', description: string) =>
    sweep
      .command(`${name} <sweepId>`)
      .description(description)
      .option('--json', 'print {"sweepId", "requested"} as JSON')
      .action(async (sweepId: string, opts: { json?: boolean }) => {
        await withApi(async (api) => {
          await api.sweeps[name].mutate({ sweepId });
          console.log(
            opts.json ? JSON.stringify({ sweepId, requested: name }) : `sweep ${sweepId}: ${name} requested`,
          );
        });
      });
  act('cancel', 'stop a sweep: running trials stop at their next heartbeat and are recorded as cancelled');
  act('pause', 'start no new trials (running ones finish)');
  act('resume', 'start trials again after a pause');

  sweep
    .command('list')
    .description("a project's sweeps, newest first")
    .option('--project <slug>', "the project (default: your token's project)")
    .option('--json', 'JSON array')
    .action(async (opts: { project?: string; json?: boolean }) => {
      await withApi(async (api, profile) => {
        const project = await projectOf(api, opts.project, profile);
        const { sweeps } = await api.sweeps.list.query({ project, limit: 100 });
        if (opts.json) console.log(JSON.stringify(sweeps));
        else
          for (const r of sweeps) {
            const trials = Object.values(r.trialCounts).reduce((n, c) => n + (c ?? 0), 0);
            console.log(
              `${r.id}  ${r.status.padEnd(10)} ${String(trials).padStart(5)} trials  ${r.createdAt.toISOString()}  ${r.name}`,
            );
          }
      });
    });
}
