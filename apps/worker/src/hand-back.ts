// When a segment on a stopping worker hands its trial back. The trainer's resumable state is its
// end-of-epoch checkpoint (every random stream is placed by seed and epoch, so there is no mid-epoch
// point to resume from): the segment finishes the epoch in progress when that fits in what is left of
// the shutdown grace, and is then resumed from that epoch's checkpoint; when it does not fit it stops at
// the next batch, so the slot frees before Temporal cancels it and only the partial epoch is redone.
import { TrialHandedBackError } from './errors.js';
import type { WorkerShutdown } from './shutdown.js';

/** Kept free at the end of the grace: closing the attempt record and reporting the failure. */
const REPORT_MARGIN_MS = 2_000;
/** Validation and checkpoint upload, as a share of an epoch's batches, until one epoch has measured it. */
const DEFAULT_TAIL_SHARE = 0.25;

export class HandBackPolicy {
  private epochStartedAt: number;
  private lastBatchAt: number;
  /** Measured time from an epoch's last batch to its checkpoint being announced. */
  private tailMs: number | undefined;

  constructor(
    private readonly shutdown: WorkerShutdown,
    private readonly trialKey: string,
    private readonly identity: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.epochStartedAt = this.lastBatchAt = now();
  }

  /** Before any work: a stopping worker starts nothing; the trial resumes elsewhere from `checkpointEpoch`. */
  beforeStart(checkpointEpoch: number): void {
    if (this.shutdown.requested) throw this.handBack(checkpointEpoch);
  }

  /**
   * After batch `batch` (1-based) of `batches`: throws TrialHandedBackError when the worker is stopping
   * and the rest of the epoch, at this epoch's pace, would not end before the grace does.
   */
  afterBatch(batch: number, batches: number, checkpointEpoch: number): void {
    const now = this.now();
    if (batch === 1) this.epochStartedAt = this.lastBatchAt;
    this.lastBatchAt = now;
    if (!this.shutdown.requested) return;
    const perBatch = (now - this.epochStartedAt) / batch;
    const tail = this.tailMs ?? DEFAULT_TAIL_SHARE * perBatch * batches;
    const toEpochEnd = (batches - batch) * perBatch + tail;
    if (toEpochEnd + REPORT_MARGIN_MS > this.shutdown.remainingMs()) throw this.handBack(checkpointEpoch);
  }

  /**
   * After an epoch's checkpoint is saved and announced: a stopping worker hands back here, unless the
   * epoch ends the segment, which then completes (its result is worth more than the grace it costs).
   */
  afterEpoch(checkpointEpoch: number, endsSegment: boolean): void {
    const now = this.now();
    this.tailMs = now - this.lastBatchAt;
    this.lastBatchAt = now;
    if (this.shutdown.requested && !endsSegment) throw this.handBack(checkpointEpoch);
  }

  private handBack(checkpointEpoch: number): TrialHandedBackError {
    return new TrialHandedBackError(this.trialKey, checkpointEpoch, this.identity);
  }
}
