// Download links for a trial's artifacts: presigned S3 GET URLs that expire quickly, so a link that
// leaks (browser history, a pasted message) stops working on its own. Every link issued is audited (who,
// which artifact, until when), since whoever holds it reads the object without further checks.
import { appendAuditEvent } from '@medsweep/db';
import { z } from 'zod';
import { actorOf } from '../auth/principal.js';
import { uuid } from '../inputs.js';
import { projectOfArtifact } from '../locate.js';
import { projectProcedure, router } from '../trpc.js';

/** Default lifetime of a download link. */
export const ARTIFACT_LINK_SECONDS = 300;

export const artifactsRouter = router({
  /** A signed download link for one artifact, valid for `artifactLinkSeconds` (default 300 s). */
  link: projectProcedure(z.strictObject({ artifactId: uuid }), 'project.read', projectOfArtifact).query(
    async ({ ctx }) => {
      const { artifact } = ctx.located;
      const expiresIn = ctx.artifactLinkSeconds ?? ARTIFACT_LINK_SECONDS;
      const key = ctx.objectStore.keyOf(artifact.uri);
      const url = await ctx.objectStore.presignGet(key, {
        expiresInSeconds: expiresIn,
        downloadName: key.split('/').join('_'),
      });
      const expiresAt = new Date(Date.now() + expiresIn * 1000);
      await appendAuditEvent(ctx.db, {
        projectId: ctx.located.project.id,
        actor: actorOf(ctx.principal),
        action: 'artifact.link',
        subjectType: 'artifact',
        subjectId: artifact.id,
        payload: { trialId: artifact.trialId, kind: artifact.kind, expiresAt: expiresAt.toISOString() },
      });
      return {
        url,
        expiresAt,
        sha256: artifact.sha256,
        sizeBytes: artifact.sizeBytes,
        contentType: artifact.contentType,
      };
    },
  ),
});
