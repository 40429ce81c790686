// A trial's training checkpoints in S3, so a retry on any worker resumes where the last attempt stopped.
// Keys are fixed by the trial, not by the attempt or worker: checkpoints/<sweepId>/<trialIndex>/
// epoch-NNNN.ckpt, plus latest.json naming the newest one (written after it, so it never names a
// checkpoint that is not there). Only the newest `keep` epochs stay (MEDSWEEP_CHECKPOINTS_KEPT): a
// checkpoint carries the run's whole state (best weights included), so older ones are never read again,
// and at ~3x the model's size per epoch they would otherwise grow without bound.
import type { CheckpointStore, TrainingCheckpoint } from '@medsweep/ml';
import { checkpointFileName, decodeCheckpoint, encodeCheckpoint, staleCheckpoints } from '@medsweep/ml';
import type { ObjectStore } from '@medsweep/storage';
import { ObjectNotFoundError } from '@medsweep/storage';

/** Where a checkpoint is: what heartbeats announce and a retry resumes from. */
export interface CheckpointLocation {
  uri: string;
  sha256: string;
  /** Epochs the checkpoint has completed. */
  epoch: number;
}

/** The key prefix of one trial's checkpoints. */
export const checkpointPrefix = (sweepId: string, trialIndex: number): string =>
  `checkpoints/${sweepId}/${trialIndex}`;

export class S3CheckpointStore implements CheckpointStore {
  /** The checkpoint saved or loaded last; undefined before the first. */
  latest: CheckpointLocation | undefined;

  /**
   * @param hint the checkpoint the previous attempt last announced in its heartbeat; preferred when it
   *   is at least as new as latest.json (which it can be newer than, if that attempt died in between).
   */
  constructor(
    readonly store: ObjectStore,
    readonly prefix: string,
    readonly hint?: CheckpointLocation,
    // Two by default: a retry may still be reading the one before the newest, which its heartbeat named.
    // 0 keeps every epoch's.
    readonly keep = 2,
  ) {}

  async save(checkpoint: TrainingCheckpoint): Promise<void> {
    const key = `${this.prefix}/${checkpointFileName(checkpoint.epochsCompleted)}`;
    const stored = await this.store.put(key, encodeCheckpoint(checkpoint));
    const location = { uri: stored.uri, sha256: stored.sha256, epoch: checkpoint.epochsCompleted };
    await this.store.put(
      this.pointerKey,
      new TextEncoder().encode(JSON.stringify(location)),
      'application/json',
    );
    this.latest = location;
    await this.removeStale();
  }

  /** Deletes all but the newest `keep` epoch checkpoints of the trial. */
  private async removeStale(): Promise<void> {
    if (this.keep === 0) return;
    const keys = await this.store.list(`${this.prefix}/epoch-`);
    for (const key of staleCheckpoints(keys, this.keep)) await this.store.delete(key);
  }

  async loadLatest(): Promise<TrainingCheckpoint | undefined> {
    const candidates = [this.ownHint(), await this.readPointer()]
      .filter((c): c is CheckpointLocation => c !== undefined)
      // Newest first; on a tie the heartbeat's (stable sort keeps it ahead).
      .sort((a, b) => b.epoch - a.epoch);
    for (const candidate of candidates) {
      const key = this.store.keyOf(candidate.uri);
      let bytes: Uint8Array;
      try {
        bytes = await this.store.get(key, candidate.sha256);
      } catch (error) {
        // A hint can name a checkpoint that was since removed; the pointer may still name a good one.
        if (error instanceof ObjectNotFoundError) continue;
        throw error;
      }
      this.latest = candidate;
      return decodeCheckpoint(bytes, candidate.uri);
    }
    return undefined;
  }

  private get pointerKey(): string {
    return `${this.prefix}/latest.json`;
  }

  /** The hint, if it is one of this trial's checkpoints (a heartbeat is data from outside). */
  private ownHint(): CheckpointLocation | undefined {
    const key = this.hint && this.store.keyInBucket(this.hint.uri);
    return key?.startsWith(`${this.prefix}/`) ? this.hint : undefined;
  }

  private async readPointer(): Promise<CheckpointLocation | undefined> {
    try {
      const location = JSON.parse(
        new TextDecoder().decode(await this.store.get(this.pointerKey)),
      ) as CheckpointLocation;
      return this.store.keyInBucket(location.uri) === undefined ? undefined : location;
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
  }
}
