// Heartbeats of the train activity: liveness for Temporal (a dead worker's segment moves within the
// heartbeat timeout), progress for people, and the checkpoint a retry resumes from.
import type { Context } from '@temporalio/activity';
import type { CheckpointLocation } from './checkpoints.js';

/** The details of every heartbeat of a trainSegment activity. */
export interface TrainHeartbeat {
  phase: 'setup' | 'train' | 'evaluate';
  /** The epoch in progress, 0-based as the trainer and the epoch_metrics table count, of `epochs`. */
  epoch: number;
  epochs: number;
  /** Batches done in that epoch, of `batches`. */
  batch: number;
  batches: number;
  /** Last batch's loss, or null before the first. */
  loss: number | null;
  /** Running epoch means and the last epoch's validation metrics, e.g. { loss, val_loss, val_auc }. */
  metrics: Record<string, number>;
  /** The newest checkpoint in S3: where a retry of this segment resumes. */
  checkpointUri: string | null;
  checkpointSha256: string | null;
  checkpointEpoch: number | null;
}

/** Interval of heartbeats while no batch reports (setup, validation, evaluation, uploads). */
const KEEPALIVE_MS = 5_000;

/**
 * Sends heartbeats for one activity: update() on every batch (the SDK throttles what reaches the
 * server), and the latest details every few seconds while nothing else reports.
 */
export class TrainHeartbeater {
  private details: TrainHeartbeat = {
    phase: 'setup',
    epoch: 0,
    epochs: 0,
    batch: 0,
    batches: 0,
    loss: null,
    metrics: {},
    checkpointUri: null,
    checkpointSha256: null,
    checkpointEpoch: null,
  };
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly context: Context) {
    this.timer = setInterval(() => this.context.heartbeat(this.details), KEEPALIVE_MS);
    this.timer.unref();
    this.context.heartbeat(this.details);
  }

  update(change: Partial<TrainHeartbeat>): void {
    this.details = { ...this.details, ...change };
    this.context.heartbeat(this.details);
  }

  checkpoint(location: CheckpointLocation | undefined): void {
    if (!location) return;
    this.update({
      checkpointUri: location.uri,
      checkpointSha256: location.sha256,
      checkpointEpoch: location.epoch,
    });
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * The checkpoint a previous attempt announced in its last heartbeat (Context.info.heartbeatDetails),
 * or undefined when there is none or the details are not a TrainHeartbeat.
 */
export function checkpointFromHeartbeat(details: unknown): CheckpointLocation | undefined {
  const d = details as Partial<TrainHeartbeat> | null | undefined;
  if (
    typeof d?.checkpointUri === 'string' &&
    typeof d.checkpointSha256 === 'string' &&
    typeof d.checkpointEpoch === 'number'
  ) {
    return { uri: d.checkpointUri, sha256: d.checkpointSha256, epoch: d.checkpointEpoch };
  }
  return undefined;
}
