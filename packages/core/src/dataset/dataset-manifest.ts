import { z } from 'zod';
import { DatasetManifestError } from '../errors.js';
import { canonicalJson } from '../lineage/canonical-json.js';
import { sha256Hex } from '../lineage/hash.js';
import type { TaskType } from '../metrics/task.js';
import { TASK_TYPES } from '../metrics/task.js';
import { MAX_CLASSES } from './image-split.js';

export const DATASET_FORMAT = 'medsweep.dataset/1';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');
const positiveInt = z.number().int().min(1);
const share = z.number().min(0).max(1);

/** A stored shard: found by its sha256, checked against it on every read. */
const blobRefSchema = z.object({ sha256, bytes: z.number().int().min(0) });

const splitSchema = z.object({
  count: positiveInt,
  /** Samples per class, index = class; for multi-label, samples positive for each label. */
  labelHistogram: z.array(z.number().int().min(0)),
  /** uint8 NHWC pixels, count * height * width * channels bytes. */
  images: blobRefSchema,
  /** One uint8 class index per sample; for multi-label, numClasses uint8 0/1 values per sample. */
  labels: blobRefSchema,
  /**
   * Per-sample keys, pixel and perceptual hashes and, where the source gives them, patient, study,
   * series, site, modality and free attributes (sample-table.ts). Absent in manifests written before
   * per-sample records existed.
   */
  samples: blobRefSchema.optional(),
});

/** How the split assignment was made, with the sha256 of its canonical (sample key -> split) pairs. */
const splitAssignmentSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('official'), sha256 }),
  z.object({ method: z.literal('given'), sha256 }),
  z.object({
    method: z.literal('generated'),
    sha256,
    seed: z.number().int().min(0),
    fractions: z.object({ train: share, val: share, test: share }),
    stratified: z.boolean(),
    groupedBy: z.enum(['patient_id', 'study_id', 'sample']),
  }),
]);

const manifestSchema = z
  .object({
    format: z.literal(DATASET_FORMAT),
    name: z.string().min(1),
    /** MedMNIST's task names, as @medsweep/core's TaskType spells them. */
    task: z.enum(TASK_TYPES),
    /** Classes; for multi-label, labels per sample. */
    numClasses: z.number().int().min(2).max(MAX_CLASSES),
    classNames: z.array(z.string().min(1)),
    image: z.object({
      height: positiveInt,
      width: positiveInt,
      channels: z.union([z.literal(1), z.literal(3)]),
    }),
    source: z.object({
      kind: z.enum(['medmnist-npz', 'image-folder', 'image-manifest']),
      /**
       * Hash of the imported bytes: the .npz file; the image folder's sorted (path, sha256) list; for a
       * manifest, the sorted (path, sha256) list of the manifest file and every image it names.
       */
      sha256,
      licence: z.string().optional(),
      citation: z.string().optional(),
    }),
    splits: z.object({ train: splitSchema, val: splitSchema, test: splitSchema }),
    /** Present whenever the splits carry per-sample records (it hashes their keys). */
    splitAssignment: splitAssignmentSchema.optional(),
  })
  .superRefine((m, ctx) => {
    if (m.classNames.length !== m.numClasses) {
      ctx.addIssue({
        code: 'custom',
        path: ['classNames'],
        message: `has ${m.classNames.length} names for ${m.numClasses} classes`,
      });
    }
    if (!taskFits(m.task, m.numClasses)) {
      ctx.addIssue({
        code: 'custom',
        path: ['task'],
        message: `'${m.task}' does not fit ${m.numClasses} classes`,
      });
    }
    const multiLabel = m.task === 'multi-label, binary-class';
    const labelBytes = labelsPerSample(m.task, m.numClasses);
    const pixels = m.image.height * m.image.width * m.image.channels;
    const withSamples = Object.values(m.splits).filter((s) => s.samples !== undefined).length;
    if (withSamples !== 0 && withSamples !== 3) {
      ctx.addIssue({ code: 'custom', path: ['splits'], message: 'per-sample records in some splits only' });
    }
    if ((withSamples === 3) !== (m.splitAssignment !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['splitAssignment'],
        message: 'must be present exactly when the splits carry per-sample records',
      });
    }
    for (const [name, split] of Object.entries(m.splits)) {
      const total = split.labelHistogram.reduce((a, b) => a + b, 0);
      const fits = multiLabel ? split.labelHistogram.every((n) => n <= split.count) : total === split.count;
      if (split.labelHistogram.length !== m.numClasses || !fits) {
        ctx.addIssue({
          code: 'custom',
          path: ['splits', name, 'labelHistogram'],
          message: multiLabel
            ? `must have ${m.numClasses} entries of at most ${split.count}`
            : `must have ${m.numClasses} entries summing to ${split.count}`,
        });
      }
      if (split.images.bytes !== split.count * pixels || split.labels.bytes !== split.count * labelBytes) {
        ctx.addIssue({
          code: 'custom',
          path: ['splits', name],
          message: 'shard sizes do not match count and image shape',
        });
      }
    }
  });

/**
 * Describes a stored dataset completely: what it is, where it came from, and the hash of every
 * shard. Its canonical JSON's sha256 is the dataset id, so the id pins every byte of the data.
 */
export type DatasetManifest = z.infer<typeof manifestSchema>;
export type DatasetSplitEntry = DatasetManifest['splits']['train'];
export type SplitAssignment = NonNullable<DatasetManifest['splitAssignment']>;
export type BlobRef = z.infer<typeof blobRefSchema>;

/** The task of a single-label dataset with numClasses classes. */
export const taskOf = (numClasses: number): 'binary-class' | 'multi-class' =>
  numClasses === 2 ? 'binary-class' : 'multi-class';

/**
 * Whether a task and class count go together, as MedMNIST uses them: binary-class has exactly two
 * classes, multi-class three or more, ordinal regression and multi-label two or more (labels for
 * multi-label).
 */
export const taskFits = (task: TaskType, numClasses: number): boolean => CLASS_COUNT_FITS[task](numClasses);

const CLASS_COUNT_FITS: Record<TaskType, (numClasses: number) => boolean> = {
  'binary-class': (n) => n === 2,
  'multi-class': (n) => n >= 3,
  'ordinal-regression': (n) => n >= 2,
  'multi-label, binary-class': (n) => n >= 2,
};

/** Label bytes stored per sample: one class index, or one 0/1 byte per label for multi-label. */
export const labelsPerSample = (task: TaskType, numClasses: number): number =>
  task === 'multi-label, binary-class' ? numClasses : 1;

/** The manifest's bytes as stored; its sha256 is the dataset id. */
export function encodeManifest(manifest: DatasetManifest): Uint8Array {
  return new TextEncoder().encode(canonicalJson(manifest));
}

export function datasetIdOf(manifest: DatasetManifest): string {
  return sha256Hex(encodeManifest(manifest));
}

/** Parses and validates stored manifest bytes (already checked against the id by the BlobSource). */
export function decodeManifest(bytes: Uint8Array, datasetId: string): DatasetManifest {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new DatasetManifestError(datasetId, 'not JSON', { cause: error });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new DatasetManifestError(datasetId, problems.join('; '));
  }
  return parsed.data;
}

/** Blob name of a manifest: the dataset id. */
export const manifestBlobName = (datasetId: string): string => `${datasetId}.json`;

/** Blob name of a shard (images, labels or a samples table): its own sha256, so equal shards are stored once. */
export const shardBlobName = (sha: string): string => `${sha}.bin`;
