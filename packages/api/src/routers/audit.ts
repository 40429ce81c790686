// The audit log for auditors and admins: a project's events newest first, the hash chain's verification,
// and a trial's lineage checked against the store and (optionally) the bytes of its artifacts. Instance
// auditors and admins also see the events of no project (sign-ins, accounts) and verify the whole chain
// against the anchors kept outside the database.
import { sha256Hex } from '@medsweep/core';
import type { AuditChainVerification } from '@medsweep/db';
import {
  appendAuditEvent,
  auditEventsPage,
  findLineage,
  trialArtifacts,
  verifyAuditChain,
  verifyTrialLineage,
} from '@medsweep/db';
import type { JsonObject, LineageRecord } from '@medsweep/core';
import { actorOf } from '../auth/principal.js';
import { z } from 'zod';
import { label, projectInput, trialInput } from '../inputs.js';
import { projectBySlug, projectOfTrial } from '../locate.js';
import type { Context } from '../trpc.js';
import { instanceProcedure, projectProcedure, router } from '../trpc.js';

const pageInput = {
  limit: z.number().int().min(1).max(500).default(100),
  cursor: z.number().int().positive().nullish(),
  action: label(64).optional(),
  subjectId: label(128).optional(),
};

export const auditRouter = router({
  /** A project's events, newest first; `cursor` is the last seq of the previous page. */
  list: projectProcedure(projectInput.extend(pageInput), 'audit.read', projectBySlug).query(
    ({ ctx, input }) =>
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
    const { anchors } = await ctx.auditAnchors.list();
    const result = await verifyAuditChain(ctx.db, { projectId: project.id, anchors });
    await appendAuditEvent(ctx.db, {
      projectId: project.id,
      actor: actorOf(ctx.principal),
      action: 'audit.verify_chain',
      subjectType: 'project',
      subjectId: project.id,
      payload: chainPayload(result),
    });
    return result;
  }),

  /**
   * Every event of the instance, newest first: those of no project (sign-ins, failed sign-ins, sign-outs,
   * accounts; `scope: 'no-project'`, the default) or all of them (`scope: 'all'`).
   */
  listInstance: instanceProcedure('instance.audit')
    .input(z.strictObject({ ...pageInput, scope: z.enum(['no-project', 'all']).default('no-project') }))
    .query(({ ctx, input }) =>
      auditEventsPage(ctx.db, {
        ...(input.scope === 'no-project' ? { projectId: null } : {}),
        limit: input.limit,
        cursor: input.cursor,
        ...(input.action ? { action: input.action } : {}),
        ...(input.subjectId ? { subjectId: input.subjectId } : {}),
      }),
    ),

  /**
   * Walks the whole chain, every event of every project and of none, and compares it with the heads
   * anchored outside the database (S3 under Object Lock): a chain rewritten and re-hashed inside the
   * database links up again but no longer matches its anchors. Anchors whose own history shows an
   * overwrite or a deletion fail it too. The run and its verdict are appended to the log.
   */
  verifyInstanceChain: instanceProcedure('instance.audit').mutation(async ({ ctx }) => {
    const listing = await ctx.auditAnchors.list();
    const chain = await verifyAuditChain(ctx.db, { anchors: listing.anchors });
    const result = {
      ok: chain.ok && listing.tampered.length === 0,
      chain,
      anchors: { count: listing.anchors.length, tampered: listing.tampered },
    };
    await appendAuditEvent(ctx.db, {
      projectId: null,
      actor: actorOf(ctx.principal),
      action: 'audit.verify_chain',
      subjectType: 'instance',
      subjectId: 'audit_events',
      payload: {
        ...chainPayload(chain),
        anchors: listing.anchors.length,
        tamperedAnchors: listing.tampered.length,
      },
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

/** A verification's verdict as the log records it. */
function chainPayload(result: AuditChainVerification): JsonObject {
  return result.ok
    ? { ok: true, events: result.events, head: result.head, anchorsChecked: result.anchorsChecked ?? 0 }
    : { ok: false, events: result.events, brokenAt: result.brokenAt, reason: result.reason };
}

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
