import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointFormatError } from '../errors.js';
import type { TensorRecord } from './tensor-records.js';

/** One completed epoch of a run. */
export interface EpochRecord {
  /** 0-based. */
  epoch: number;
  /** Mean training loss over the epoch's samples. */
  loss: number;
  /** Rate of the epoch's last step. */
  learningRate: number;
  validationLoss?: number;
  /** The validation metric (e.g. AUC) after this epoch. */
  validationMetric?: number;
}

/**
 * Everything a run needs to continue exactly where it stopped, taken at the end of an epoch.
 * There is no generator state to save: every random draw (shuffle, augmentation, dropout) is a
 * pure function of (seed, epoch, index), so `seed` and `epochsCompleted` place the streams.
 */
export interface TrainingCheckpoint {
  /** The run's settings, data hashes and weight shapes; a resume must present the same. */
  settings: Record<string, unknown>;
  seed: number;
  epochsCompleted: number;
  history: EpochRecord[];
  best?: { epoch: number; value: number };
  epochsWithoutImprovement: number;
  stoppedEarly: boolean;
  /** Every model weight (trainable and not), in model.weights order. */
  weights: TensorRecord[];
  /** The optimizer's step count and slot variables (Adam m and v, or momentum). */
  optimizer: TensorRecord[];
  /** Weights of the best epoch so far; absent when that is the last completed epoch (then = weights). */
  bestWeights?: TensorRecord[];
}

/** Where a run's checkpoints live; the worker backs it with S3, tests and the CLI with a directory. */
export interface CheckpointStore {
  save(checkpoint: TrainingCheckpoint): Promise<void>;
  /** The newest saved checkpoint, or undefined for a run that has none yet. */
  loadLatest(): Promise<TrainingCheckpoint | undefined>;
}

const MAGIC = 'MSWCKPT1';
type TensorGroup = 'weights' | 'optimizer' | 'bestWeights';

interface TensorEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
  length: number;
}

/**
 * Serialises a checkpoint: magic, a uint32 header length, a JSON header, then each tensor's raw
 * little-endian values at a 4-byte-aligned offset the header records.
 */
export function encodeCheckpoint(checkpoint: TrainingCheckpoint): Uint8Array {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const describe = (records: TensorRecord[]): TensorEntry[] =>
    records.map((r) => {
      const bytes = new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength);
      chunks.push(bytes);
      const entry = { name: r.name, shape: r.shape, dtype: r.dtype, offset, length: r.data.length };
      offset += bytes.length;
      return entry;
    });
  const { weights, optimizer, bestWeights, ...rest } = checkpoint;
  const header = {
    ...rest,
    tensors: {
      weights: describe(weights),
      optimizer: describe(optimizer),
      ...(bestWeights ? { bestWeights: describe(bestWeights) } : {}),
    },
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(MAGIC.length + 4 + headerBytes.length);
  const out = new Uint8Array(dataStart + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, headerBytes.length, true);
  out.set(headerBytes, MAGIC.length + 4);
  let at = dataStart;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Parses encodeCheckpoint()'s bytes; `location` names them in errors. */
export function decodeCheckpoint(bytes: Uint8Array, location: string): TrainingCheckpoint {
  if (
    bytes.length < MAGIC.length + 4 ||
    new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC
  ) {
    throw new CheckpointFormatError(location, `does not start with ${MAGIC}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC.length, true);
  const dataStart = align4(MAGIC.length + 4 + headerLength);
  let header: Omit<TrainingCheckpoint, TensorGroup> & {
    tensors: Partial<Record<TensorGroup, TensorEntry[]>>;
  };
  try {
    header = JSON.parse(
      new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength)),
    );
  } catch (error) {
    throw new CheckpointFormatError(location, 'header is not JSON (truncated?)', { cause: error });
  }
  const read = (entries: TensorEntry[] | undefined, group: string): TensorRecord[] => {
    if (!Array.isArray(entries))
      throw new CheckpointFormatError(location, `header lacks the ${group} tensors`);
    return entries.map((e) => {
      const start = dataStart + e.offset;
      const end = start + e.length * 4;
      if (end > bytes.length) {
        throw new CheckpointFormatError(
          location,
          `tensor ${e.name} ends at byte ${end} of ${bytes.length} (truncated)`,
        );
      }
      // slice() copies into an aligned buffer of its own.
      const buffer = bytes.slice(start, end).buffer;
      const data = e.dtype === 'int32' ? new Int32Array(buffer) : new Float32Array(buffer);
      return { name: e.name, shape: e.shape, dtype: e.dtype, data };
    });
  };
  const { tensors, ...rest } = header;
  return {
    ...rest,
    weights: read(tensors.weights, 'weights'),
    optimizer: read(tensors.optimizer, 'optimizer'),
    ...(tensors.bestWeights ? { bestWeights: read(tensors.bestWeights, 'bestWeights') } : {}),
  };
}

const align4 = (n: number): number => Math.ceil(n / 4) * 4;

const FILE = /^epoch-(\d+)\.ckpt$/;

/** The file (or object) name of the checkpoint taken after `epochs` completed epochs: epoch-NNNN.ckpt. */
export const checkpointFileName = (epochs: number): string => `epoch-${String(epochs).padStart(4, '0')}.ckpt`;

/**
 * Of `names` (file names, or keys ending in one), the checkpoints older than the newest `keep` (0: none,
 * every epoch's is kept), oldest first; names that are not checkpoints are ignored. Stores call it after
 * saving, to delete those.
 */
export function staleCheckpoints(names: readonly string[], keep: number): string[] {
  if (keep === 0) return [];
  return checkpointsByEpoch(names)
    .slice(0, -keep)
    .map((c) => c.name);
}

/** The checkpoints among `names`, oldest first. */
function checkpointsByEpoch(names: readonly string[]): { name: string; epoch: number }[] {
  return names
    .map((name) => ({ name, epoch: Number(FILE.exec(name.slice(name.lastIndexOf('/') + 1))?.[1] ?? NaN) }))
    .filter((f) => Number.isInteger(f.epoch))
    .sort((a, b) => a.epoch - b.epoch);
}

/** Checkpoints as files epoch-NNNN.ckpt in one directory, keeping the newest `keep`. */
export class LocalDirectoryCheckpointStore implements CheckpointStore {
  constructor(
    readonly directory: string,
    readonly keep = 2,
  ) {}

  async save(checkpoint: TrainingCheckpoint): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const path = join(this.directory, checkpointFileName(checkpoint.epochsCompleted));
    // Write then rename: a process killed mid-write leaves the previous checkpoint as the latest.
    const partial = `${path}.partial`;
    await writeFile(partial, encodeCheckpoint(checkpoint));
    await rename(partial, path);
    const stale = staleCheckpoints(await this.names(), this.keep);
    await Promise.all(stale.map((name) => rm(join(this.directory, name), { force: true })));
  }

  async loadLatest(): Promise<TrainingCheckpoint | undefined> {
    const latest = checkpointsByEpoch(await this.names()).at(-1);
    if (!latest) return undefined;
    const path = join(this.directory, latest.name);
    return decodeCheckpoint(new Uint8Array(await readFile(path)), path);
  }

  /** Names of the directory's files (none before the first save). */
  private async names(): Promise<string[]> {
    try {
      return await readdir(this.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }
}
