import type { Tf } from '../backend.js';

/** The parts of tfjs-node's NodeJSKernelBackend a kernel needs; the class is not exported with types. */
interface NodeKernelBackend {
  binding: { TF_ATTR_TYPE: number; TF_ATTR_STRING: number; TF_FLOAT: number };
  executeSingleOutput(op: string, attrs: unknown[], inputs: unknown[]): unknown;
}

interface TransformAttrs {
  interpolation: 'nearest' | 'bilinear';
  fillMode: 'constant' | 'reflect' | 'wrap' | 'nearest';
  fillValue: number;
  outputShape?: [number, number];
}

/**
 * tfjs-node 4.22 registers no kernel for tf.image.transform, so on the native backend it throws
 * "kernel 'Transform' not registered". This registers one that runs TensorFlow's own
 * ImageProjectiveTransformV3 op (same semantics as tfjs's cpu kernel), so resizing and augmentation
 * run natively in one op per batch. Does nothing on other backends or when a kernel exists.
 */
export function ensureNativeTransformKernel(tf: Tf): void {
  if (tf.getBackend() !== 'tensorflow' || tf.getKernel('Transform', 'tensorflow') !== undefined) return;
  tf.registerKernel({
    kernelName: 'Transform',
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const native = backend as unknown as NodeKernelBackend;
      const { image, transforms } = inputs as { image: ReturnType<Tf['tensor4d']>; transforms: unknown };
      const { interpolation, fillMode, fillValue, outputShape } = attrs as unknown as TransformAttrs;
      const [, height, width] = image.shape;
      const shape = tf.tensor1d(outputShape ?? [height, width], 'int32');
      const fill = tf.scalar(fillValue, 'float32');
      try {
        const { TF_ATTR_TYPE, TF_ATTR_STRING, TF_FLOAT } = native.binding;
        return native.executeSingleOutput(
          'ImageProjectiveTransformV3',
          [
            { name: 'dtype', type: TF_ATTR_TYPE, value: TF_FLOAT },
            { name: 'interpolation', type: TF_ATTR_STRING, value: interpolation.toUpperCase() },
            { name: 'fill_mode', type: TF_ATTR_STRING, value: fillMode.toUpperCase() },
          ],
          [image, transforms, shape, fill],
        ) as ReturnType<Tf['tensor4d']>;
      } finally {
        shape.dispose();
        fill.dispose();
      }
    },
  });
}
