// Sweeps: validate a spec for the submit page, submit it, list and read sweeps with their progress, and
// cancel, pause or resume them. Members control only the sweeps they submitted; leads and admins any.
import { datasetOfSpec, parseSweepSpecText, SweepSpecError, totalTrials } from '@medsweep/core';
import type { SpecProblem, SweepSpec } from '@medsweep/core';
import { datasetOfSweep, summariseSweeps, sweepSummaries } from '@medsweep/db';
import type { SweepSummary } from '@medsweep/db';
import type { Sweep } from '@medsweep/db/types';
import { SweepStatus } from '@medsweep/db/types';
import { z } from 'zod';
import { actorOf } from '../auth/principal.js';
import type { Principal, ProjectAccess } from '../auth/principal.js';
import {
  NotSweepOwnerError,
  ProjectNotFoundError,
  LeakyDatasetError,
  UnknownDatasetError,
  UnknownWeightsError,
} from '../errors.js';
import { projectInput, specText, sweepInput, uuid } from '../inputs.js';
import { projectBySlug, projectOfSweep } from '../locate.js';
import { cancelSweep, pauseSweep, resolveSweep, submitSweep } from '../services/sweeps.js';
import type { Context } from '../trpc.js';
import { authedProcedure, projectProcedure, requireAccess, router } from '../trpc.js';

/** A problem with a top-level key of the spec, at the line where the key is written (YAML or JSON). */
function issueAt(text: string, key: string, message: string): SpecProblem {
  const index = text.split('\n').findIndex((line) => new RegExp(`^\\s*"?${key}"?\\s*:`).test(line));
  return { path: key, message, ...(index === -1 ? {} : { line: index + 1 }) };
}

const TERMINAL = ['completed', 'failed', 'cancelled', 'pruned'] as const;

/** A sweep as lists and pages show it: its row, trials by status, and how far it has got. */
function view(
  { sweep, trialCounts, bestPrimaryMetricValue }: SweepSummary,
  access: ProjectAccess,
  principal: Principal,
) {
  const planned = totalTrials(sweep.spec as unknown as SweepSpec);
  const finished = TERMINAL.reduce((n, status) => n + (trialCounts[status] ?? 0), 0);
  return {
    id: sweep.id,
    name: sweep.name,
    status: sweep.status,
    primaryMetric: sweep.primaryMetric,
    primaryMetricGoal: sweep.primaryMetricGoal,
    createdById: sweep.createdById,
    createdAt: sweep.createdAt,
    startedAt: sweep.startedAt,
    finishedAt: sweep.finishedAt,
    trialCounts,
    /** Trials the spec plans (capped by its budget). */
    plannedTrials: planned,
    /** Finished (completed, failed, cancelled or pruned) over planned, in [0, 1]. */
    progress: planned === 0 ? 1 : Math.min(1, finished / planned),
    bestPrimaryMetricValue,
    /** Whether the caller may cancel, pause and resume it. */
    canControl: mayControl(sweep, access, principal),
  };
}

function mayControl(sweep: Sweep, access: ProjectAccess, principal: Principal): boolean {
  return (
    access.actions.has('sweep.control.any') ||
    (access.actions.has('sweep.control.own') && sweep.createdById === principal.userId)
  );
}

/** A procedure that controls one sweep: the caller must hold control of any sweep, or own this one. */
const controlProcedure = projectProcedure(sweepInput, 'sweep.control.own', projectOfSweep).use(
  ({ ctx, next }) => {
    const { sweep } = ctx.located;
    if (!mayControl(sweep, ctx.access, ctx.principal)) {
      throw new NotSweepOwnerError(sweep.id, ctx.access.role ?? 'none');
    }
    return next();
  },
);

const sweepDeps = async (ctx: Context) => ({
  db: ctx.db,
  temporal: await ctx.temporal(),
  ...(ctx.sweepTaskQueue ? { taskQueue: ctx.sweepTaskQueue } : {}),
});

/** Parses spec text and checks the caller may submit to its project. */
async function parseForSubmission(ctx: Pick<Context, 'db'> & { principal: Principal }, text: string) {
  const spec = parseSweepSpecText(text, 'specText');
  const { project } = await projectBySlug(ctx.db, { project: spec.project });
  await requireAccess(ctx, project, 'sweep.submit');
  return spec;
}

