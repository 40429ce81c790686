import { describe, expect, it } from 'vitest';
import {
  DatabaseUnreachableError,
  DbError,
  DifferentDatasetsError,
  FailedMigrationError,
  MissingPredictionsError,
  ResultAlreadyRecordedError,
  TrialConflictError,
} from './errors.js';

describe('DbError', () => {
  it.each([
    [new DatabaseUnreachableError('localhost', 55432, 'ECONNREFUSED'), false],
    [new FailedMigrationError('0001_init', 'db', new Date(0), null), false],
    [new MissingPredictionsError('t0', 'running'), false],
    [new TrialConflictError('s0', 't0', 'configHash', 'x', 'y'), true],
    [new ResultAlreadyRecordedError('t0', 'a'.repeat(64), 'b'.repeat(64)), true],
    [new DifferentDatasetsError('t0', 'd0', 't1', 'd1'), true],
  ])('%s: permanent is %s', (error, permanent) => {
    expect(error).toBeInstanceOf(DbError);
    expect(error.permanent).toBe(permanent);
  });
});
