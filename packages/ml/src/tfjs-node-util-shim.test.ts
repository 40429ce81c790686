import { describe, expect, it } from 'vitest';
import { selectBackend } from './backend.js';
import { installTfjsNodeUtilHelpers } from './tfjs-node-util-shim.js';

describe('installTfjsNodeUtilHelpers', () => {
  it('installs isNullOrUndefined and isArray with the semantics Node documented, leaving the rest', () => {
    const util: Record<string, unknown> = { promisify: 'kept' };
    installTfjsNodeUtilHelpers(util);
    installTfjsNodeUtilHelpers(util);

    const isNullOrUndefined = util['isNullOrUndefined'] as (value: unknown) => boolean;
    expect([null, undefined, 0, '', false, NaN, {}, []].map(isNullOrUndefined)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(util['isArray']).toBe(Array.isArray);
    expect(util['promisify']).toBe('kept');
  });

  // Fails on Node 23+ without the helpers: "(0 , util_1.isNullOrUndefined) is not a function".
  it('lets tfjs-node run the ops that call them, without a deprecation warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const { tf } = await selectBackend();
      // Every op builds its type attribute through util.isNullOrUndefined; TopK's kernel calls it again
      // for k and sorted, and Concat's passes its list of tensors through util.isArray.
      const [top, joined] = tf.tidy(() => [
        tf.topk(tf.tensor1d([1, 3, 2]), 2).values.arraySync(),
        tf.concat([tf.tensor1d([1]), tf.tensor1d([2])]).arraySync(),
      ]);
      expect(top).toEqual([3, 2]);
      expect(joined).toEqual([1, 2]);
      // process.emitWarning delivers on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });
});
