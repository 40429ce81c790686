import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';

/** A tensor copied to host memory, as checkpoints store it. */
export interface TensorRecord {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

/** Copies tensors to host memory (the tensors are left alone). */
export async function readTensorRecords(
  named: { name: string; tensor: tfjs.Tensor }[],
): Promise<TensorRecord[]> {
  return Promise.all(
    named.map(async ({ name, tensor }) => {
      const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
      const values = await tensor.data();
      const data = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
      return { name, shape: [...tensor.shape], dtype, data };
    }),
  );
}

/** New tensors holding the records' values; the caller disposes them. */
export function toNamedTensors(tf: Tf, records: TensorRecord[]): { name: string; tensor: tfjs.Tensor }[] {
  return records.map((r) => ({ name: r.name, tensor: tf.tensor(r.data, r.shape, r.dtype) }));
}

/** The values of every model weight (trainable or not, e.g. batch-norm statistics), in model.weights order. */
export async function readModelWeights(model: tfjs.LayersModel): Promise<TensorRecord[]> {
  return readTensorRecords(model.weights.map((w) => ({ name: w.originalName, tensor: w.read() })));
}

/** Writes records into the model's weights, matched by position (names differ between model instances). */
export function writeModelWeights(tf: Tf, model: tfjs.LayersModel, records: TensorRecord[]): void {
  const tensors = toNamedTensors(tf, records).map((n) => n.tensor);
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}
