// The initial-weights sources registered in a project: uploaded files and earlier trials' outputs. Files
// are uploaded straight to the object store through a presigned URL and verified by sha256 before they are
// registered. Registering needs the right to submit sweeps (members, leads, admins): weights are what
// a sweep's pretrained arms start from.
import { listWeightsSources, registerTrialWeightsSource } from '@medsweep/db';
import { z } from 'zod';
import { actorOf } from '../auth/principal.js';
import { label, projectInput, uuid } from '../inputs.js';
import { projectBySlug, projectOfTrial } from '../locate.js';
import { registerUploadedWeights, startWeightsUpload } from '../services/weights-upload.js';
import { projectProcedure, router } from '../trpc.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 as 64 lowercase hex digits');

/** `<ref>/<architecture>`, e.g. `imagenet/squeezenet1_1`. */
const weightsName = label(128).regex(
  /^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/,
  'must be <ref>/<architecture>, e.g. imagenet/squeezenet1_1',
);

export const weightsRouter = router({
  list: projectProcedure(projectInput, 'project.read', projectBySlug).query(({ ctx }) =>
    listWeightsSources(ctx.db, ctx.located.project.id),
  ),

  /**
   * A presigned PUT URL (valid an hour; one request, so at most S3's 5 GB single upload) for a weights
   * file of this sha256; none when the store holds that content already. Writes nothing but the link.
   */
  startUpload: projectProcedure(projectInput.extend({ sha256 }), 'sweep.submit', projectBySlug).mutation(
    ({ ctx, input }) => startWeightsUpload(ctx.objectStore, ctx.located.project, input.sha256),
  ),

  /**
   * Registers an uploaded file as a weights source once its bytes hash to `sha256` (400 otherwise);
   * 409 when the name is taken by other content.
   */
  register: projectProcedure(
    projectInput.extend({ name: weightsName, sha256, fileName: label(255), uploadId: uuid.nullable() }),
    'sweep.submit',
    projectBySlug,
  ).mutation(async ({ ctx, input }) => {
    const { weightsSource, created } = await registerUploadedWeights(ctx.db, ctx.objectStore, {
      project: ctx.located.project,
      name: input.name,
      architecture: input.name.split('/')[1]!,
      sha256: input.sha256,
      fileName: input.fileName,
      uploadId: input.uploadId,
      actor: actorOf(ctx.principal),
    });
    return { id: weightsSource.id, name: weightsSource.name, sha256: input.sha256, created };
  }),

  /** Registers a completed trial's output weights (pretrain on one dataset, fine-tune on another). */
  fromTrial: projectProcedure(
    z.strictObject({ trialId: uuid, name: weightsName }),
    'sweep.submit',
    projectOfTrial,
  ).mutation(async ({ ctx, input }) => {
    const { weightsSource, created } = await registerTrialWeightsSource(ctx.db, {
      trialId: input.trialId,
      name: input.name,
      actor: actorOf(ctx.principal),
    });
    return { id: weightsSource.id, name: weightsSource.name, created };
  }),
});
