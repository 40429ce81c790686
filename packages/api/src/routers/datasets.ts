// The datasets registered in a project (by `medsweep data import`), newest first; one dataset with its
// import report (class balance per split, duplicates, shared patients and studies), its manifest hash
// and the sweeps that trained on it; and its sample images, read from the bucket (sha256-checked).
import type { StoredDatasetReport } from '@medsweep/core';
import type { DatasetPreview } from '@medsweep/db';
import { listDatasets, sweepsOfDataset } from '@medsweep/db';
import { z } from 'zod';
import { projectInput, uuid } from '../inputs.js';
import { projectBySlug, projectOfDataset } from '../locate.js';
import { projectProcedure, router } from '../trpc.js';

const datasetInput = z.strictObject({ datasetId: uuid });

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
