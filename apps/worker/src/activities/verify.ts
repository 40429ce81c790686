// The verification activity of the train queue: verifyTrial (re-hashing and re-evaluation) with keep-alive
// heartbeats and permanent failures marked non-retryable. Recording the verdict is the control worker's
// (record-verification.ts).
import { Context as ActivityContext } from '@temporalio/activity';
import type { VerificationActivities } from '@medsweep/workflows';
import { toActivityFailure } from '../activity-failure.js';
import type { VerifyTrialDeps } from '../verify-trial.js';
import { verifyTrial } from '../verify-trial.js';

/** Interval of keep-alive heartbeats (downloads, model loading and prediction report nothing). */
const KEEPALIVE_MS = 5_000;

/** Builds the verification activity of a train queue from its dependencies. */
export function createVerificationActivities(deps: VerifyTrialDeps): VerificationActivities {
  return {
    async verifyTrial(input) {
      const context = ActivityContext.current();
      const timer = setInterval(() => context.heartbeat(), KEEPALIVE_MS);
      timer.unref();
      context.heartbeat();
      try {
        return await verifyTrial(deps, input.trialId);
      } catch (error) {
        throw toActivityFailure(error);
      } finally {
        clearInterval(timer);
      }
    },
  };
}
