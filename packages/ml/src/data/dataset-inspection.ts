// Any dataset source on disk (a MedMNIST .npz, an image folder, a CSV / JSON Lines manifest) read into
// a draft, and the report on it that `medsweep data inspect` prints: no stack, nothing stored.
import { stat } from 'node:fs/promises';
import type { StoredDatasetReport } from '@medsweep/core';
import { datasetReport } from '@medsweep/core';
import type { Tf } from '../backend.js';
import type { DatasetDraft, DatasetManifest, SampleRow, SplitName } from '@medsweep/core/records';
import { draftSampleRows, draftTask, sampleRecordsOf } from '@medsweep/core/records';
import type { DicomWindow } from './dicom.js';
import { readImageFolderDraft } from './image-folder.js';
import { IMAGE_MANIFEST_FILE, readImageManifestDraft } from './image-manifest.js';
import { readMedmnistDraft } from './medmnist.js';

export interface DatasetSourceArgs {
  /** A .npz file, a folder of class sub-folders, or a .csv / .jsonl manifest. */
  path: string;
  name?: string;
  /** Class names (npz and manifests; a folder's are its sub-folder names). */
  classNames?: readonly string[];
  /** A MedMNIST task string (npz and manifests). */
  task?: string;
  /** Split fractions and seed for sources without a split. */
  holdout?: { val: number; test: number; seed: number };
  /** Resize image files to this size (folders and manifests). */
  size?: { height: number; width: number };
  channels?: 1 | 3;
  dicomWindow?: DicomWindow;
  /** Loads the native tfjs backend; called only for sources with image files, never for an .npz. */
  loadTf: () => Promise<Tf>;
}

/** Which reader a path goes to. */
export type DatasetSourceKind = DatasetManifest['source']['kind'];

/** The reader for a path: .npz, a manifest by extension, else a folder. */
export async function datasetSourceKind(path: string): Promise<DatasetSourceKind> {
  if (/\.npz$/i.test(path)) return 'medmnist-npz';
  if (IMAGE_MANIFEST_FILE.test(path)) return 'image-manifest';
  return (await stat(path)).isDirectory() ? 'image-folder' : 'medmnist-npz';
}

/** Reads any supported source into a draft (checked, nothing stored). */
export async function readDatasetDraft(args: DatasetSourceArgs): Promise<DatasetDraft> {
  const common = {
    ...(args.name === undefined ? {} : { name: args.name }),
    ...(args.classNames === undefined ? {} : { classNames: args.classNames }),
    ...(args.task === undefined ? {} : { task: args.task }),
  };
  const images = async () => ({
    tf: await args.loadTf(),
    ...(args.size === undefined ? {} : { size: args.size }),
    ...(args.channels === undefined ? {} : { channels: args.channels }),
    ...(args.dicomWindow === undefined ? {} : { dicomWindow: args.dicomWindow }),
    ...(args.holdout === undefined ? {} : { holdout: args.holdout }),
  });
  switch (await datasetSourceKind(args.path)) {
    case 'medmnist-npz':
      return readMedmnistDraft({ path: args.path, ...common });
    case 'image-manifest':
      return readImageManifestDraft({ manifest: args.path, ...common, ...(await images()) });
    case 'image-folder':
      return readImageFolderDraft({
        root: args.path,
        ...(args.name === undefined ? {} : { name: args.name }),
        ...(await images()),
      });
  }
}

/** What `data inspect` reports: the dataset checks of @medsweep/core plus what the draft itself says. */
export interface DatasetInspection extends StoredDatasetReport {
  name: string;
  source: DatasetSourceKind;
  image: { height: number; width: number; channels: 1 | 3 };
  splitAssignment: DatasetManifest['splitAssignment'] | undefined;
}

/**
 * The report on a draft's samples (counts, duplicates, leakage), as it would be stored. `rows` are the
 * draft's sample rows when the caller has them already (draftSampleRows).
 */
export function inspectDraft(
  draft: DatasetDraft,
  options: { maxDistance?: number; maxListed?: number } = {},
  rows: Record<SplitName, SampleRow[]> | undefined = draftSampleRows(draft),
): DatasetInspection {
  const task = draftTask(draft);
  const numClasses = draft.classNames.length;
  const samples = rows ? sampleRecordsOf(rows, draft.splits, task, numClasses) : [];
  const report = datasetReport({ task, numClasses, classNames: draft.classNames, samples, ...options });
  const { height, width, channels } = draft.splits.train;
  return {
    name: draft.name,
    source: draft.source.kind,
    image: { height, width, channels },
    ...report,
    splitAssignment: draft.samples
      ? { ...draft.samples.assignment, sha256: report.splitAssignmentSha256 }
      : undefined,
  };
}
