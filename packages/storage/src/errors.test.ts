import { describe, expect, it } from 'vitest';
import {
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
  ])('%s: permanent is %s', (error, permanent) => {
    expect(error).toBeInstanceOf(StorageError);
    expect(error.permanent).toBe(permanent);
  });

  it('names each error after its class', () => {
    expect(new ObjectNotFoundError('bucket', 'key', cause).name).toBe('ObjectNotFoundError');
    expect(new S3UnreachableError('http://localhost:9000', cause).name).toBe('S3UnreachableError');
  });
});
