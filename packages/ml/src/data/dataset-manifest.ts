import { z } from 'zod';
import { DatasetManifestError } from '../errors.js';
import { canonicalJson, sha256Hex } from '@medsweep/core';
import { MAX_CLASSES } from './image-split.js';

export const DATASET_FORMAT = 'medsweep.dataset/1';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');
const positiveInt = z.number().int().min(1);

/** A stored shard: found by its sha256, checked against it on every read. */
const blobRefSchema = z.object({ sha256, bytes: z.number().int().min(0) });

const splitSchema = z.object({
  count: positiveInt,
  /** Samples per class, index = class. */
  labelHistogram: z.array(z.number().int().min(0)),
  /** uint8 NHWC pixels, count * height * width * channels bytes. */
  images: blobRefSchema,
  /** One uint8 class index per sample. */
  labels: blobRefSchema,
});

const manifestSchema = z
  .object({
    format: z.literal(DATASET_FORMAT),
    name: z.string().min(1),
    /** MedMNIST's task names, as @medsweep/core's TaskType spells them. */
    task: z.enum(['binary-class', 'multi-class']),
    numClasses: z.number().int().min(2).max(MAX_CLASSES),
    classNames: z.array(z.string().min(1)),
    image: z.object({
      height: positiveInt,
      width: positiveInt,
      channels: z.union([z.literal(1), z.literal(3)]),
    }),
    source: z.object({
      kind: z.enum(['medmnist-npz', 'image-folder']),
      /** Hash of the imported bytes: the .npz file, or the image folder's sorted (path, sha256) list. */
      sha256,
      licence: z.string().optional(),
      citation: z.string().optional(),
    }),
    splits: z.object({ train: splitSchema, val: splitSchema, test: splitSchema }),
  })
  .superRefine((m, ctx) => {
    if (m.classNames.length !== m.numClasses) {
      ctx.addIssue({
        code: 'custom',
        path: ['classNames'],
        message: `has ${m.classNames.length} names for ${m.numClasses} classes`,
      });
    }
    if (m.task !== taskOf(m.numClasses)) {
      ctx.addIssue({
        code: 'custom',
        path: ['task'],
        message: `'${m.task}' does not fit ${m.numClasses} classes`,
      });
    }
    const pixels = m.image.height * m.image.width * m.image.channels;
    for (const [name, split] of Object.entries(m.splits)) {
      const total = split.labelHistogram.reduce((a, b) => a + b, 0);
      if (split.labelHistogram.length !== m.numClasses || total !== split.count) {
        ctx.addIssue({
          code: 'custom',
          path: ['splits', name, 'labelHistogram'],
          message: `must have ${m.numClasses} entries summing to ${split.count}`,
        });
      }
      if (split.images.bytes !== split.count * pixels || split.labels.bytes !== split.count) {
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
export type BlobRef = z.infer<typeof blobRefSchema>;

/** The task of a single-label dataset with numClasses classes. */
export const taskOf = (numClasses: number): 'binary-class' | 'multi-class' =>
  numClasses === 2 ? 'binary-class' : 'multi-class';

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

/** Blob name of a shard: its own sha256, so equal shards are stored once. */
export const shardBlobName = (sha: string): string => `${sha}.bin`;
