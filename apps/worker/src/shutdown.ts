// A worker's stop request, as its running trials see it. On SIGTERM or SIGINT, Temporal's own handler
// stops polling at once and, after the shutdown grace, cancels whatever still runs; this object tells
// the trials first, with that deadline, so they can hand back at a checkpoint instead of being cut off.
import type { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/activity';

export class WorkerShutdown {
  private readonly controller = new AbortController();
  private deadline = Number.POSITIVE_INFINITY;

  /**
   * @param graceMs the worker's shutdownGraceTime: how long running activities have before Temporal
   *   cancels them (config.workerShutdownGraceMs).
   * @param now clock, injectable for tests.
   */
  constructor(
    readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the worker has been asked to stop. */
  get requested(): boolean {
    return this.controller.signal.aborted;
  }

  /** Aborted once, when the worker is asked to stop. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Starts the grace period; later calls change nothing. */
  request(): void {
    if (this.requested) return;
    this.deadline = this.now() + this.graceMs;
    this.controller.abort();
  }

  /** Milliseconds until Temporal cancels running activities; Infinity while the worker is not stopping. */
  remainingMs(): number {
    return this.deadline - this.now();
  }
}

/**
 * Whether an activity was cancelled because its worker is shutting down (the grace ran out). The SDK
 * says so in the cancellation details or, for its own shutdown, only in the reason's message.
 */
export function cancelledByWorkerShutdown(context: Context): boolean {
  const reason: unknown = context.cancellationSignal.reason;
  return (
    context.cancellationDetails?.workerShutdown === true ||
    (reason instanceof CancelledFailure && reason.message === 'WORKER_SHUTDOWN')
  );
}

/** Requests `shutdown` on the first of `signals`; Temporal's own handler stops the workers themselves. */
export function requestShutdownOnSignals(
  shutdown: WorkerShutdown,
  signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): void {
  for (const signal of signals) process.once(signal, () => shutdown.request());
}
