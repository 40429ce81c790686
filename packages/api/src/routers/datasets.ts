// The datasets registered in a project (by `medsweep data import`), newest first; one dataset with its
// import report (class balance per split, duplicates, shared patients and studies), its manifest hash
// and the sweeps that trained on it; its sample images, read from the bucket (sha256-checked); and
// importing one: upload URLs for its blobs, then registration, which verifies every blob and computes
// the report itself (services/dataset-registration.ts). Importing needs the right to submit sweeps.
import type { StoredDatasetReport } from '@medsweep/core';
import type { DatasetPreview } from '@medsweep/db';
import { listDatasets, sweepsOfDataset } from '@medsweep/db';
import { ObjectBlobStore } from '@medsweep/storage';
import { z } from 'zod';
import { actorOf } from '../auth/principal.js';
import { label, projectInput, uuid } from '../inputs.js';
import { projectBySlug, projectOfDataset } from '../locate.js';
import { registerStoredDataset } from '../services/dataset-registration.js';
import { completeStagedUpload, startStagedUpload } from '../services/staged-upload.js';
import { projectProcedure, router } from '../trpc.js';
import { blobBytes, multipartCompletion, partBytes, sha256 } from './upload-inputs.js';

const datasetInput = z.strictObject({ datasetId: uuid });

/** A dataset blob's name: `<sha256>.bin` (shards, samples tables) or `<sha256>.json` (the manifest). */
const blobName = z
  .string()
  .regex(/^[0-9a-f]{64}\.(bin|json)$/, 'must be <sha256>.bin (a shard) or <sha256>.json (a manifest)');

/** Blobs are named by their content: the name's sha256 must be the declared one. */
const namedByContent = <T extends { name: string; sha256: string }>(blobs: T[]) =>
  blobs.every((b) => b.name.startsWith(b.sha256));
const uniqueNames = <T extends { name: string }>(blobs: T[]) =>
  new Set(blobs.map((b) => b.name)).size === blobs.length;

/** At most this many blobs per dataset upload (three splits of images, labels and samples, plus a manifest). */
const MAX_DATASET_BLOBS = 16;

const blobList = <T extends z.ZodType<{ name: string; sha256: string }>>(blob: T) =>
  z
    .array(blob)
    .min(1, 'must name at least the manifest')
    .max(MAX_DATASET_BLOBS, `must be at most ${MAX_DATASET_BLOBS} blobs`)
    .refine(namedByContent, 'each blob must be named by its sha256 (<sha256>.bin or <sha256>.json)')
    .refine(uniqueNames, 'each blob must be named once');

export const datasetsRouter = router({
  list: projectProcedure(projectInput, 'project.read', projectBySlug).query(({ ctx }) =>
    listDatasets(ctx.db, ctx.located.project.id),
  ),

  /**
   * One dataset: what it is, its import report (null when it was registered before reports were stored)
   * and the sweeps whose trials trained on it, newest first.
   */
  get: projectProcedure(datasetInput, 'project.read', projectOfDataset).query(async ({ ctx }) => {
    const { dataset, project } = ctx.located;
    return {
      project: project.slug,
      dataset: {
        id: dataset.id,
        name: dataset.name,
        contentHash: dataset.contentHash,
        manifestUri: dataset.manifestUri,
        splitAssignmentHash: dataset.splitAssignmentHash,
        task: dataset.task,
        numClasses: dataset.numClasses,
        licence: dataset.licence,
        source: dataset.source,
        leaky: dataset.leaky,
        createdAt: dataset.createdAt,
      },
      report: dataset.report as unknown as StoredDatasetReport | null,
      previews: (dataset.previews as unknown as DatasetPreview[]).length,
      sweeps: await sweepsOfDataset(ctx.db, dataset.id),
    };
  }),

  /**
   * Upload URLs (valid an hour) for a dataset's blobs (shards, samples tables, manifest), as declared:
   * one PUT each up to `partBytes` (default 64 MiB), else a multipart upload; blobs the store holds
   * already are not uploaded again (`uploadId` null when it holds them all).
   */
  startUpload: projectProcedure(
    projectInput.extend({
      blobs: blobList(z.strictObject({ name: blobName, sha256, bytes: blobBytes })),
      partBytes,
    }),
    'sweep.submit',
    projectBySlug,
  ).mutation(({ ctx, input }) => {
    const blobs = new ObjectBlobStore(ctx.objectStore);
    return startStagedUpload(
      ctx.objectStore,
      ctx.located.project.id,
      input.blobs.map((b) => ({ ...b, contentKey: blobs.keyOf(b.name) })),
      input.partBytes,
    );
  }),

  /**
   * Completes the upload (every blob must hash to its declared sha256: 400 naming the blob otherwise,
   * and nothing is kept), then registers the dataset `contentHash` from what is stored: every shard
   * verified, each sample row's hashes recomputed from the images (400 when they disagree), the
   * duplicate and leakage report and the sample images made here. Registering it again changes nothing.
   */
  register: projectProcedure(
    projectInput.extend({
      name: label(128),
      contentHash: sha256,
      uploadId: uuid.nullable(),
      blobs: blobList(z.strictObject({ name: blobName, sha256, multipart: multipartCompletion.optional() })),
      origin: label(1024),
      maxDistance: z.number().int().min(0).max(64).optional(),
      maxListed: z.number().int().min(0).max(1000).optional(),
    }),
    'sweep.submit',
    projectBySlug,
  ).mutation(async ({ ctx, input }) => {
    const { project } = ctx.located;
    const blobs = new ObjectBlobStore(ctx.objectStore);
    await completeStagedUpload(
      ctx.objectStore,
      project.id,
      input.uploadId,
      input.blobs.map((b) => ({
        name: b.name,
        sha256: b.sha256,
        contentKey: blobs.keyOf(b.name),
        ...(b.multipart ? { multipart: b.multipart } : {}),
      })),
    );
    return registerStoredDataset(ctx.db, ctx.objectStore, {
      project: project.slug,
      name: input.name,
      contentHash: input.contentHash,
      origin: input.origin,
      ...(input.maxDistance === undefined ? {} : { maxDistance: input.maxDistance }),
      ...(input.maxListed === undefined ? {} : { maxListed: input.maxListed }),
      actor: actorOf(ctx.principal),
    });
  }),

  /**
   * The sample images stored at import (a few per class), each as a PNG data URL with the class and
   * sample it shows: small enough to inline, so the page needs no second round trip to the bucket.
   */
  previews: projectProcedure(datasetInput, 'project.read', projectOfDataset).query(async ({ ctx }) => {
    const previews = ctx.located.dataset.previews as unknown as DatasetPreview[];
    return Promise.all(
      previews.map(async (p) => {
        const png = await ctx.objectStore.get(ctx.objectStore.keyOf(p.uri), p.sha256);
        return {
          classIndex: p.classIndex,
          split: p.split,
          key: p.key,
          src: `data:image/png;base64,${Buffer.from(png).toString('base64')}`,
        };
      }),
    );
  }),
});
