// Which failures of an activity are permanent. Temporal retries an activity with backoff unless it
// throws a non-retryable ApplicationFailure; bad data, bad config and bad weights would fail the same way
// on every attempt and every worker, so those fail the trial at once with their own message. Each
// package's errors say which they are (core's PermanenceMark); everything else (S3 or Postgres blips, a
// lost worker, an error without the mark) is left to the retry policy.
import { ApplicationFailure } from '@temporalio/activity';
import type { PermanenceMark } from '@medsweep/core';

/** Wraps every function of an activity object so permanent errors fail at once instead of retrying. */
export function failingFast<T extends object>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        try {
          return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
        } catch (error) {
          throw toActivityFailure(error);
        }
      },
    ]),
  ) as T;
}

/** Whether `error` says it would recur on every retry. */
export function isPermanent(error: unknown): error is Error & PermanenceMark {
  return error instanceof Error && 'permanent' in error && error.permanent === true;
}

/**
 * What the activity should throw for `error`: a non-retryable ApplicationFailure (type = the error's
 * class name, message and cause kept) for a permanent error, the error itself otherwise.
 */
export function toActivityFailure(error: unknown): unknown {
  if (!isPermanent(error)) return error;
  return ApplicationFailure.create({
    message: error.message,
    type: error.name,
    nonRetryable: true,
    cause: error,
  });
}
