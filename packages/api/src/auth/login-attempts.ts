// The sign-in throttle, per (email, client address): the first LOGIN_FAILURE_LIMIT attempts within the
// window go through, then each further one waits twice as long as the one before (1 minute, 2, 4, ... at
// most the window), and attempts during a wait are refused unchecked (HTTP 429, before any password
// hashing). A sign-in from another address is not slowed, so an attacker cannot lock the owner out; a
// success from an address, or an instance admin's unlock, forgets its count. The count lives in the
// database (login_throttle, charged atomically), so every API process sees the same one. Unknown emails
// are counted like known ones, so the throttle does not tell which accounts exist.
import { chargeLoginAttempt, loginThrottleState } from '@medsweep/db';
import type { Db, LoginThrottleKey, LoginThrottlePolicy } from '@medsweep/db';
import { TooManyLoginAttemptsError } from '../errors.js';

/** Attempts per email and address within the window before the waits begin. */
export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;

export const LOGIN_THROTTLE: LoginThrottlePolicy = {
  freeAttempts: LOGIN_FAILURE_LIMIT,
  baseDelayMs: 60_000,
  maxDelayMs: LOGIN_FAILURE_WINDOW_MS,
  quietMs: LOGIN_FAILURE_WINDOW_MS,
};

function tooMany(attempts: number, retryAt: Date): TooManyLoginAttemptsError {
  return new TooManyLoginAttemptsError(attempts, LOGIN_FAILURE_WINDOW_MS / 60_000, retryAt);
}

/**
 * Charges one attempt to (email, address) before its password is checked; throws
 * TooManyLoginAttemptsError (with the time to retry) while a wait runs. Atomic: concurrent attempts are
 * counted one after another.
 */
export async function chargeLogin(db: Db, key: LoginThrottleKey, now: Date = new Date()): Promise<void> {
  const charge = await chargeLoginAttempt(db, key, LOGIN_THROTTLE, now);
  if (!charge.allowed) throw tooMany(charge.attempts, charge.retryAt);
}

/** Refuses, without charging anything, while (email, address) must wait; for checks and tests. */
export async function assertLoginAllowed(
  db: Db,
  key: LoginThrottleKey,
  now: Date = new Date(),
): Promise<void> {
  const state = await loginThrottleState(db, key);
  if (state !== null && state.retryAt > now) throw tooMany(state.attempts, state.retryAt);
}
