// Evaluations of a completed trial beyond its own run: what can be asked of it, asking (a robustness
// panel, an external dataset, subgroups of an attribute), how a request stands, the recorded results,
// and a sweep's robustness summaries per configuration for the leaderboard.
import { z } from 'zod';
import { actorOf } from '../auth/principal.js';
import { sweepInput, trialInput, uuid } from '../inputs.js';
import { projectOfSweep, projectOfTrial } from '../locate.js';
import type { EvaluationServiceDeps } from '../services/evaluations.js';
import {
  evaluationOptions,
  evaluationState,
  requestEvaluation,
  sweepRobustness,
  trialEvaluationViews,
} from '../services/evaluations.js';
import type { Context } from '../trpc.js';
import { projectProcedure, router } from '../trpc.js';

/** What to evaluate: the robustness panel (optionally a subset of its corruptions), a dataset, an attribute. */
const evaluationAsk = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('robustness'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
    corruptions: z
      .array(z.string().regex(/^[a-z][a-z_]{0,39}$/, 'must be a corruption name such as gaussian_noise'))
      .min(1)
      .max(32)
      .optional(),
  }),
  z.strictObject({ kind: z.literal('external'), datasetId: uuid }),
  z.strictObject({
    kind: z.literal('subgroups'),
    attribute: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be an attribute name such as sex or site'),
  }),
]);

const askInput = trialInput.extend({ ask: evaluationAsk });

const serviceDeps = (ctx: Context): EvaluationServiceDeps => ({
  db: ctx.db,
  objectStore: ctx.objectStore,
  temporal: ctx.temporal,
  ...(ctx.sweepTaskQueue ? { taskQueue: ctx.sweepTaskQueue } : {}),
});

export const evaluationsRouter = router({
  /** The trial's recorded evaluations with their metrics and intervals, oldest first. */
  list: projectProcedure(trialInput, 'project.read', projectOfTrial).query(({ ctx, input }) =>
    trialEvaluationViews(ctx.db, input.trialId),
  ),

  /** What can be asked of the trial: its test samples' attributes, and which datasets can validate it. */
  options: projectProcedure(trialInput, 'project.read', projectOfTrial).query(({ ctx, input }) =>
    evaluationOptions(serviceDeps(ctx), input.trialId),
  ),

  /** Asks for an evaluation: a no-op when recorded, else started once (an `evaluation.request` event). */
  run: projectProcedure(askInput, 'sweep.submit', projectOfTrial).mutation(({ ctx, input }) =>
    requestEvaluation(serviceDeps(ctx), input.trialId, input.ask, actorOf(ctx.principal)),
  ),

  /** Where an asked-for evaluation stands: recorded, running, failed with the reason, or never asked. */
  status: projectProcedure(askInput, 'project.read', projectOfTrial).query(({ ctx, input }) =>
    evaluationState(serviceDeps(ctx), input.trialId, input.ask),
  ),

  /** Per configuration of the sweep, the robustness summary of each trial that has a panel. */
  robustness: projectProcedure(sweepInput, 'project.read', projectOfSweep).query(({ ctx, input }) =>
    sweepRobustness(ctx.db, input.sweepId),
  ),
});
