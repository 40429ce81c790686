// The audit log for auditors and admins: a project's events newest first, the hash chain's verification,
// and a trial's lineage checked against the store and (optionally) the bytes of its artifacts.
import { sha256Hex } from '@medsweep/core';
import {
  appendAuditEvent,
  auditEventsPage,
  findLineage,
  trialArtifacts,
  verifyAuditChain,
  verifyTrialLineage,
} from '@medsweep/db';
import type { LineageRecord } from '@medsweep/core';
import { actorOf } from '../auth/principal.js';
import { z } from 'zod';
import { label, projectInput, trialInput } from '../inputs.js';
import { projectBySlug, projectOfTrial } from '../locate.js';
import type { Context } from '../trpc.js';
import { projectProcedure, router } from '../trpc.js';

export const auditRouter = router({
  /** A project's events, newest first; `cursor` is the last seq of the previous page. */
  list: projectProcedure(
    projectInput.extend({
      limit: z.number().int().min(1).max(500).default(100),
      cursor: z.number().int().positive().nullish(),
      action: label(64).optional(),
      subjectId: label(128).optional(),
    }),
    'audit.read',
    projectBySlug,
  ).query(({ ctx, input }) =>
    auditEventsPage(ctx.db, {
      projectId: ctx.located.project.id,
      limit: input.limit,
      cursor: input.cursor,
      ...(input.action ? { action: input.action } : {}),
      ...(input.subjectId ? { subjectId: input.subjectId } : {}),
    }),
  ),

  /**
   * Walks the project's events through the global hash chain and reports the first break, if any. The
   * run and its verdict are themselves appended to the log (who verified what, when).
   */
  verifyChain: projectProcedure(projectInput, 'audit.verify', projectBySlug).mutation(async ({ ctx }) => {
    const { project } = ctx.located;
    const result = await verifyAuditChain(ctx.db, { projectId: project.id });
    await appendAuditEvent(ctx.db, {
      projectId: project.id,
      actor: actorOf(ctx.principal),
      action: 'audit.verify_chain',
      subjectType: 'project',
      subjectId: project.id,
      payload: result.ok
        ? { ok: true, events: result.events, head: result.head }
        : { ok: false, events: result.events, brokenAt: result.brokenAt, reason: result.reason },
    });
    return result;
  }),

  /**
   * Checks a trial's lineage record against the store; with `rehashArtifacts`, also re-hashes its weights
   * and predictions objects from the object store (slower: reads every byte).
   */
  verifyLineage: projectProcedure(
    trialInput.extend({ rehashArtifacts: z.boolean().default(false) }),
    'audit.verify',
    projectOfTrial,
  ).mutation(async ({ ctx, input }) => {
    const fromArtifacts = input.rehashArtifacts ? await rehashed(ctx, input.trialId) : {};
    const result = await verifyTrialLineage(ctx.db, input.trialId, fromArtifacts);
    await appendAuditEvent(ctx.db, {
      projectId: ctx.located.project.id,
      actor: actorOf(ctx.principal),
      action: 'lineage.verify',
      subjectType: 'trial',
      subjectId: input.trialId,
      payload: { ok: result.ok, rehashArtifacts: input.rehashArtifacts },
    });
    return result;
  }),
});

/** The weights and predictions hashes recomputed from the objects' bytes. */
async function rehashed(
  ctx: Pick<Context, 'db' | 'objectStore'>,
  trialId: string,
): Promise<Partial<LineageRecord>> {
  const lineage = await findLineage(ctx.db, trialId);
  const artifacts = await trialArtifacts(ctx.db, trialId, ['weights', 'predictions']);
  // Hash what the lineage names when it was recorded; otherwise the newest object of each kind.
  const rehash = async (kind: 'weights' | 'predictions', named: string | undefined) => {
    const artifact =
      artifacts.find((a) => a.kind === kind && a.sha256 === named) ?? artifacts.find((a) => a.kind === kind);
    if (artifact === undefined) return undefined;
    return sha256Hex(await ctx.objectStore.get(ctx.objectStore.keyOf(artifact.uri)));
  };
  const [weightsOutHash, predictionsHash] = await Promise.all([
    rehash('weights', lineage?.weightsOutHash),
    rehash('predictions', lineage?.predictionsHash),
  ]);
  return { weightsOutHash, predictionsHash };
}
