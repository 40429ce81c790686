// A sweep's trials as a sortable, filterable, cursor-paged table, and one trial in full: config, learning
// curves, final metrics, attempts and workers, lineage with its verification, artifacts; its ROC curves,
// confusion matrices and reliability diagrams come from `evaluation` (read from the object store); its
// full verification (artifacts re-hashed, weights re-evaluated) runs on a worker: `verify`, `verification`.
import { findDataset, latestArtifact, listTrials, runDetail, verifyTrialLineage } from '@medsweep/db';
import { TrialStatus } from '@medsweep/db/types';
import { z } from 'zod';
import { DatasetNotFoundError } from '../errors.js';
import { actorOf } from '../auth/principal.js';
import { cursor, label, metricRef, sweepInput, trialInput, uuid } from '../inputs.js';
import { projectOfSweep, projectOfTrial } from '../locate.js';
import { evaluateSplits, loadPredictions, positiveClassOfTrial, taskOf } from '../services/predictions.js';
import type { VerificationServiceDeps } from '../services/verifications.js';
import { requestVerification, verificationState } from '../services/verifications.js';
import type { Context } from '../trpc.js';
import { projectProcedure, router } from '../trpc.js';

const sortKey = z.discriminatedUnion('by', [
  z.strictObject({ by: z.literal('createdAt') }),
  z.strictObject({ by: z.literal('index') }),
  z.strictObject({ by: z.literal('primaryMetric') }),
  z.strictObject({ by: z.literal('metric'), metric: metricRef }),
]);

/** One verification request: the trial and the asker's id for the request (a UUID it makes). */
const verificationInput = trialInput.extend({ requestId: uuid });

const verificationDeps = (ctx: Context): VerificationServiceDeps => ({
  db: ctx.db,
  temporal: ctx.temporal,
  ...(ctx.sweepTaskQueue ? { taskQueue: ctx.sweepTaskQueue } : {}),
});

export const trialsRouter = router({
  /** One page of a sweep's trials (limit <= 500), each with its final metrics. */
  list: projectProcedure(
    sweepInput.extend({
      statuses: z.array(z.enum(TrialStatus)).max(6).optional(),
      architectures: z.array(label(64)).max(20).optional(),
      /** Initialisation arms, e.g. `scratch`, `imagenet`. */
      arms: z.array(label(64)).max(20).optional(),
      sort: sortKey.default({ by: 'createdAt' }),
      direction: z.enum(['asc', 'desc']).default('desc'),
      limit: z.number().int().min(1).max(500).default(100),
      cursor: cursor.nullish(),
    }),
    'project.read',
    projectOfSweep,
  ).query(({ ctx, input }) =>
    listTrials(ctx.db, {
      sweepId: input.sweepId,
      sort: input.sort,
      direction: input.direction,
      limit: input.limit,
      ...(input.statuses ? { statuses: input.statuses } : {}),
      ...(input.architectures ? { architectures: input.architectures } : {}),
      ...(input.arms ? { initialisations: input.arms } : {}),
      ...(input.cursor ? { cursor: input.cursor } : {}),
    }),
  ),

  /**
   * One trial in full, with its lineage checked against the store (dataset, spec, config, weights and
   * metrics hashes); null verification before a result is recorded.
   */
  get: projectProcedure(trialInput, 'project.read', projectOfTrial).query(async ({ ctx, input }) => {
    const detail = await runDetail(ctx.db, input.trialId);
    const verification = detail.lineage === null ? null : await verifyTrialLineage(ctx.db, input.trialId);
    return { ...detail, project: ctx.located.project.slug, verification };
  }),

  /**
   * ROC curves, confusion matrices and reliability diagrams of the val and test splits, computed from the
   * trial's stored predictions, and the positive class its binary metrics are of; null when it has no
   * predictions (not completed).
   */
  evaluation: projectProcedure(trialInput, 'project.read', projectOfTrial).query(async ({ ctx, input }) => {
    const artifact = await latestArtifact(ctx.db, input.trialId, 'predictions');
    if (artifact === null) return null;
    const dataset = await findDataset(ctx.db, ctx.located.trial.datasetId);
    if (dataset === null) throw new DatasetNotFoundError(ctx.located.trial.datasetId);
    const predictions = await loadPredictions(ctx.objectStore, artifact);
    const task = taskOf(dataset.task);
    return {
      artifactId: artifact.id,
      task: dataset.task,
      classNames: predictions.classNames,
      positiveClass: positiveClassOfTrial(ctx.located.trial.config, {
        task,
        classNames: predictions.classNames,
        source: `dataset ${dataset.name}`,
      }),
      splits: evaluateSplits(predictions, task),
    };
  }),

  /**
   * Starts the trial's full verification on a worker: every artifact re-hashed, the stored weights
   * re-evaluated on the stored dataset, every lineage link checked. Asking again with the same request id
   * starts nothing new. The verdict is recorded as a `trial.verify` event of the caller once known.
   */
  verify: projectProcedure(verificationInput, 'audit.verify', projectOfTrial).mutation(({ ctx, input }) =>
    requestVerification(verificationDeps(ctx), input.trialId, input.requestId, actorOf(ctx.principal)),
  ),

  /** Where a verification request stands; its report (one row per link, the audit event's seq) once done. */
  verification: projectProcedure(verificationInput, 'audit.verify', projectOfTrial).query(({ ctx, input }) =>
    verificationState(verificationDeps(ctx), input.trialId, input.requestId),
  ),
});
