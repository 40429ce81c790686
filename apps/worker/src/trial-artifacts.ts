// Where a trial's output files live in S3: trials/<sweepId>/<trialIndex>/<name> (@medsweep/ml's trial
// runner names and encodes them). Keys are fixed by the trial, so a retried evaluation rewrites the
// same objects.
import type { ArtifactSink } from '@medsweep/ml';
import type { ObjectStore } from '@medsweep/storage';
import { trialObjectPrefix } from '@medsweep/workflows';

/** The ArtifactSink of trial `trialIndex` of sweep `sweepId`: its files in `store`, keyed as above. */
export function s3ArtifactSink(store: ObjectStore, sweepId: string, trialIndex: number): ArtifactSink {
  const prefix = trialObjectPrefix(sweepId, trialIndex);
  return { put: (name, bytes, contentType) => store.put(`${prefix}/${name}`, bytes, contentType) };
}
