// The API test files' shared set-up: one world per test file, made before its first test and closed
// after its last, and the failure a refused call must end in.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, expect } from 'vitest';
import type { World } from './world.js';
import { createWorld } from './world.js';

/**
 * The world of this test file. The object is filled in by a beforeAll hook (createWorld's fields are
 * copied onto it), so read it inside tests and hooks only, never at the top level of the file.
 */
export function worldOfThisFile(): World {
  const world = {} as World;
  let made: World | undefined;
  beforeAll(async () => {
    made = await createWorld();
    Object.assign(world, made);
  }, 120_000);
  afterAll(async () => {
    await made?.close();
  }, 60_000);
  return world;
}

/** The TRPCError a call that must fail failed with; fails the test when the call succeeded. */
export async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the call succeeded').toBeInstanceOf(TRPCError);
  return error as TRPCError;
}
