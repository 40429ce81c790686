// Weights files registered through the API without S3 credentials: the API hands out a presigned PUT URL
// for a staging key of its choosing, and on registration reads what arrived, refuses it unless its
// sha256 is the one declared, and only then stores it under its content address and registers it.
// Staging keys keep an uploader from ever writing over stored, content-addressed weights.
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { Db } from '@medsweep/db';
import { registerWeightsFileSource } from '@medsweep/db';
import type { Project } from '@medsweep/db/types';
import type { ObjectStore } from '@medsweep/storage';

/** How long an upload URL works: long enough for a large file on a slow link. */
export const UPLOAD_LINK_SECONDS = 3600;

/** Where stored weights live: one object per content. */
export const weightsKey = (sha256: string) => `weights/${sha256}.h5`;

/** The staging key of one upload of one project. */
const stagingKey = (projectId: string, uploadId: string) => `uploads/weights/${projectId}/${uploadId}.h5`;

export type WeightsUpload =
  | { alreadyStored: true; uploadId: null; url: null }
  | { alreadyStored: false; uploadId: string; url: string; expiresInSeconds: number };

/** An upload URL for a file of this sha256, or none when the store holds that content already. */
export async function startWeightsUpload(
  store: ObjectStore,
  project: Project,
  sha256: string,
): Promise<WeightsUpload> {
  if (await store.exists(weightsKey(sha256))) return { alreadyStored: true, uploadId: null, url: null };
  const uploadId = randomUUID();
  const url = await store.presignPut(stagingKey(project.id, uploadId), {
    expiresInSeconds: UPLOAD_LINK_SECONDS,
  });
  return { alreadyStored: false, uploadId, url, expiresInSeconds: UPLOAD_LINK_SECONDS };
}

export interface RegisterUploadedWeights {
  project: Project;
  name: string;
  architecture: string;
  sha256: string;
  fileName: string;
  /** The upload's id; null when startWeightsUpload found the content stored already. */
  uploadId: string | null;
  actor: string;
}

/**
 * Verifies the staged upload against its declared sha256 (ObjectIntegrityError when it differs,
 * ObjectNotFoundError when nothing was uploaded), moves it to its content address and registers it.
 */
export async function registerUploadedWeights(db: Db, store: ObjectStore, input: RegisterUploadedWeights) {
  const key = weightsKey(input.sha256);
  if (input.uploadId !== null) {
    const staged = stagingKey(input.project.id, input.uploadId);
    try {
      const bytes = await store.get(staged, input.sha256);
      if (!(await store.exists(key))) await store.put(key, bytes, 'application/x-hdf5');
    } finally {
      await store.delete(staged);
    }
  } else if (!(await store.exists(key))) {
    // Content claimed to be stored already: only what the store really holds is registered.
    await store.get(key, input.sha256);
  }
  return registerWeightsFileSource(db, {
    project: input.project.slug,
    name: input.name,
    architecture: input.architecture,
    uri: store.uriOf(key),
    sha256: input.sha256,
    fileName: basename(input.fileName),
    actor: input.actor,
  });
}
