import { describe, expect, it } from 'vitest';
import { CoreError, EmptyInputError, NonCanonicalValueError, SweepSpecError } from './errors.js';

describe('CoreError', () => {
  it.each([
    new EmptyInputError('auc', 'yScore'),
    new SweepSpecError('spec.yaml', [{ path: 'budget', message: 'required' }]),
    new NonCanonicalValueError('$.x', 'is NaN'),
  ])('$name is permanent: a pure function fails the same way on every retry', (error) => {
    expect(error).toBeInstanceOf(CoreError);
    expect(error.permanent).toBe(true);
  });
});
