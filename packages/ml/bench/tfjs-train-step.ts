// The tfjs side of the training benchmark: one architecture, trained through train() (the exact
// code path of a sweep trial) on random uint8 images, timed from progress events.
import { performance } from 'node:perf_hooks';
import { Rng } from '@medsweep/core';
import { selectBackend } from '../src/backend.js';
import type { ImageSplit } from '@medsweep/core/records';
import { getArchitecture } from '../src/models/registry.js';
import { initializeWeights } from '../src/training/initialize-weights.js';
import { train } from '../src/training/trainer.js';

/** One run's timed steps (wall and process CPU seconds each) and the process's peak resident memory. */
export interface Measurement {
  stepSeconds: number[];
  /** CPU time of all the process's threads per step: the work done, whatever else the machine runs. */
  cpuSeconds: number[];
  peakRssMb: number;
}

export interface MeasureArgs {
  model: string;
  size: number;
  batch: number;
  warmup: number;
  steps: number;
  /** false: every step eager, op by op (train()'s compileSteps), to compare with the graph steps. */
  compileSteps: boolean;
}

export async function measureTfjs(args: MeasureArgs): Promise<Measurement> {
  const { tf } = await selectBackend();
  const spec = getArchitecture(args.model);
  const model = spec.build({ inputSize: args.size, channels: 3, numClasses: 2, includeTop: true });
  initializeWeights(tf, model, 0);

  const count = args.batch * (args.warmup + args.steps);
  const rng = Rng.fromSeed(0);
  const data: ImageSplit = {
    count,
    height: args.size,
    width: args.size,
    channels: 3,
    images: Uint8Array.from({ length: count * args.size * args.size * 3 }, () => rng.nextInt(256)),
    labels: Uint8Array.from({ length: count }, () => rng.nextInt(2)),
  };

  // Progress arrives after each step's loss is read back, i.e. when the step has finished.
  const finished: { wall: number; cpu: number }[] = [];
  await train({
    tf,
    model,
    train: data,
    numClasses: 2,
    input: { height: args.size, width: args.size, channels: 3, preprocessing: 'unit' },
    epochs: 1,
    batchSize: args.batch,
    optimizer: { kind: 'adam', learningRate: 1e-3 },
    seed: 0,
    compileSteps: args.compileSteps,
    onProgress: (p) => {
      if (p.phase === 'batch') {
        const cpu = process.cpuUsage();
        finished.push({ wall: performance.now() / 1000, cpu: (cpu.user + cpu.system) / 1e6 });
      }
    },
  });
  model.dispose();

  // Step i took from the end of step i - 1 to its own end; the first timed step follows the warm-up.
  const timed = finished.slice(args.warmup - 1);
  const deltas = (key: 'wall' | 'cpu') => timed.slice(1).map((t, i) => t[key] - (timed[i]?.[key] ?? NaN));
  return {
    stepSeconds: deltas('wall'),
    cpuSeconds: deltas('cpu'),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}
