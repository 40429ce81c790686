import { describe, expect, it } from 'vitest';
import {
  CacheDiskFullError,
  ObjectIntegrityError,
  ObjectNotFoundError,
  S3AccessDeniedError,
  S3UnreachableError,
  StorageError,
} from './errors.js';

const cause = { cause: new Error('underlying') };

describe('StorageError', () => {
  it.each([
    [new S3UnreachableError('http://localhost:9000', cause), false],
    [new S3AccessDeniedError('http://localhost:9000', 'key', 'bucket', cause), false],
    [new ObjectNotFoundError('bucket', 'key', cause), true],
    [new ObjectIntegrityError('key', 'a'.repeat(64), 'b'.repeat(64)), true],
    [new CacheDiskFullError('/cache', 'datasets/x/a.bin', 10, cause), false],
  ])('%s: permanent is %s', (error, permanent) => {
    expect(error).toBeInstanceOf(StorageError);
    expect(error.permanent).toBe(permanent);
  });

  it('names each error after its class', () => {
    expect(new ObjectNotFoundError('bucket', 'key', cause).name).toBe('ObjectNotFoundError');
    expect(new S3UnreachableError('http://localhost:9000', cause).name).toBe('S3UnreachableError');
  });

  it('says which cache is full, what did not fit and what to do', () => {
    expect(new CacheDiskFullError('/cache', 'datasets/x/a.bin', 1024, cause).message).toBe(
      'worker cache /cache is full: no space left to store datasets/x/a.bin (1024 bytes); free space there or point MEDSWEEP_CACHE at a larger disk (the trial is retried, on another worker if this one stays full)',
    );
  });
});
