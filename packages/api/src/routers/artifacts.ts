// Download links for a trial's artifacts: presigned S3 GET URLs that expire quickly, so a link that
// leaks (browser history, a pasted message) stops working on its own.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { z } from 'zod';
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
      const store = ctx.objectStore;
      const expiresIn = ctx.artifactLinkSeconds ?? ARTIFACT_LINK_SECONDS;
      const key = store.keyOf(artifact.uri);
      const filename = key.split('/').join('_');
      const url = await getSignedUrl(
        store.client,
        new GetObjectCommand({
          Bucket: store.bucket,
          Key: key,
          ResponseContentDisposition: `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
        }),
        { expiresIn },
      );
      return {
        url,
        expiresAt: new Date(Date.now() + expiresIn * 1000),
        sha256: artifact.sha256,
        sizeBytes: artifact.sizeBytes,
        contentType: artifact.contentType,
      };
    },
  ),
});
