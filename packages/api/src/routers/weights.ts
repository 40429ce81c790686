// The initial-weights sources registered in a project: uploaded files and earlier trials' outputs. Files
// are uploaded straight to the object store through presigned URLs (multipart for large files) and
// verified by sha256 before they are registered (services/staged-upload.ts). Registering needs the right
// to submit sweeps (members, leads, admins): weights are what a sweep's pretrained arms start from.
import { listWeightsSources, registerTrialWeightsSource } from '@medsweep/db';
import { z } from 'zod';
import { actorOf } from '../auth/principal.js';
import { label, projectInput, uuid } from '../inputs.js';
import { projectBySlug, projectOfTrial } from '../locate.js';
import { completeStagedUpload, startStagedUpload } from '../services/staged-upload.js';
import { registerStoredWeights, weightsKey } from '../services/weights-registration.js';
import { projectProcedure, router } from '../trpc.js';
import { blobBytes, multipartCompletion, partBytes, sha256 } from './upload-inputs.js';

/** The one blob of a weights upload. */
const WEIGHTS_BLOB = 'weights.h5';

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
   * Upload URLs (valid an hour) for a weights file of this sha256 and size: one PUT up to `partBytes`
   * (default 64 MiB), else one URL per part of a multipart upload; none when the store holds that
   * content already (`uploadId` null). Writes nothing but the links and an empty multipart upload.
   */
  startUpload: projectProcedure(
    projectInput.extend({ sha256, bytes: blobBytes, partBytes }),
    'sweep.submit',
    projectBySlug,
  ).mutation(({ ctx, input }) =>
    startStagedUpload(
      ctx.objectStore,
      ctx.located.project.id,
      [
        {
          name: WEIGHTS_BLOB,
          sha256: input.sha256,
          bytes: input.bytes,
          contentKey: weightsKey(input.sha256),
        },
      ],
      input.partBytes,
    ),
  ),

  /**
   * Registers an uploaded file as a weights source once its bytes hash to `sha256` (400 otherwise, and
   * nothing is kept); `multipart` completes a multipart upload first. 409 when the name is taken by
   * other content.
   */
  register: projectProcedure(
    projectInput.extend({
      name: weightsName,
      sha256,
      fileName: label(255),
      uploadId: uuid.nullable(),
      multipart: multipartCompletion.optional(),
    }),
    'sweep.submit',
    projectBySlug,
  ).mutation(async ({ ctx, input }) => {
    const { project } = ctx.located;
    const key = weightsKey(input.sha256);
    await completeStagedUpload(ctx.objectStore, project.id, input.uploadId, [
      {
        name: WEIGHTS_BLOB,
        sha256: input.sha256,
        contentKey: key,
        contentType: 'application/x-hdf5',
        ...(input.multipart ? { multipart: input.multipart } : {}),
      },
    ]);
    const { weightsSource, created } = await registerStoredWeights(ctx.db, ctx.objectStore, {
      project: project.slug,
      name: input.name,
      sha256: input.sha256,
      fileName: input.fileName,
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