export const sweepsRouter = router({
  /**
   * Validates spec text for the submit page: syntax, schema, and that its dataset and pretrained weights
   * are registered in the project. Problems come back as data (path, message, line), not as an error.
   * A mutation only because spec text is too large for a URL; it writes nothing.
   */
  validateSpec: authedProcedure.input(z.strictObject({ specText })).mutation(async ({ ctx, input }) => {
    let spec: SweepSpec;
    try {
      spec = await parseForSubmission(ctx, input.specText);
    } catch (e) {
      if (e instanceof SweepSpecError) return { ok: false as const, issues: [...e.problems] };
      if (e instanceof ProjectNotFoundError)
        return { ok: false as const, issues: [issueAt(input.specText, 'project', e.message)] };
      throw e;
    }
    try {
      await resolveSweep(ctx.db, spec);
    } catch (e) {
      if (!(
        e instanceof UnknownDatasetError ||
        e instanceof LeakyDatasetError ||
        e instanceof UnknownWeightsError
      ))
        throw e;
      const path = e instanceof UnknownWeightsError ? 'arms' : 'dataset';
      // The messages start with the field they are about (`dataset: ...`): the issue names it already.
      return {
        ok: false as const,
        issues: [issueAt(input.specText, path, e.message.slice(e.message.indexOf(':') + 2))],
      };
    }
    return {
      ok: true as const,
      summary: {
        name: spec.name,
        project: spec.project,
        dataset: datasetOfSpec(spec).name,
        architectures: spec.architectures,
        arms: spec.arms,
        seeds: spec.seeds,
        plannedTrials: totalTrials(spec),
      },
    };
  }),

  /** Stores the sweep (with its audit event) and starts its workflow. */
  create: authedProcedure.input(z.strictObject({ specText })).mutation(async ({ ctx, input }) => {
    const spec = await parseForSubmission(ctx, input.specText);
    return submitSweep(await sweepDeps(ctx), spec, actorOf(ctx.principal), ctx.principal.userId);
  }),

  /** A project's sweeps, newest first, with status and progress. */
  list: projectProcedure(
    projectInput.extend({
      statuses: z.array(z.enum(SweepStatus)).max(7).optional(),
      limit: z.number().int().min(1).max(200).default(50),
      /** The nextCursor of the previous page (a sweep id). */
      cursor: uuid.nullish(),
    }),
    'project.read',
    projectBySlug,
  ).query(async ({ ctx, input }) => {
    const page = await sweepSummaries(ctx.db, {
      projectId: ctx.located.project.id,
      limit: input.limit,
      ...(input.statuses ? { statuses: input.statuses } : {}),
      ...(input.cursor ? { cursor: input.cursor } : {}),
    });
    return {
      sweeps: page.summaries.map((s) => view(s, ctx.access, ctx.principal)),
      nextCursor: page.nextCursor,
    };
  }),

  /** One sweep with its spec, progress and dataset. */
  get: projectProcedure(sweepInput, 'project.read', projectOfSweep).query(async ({ ctx }) => {
    const [summary] = await summariseSweeps(ctx.db, [ctx.located.sweep]);
    return {
      ...view(summary!, ctx.access, ctx.principal),
      project: ctx.located.project.slug,
      /** The dataset it trains on (its page), null when it is no longer registered. */
      dataset: await datasetOfSweep(ctx.db, ctx.located.sweep),
      spec: ctx.located.sweep.spec,
      specHash: ctx.located.sweep.specHash,
      workflowId: ctx.located.sweep.workflowId,
    };
  }),

  /** Cancels the sweep: running trials stop at their next heartbeat. */
  cancel: controlProcedure.mutation(async ({ ctx }) => {
    await cancelSweep(await sweepDeps(ctx), ctx.located.sweep.id, actorOf(ctx.principal));
    return { sweepId: ctx.located.sweep.id };
  }),

  /** Pauses the sweep: no new trials start until it is resumed. */
  pause: controlProcedure.mutation(async ({ ctx }) => {
    await pauseSweep(await sweepDeps(ctx), ctx.located.sweep.id, actorOf(ctx.principal), true);
    return { sweepId: ctx.located.sweep.id };
  }),

  resume: controlProcedure.mutation(async ({ ctx }) => {
    await pauseSweep(await sweepDeps(ctx), ctx.located.sweep.id, actorOf(ctx.principal), false);
    return { sweepId: ctx.located.sweep.id };
  }),
});
