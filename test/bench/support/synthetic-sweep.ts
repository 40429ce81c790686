// One sweep of synthetic trials, run to the end: what the orchestration and scaling benchmarks measure.
import type { Client } from '@temporalio/client';
import { submitSweep } from '@medsweep/api';
import { parseSweepSpec } from '@medsweep/core';
import type { SweepSpecInput } from '@medsweep/core';
import type { Db } from '@medsweep/db';
import { sweepWorkflowId } from '@medsweep/workflows';
import type { SweepSummary } from '@medsweep/workflows';

export interface SyntheticSweepArgs {
  name: string;
  /** A project made by createSyntheticProject (its dataset `synthetic` is never read). */
  project: string;
  /** Train queue the synthetic workers poll. */
  queue: string;
  trials: number;
  parallel: number;
}

export interface SyntheticSweepRun {
  sweepId: string;
  summary: SweepSummary;
  /** From submission to the sweep workflow's result. */
  seconds: number;
  /** Trial rows written, one per index when nothing was duplicated. */
  recorded: number;
  duplicates: number;
}

/** `trials` synthetic trials of `epochs` epochs each (one learning rate per trial), `parallel` at a time. */
export function syntheticSweepSpec(args: SyntheticSweepArgs & { epochs?: number }): SweepSpecInput {
  return {
    name: args.name,
    project: args.project,
    dataset: 'synthetic',
    architectures: ['vgg16'],
    arms: ['scratch'],
    search: {
      strategy: 'random',
      samples: args.trials,
      space: { lr: { type: 'log-uniform', min: 1e-4, max: 1e-1 } },
    },
    seeds: [0],
    budget: { maxTrials: args.trials, maxParallel: args.parallel, maxEpochs: args.epochs ?? 1 },
    resources: { queue: args.queue, gpus: 0 },
  };
}

/** Submits `trials` one-epoch trials, `parallel` at a time, waits for the sweep and counts its trial rows. */
export async function runSyntheticSweep(
  deps: { db: Db; temporal: Client },
  args: SyntheticSweepArgs,
): Promise<SyntheticSweepRun> {
  const spec = parseSweepSpec(syntheticSweepSpec(args));
  const started = Date.now();
  const { sweepId } = await submitSweep(deps, spec, 'bench');
  const summary: SweepSummary = await deps.temporal.workflow.getHandle(sweepWorkflowId(sweepId)).result();
  const seconds = (Date.now() - started) / 1000;
  const rows = await deps.db.trial.groupBy({ by: ['index'], where: { sweepId }, _count: true });
  return {
    sweepId,
    summary,
    seconds,
    recorded: rows.length,
    duplicates: rows.reduce((n, r) => n + (r._count - 1), 0),
  };
}
