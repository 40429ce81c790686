// `npm run bench:train`: training throughput (images/s) of each architecture in tfjs-node, through
// the same train() users run, next to Keras 3 (the venv's TensorFlow, the libtensorflow tfjs-node
// is built against) training the Keras reference model on the same machine. Each measurement runs
// in a child process of its own, one after another, so peak RSS is per model and runs never compete
// for cores. Throughput is batch / median step time for both frameworks (robust to the odd step
// slowed by other processes); with --rounds above 1 the frameworks alternate and each keeps its best
// round. CPU seconds per step are printed too: on a shared machine they compare the work each
// framework does even when wall time is distorted by other load. Last line of output: {"vgg16": {"tfjs": img/s, "keras": img/s, "ratio": r}, ...}.
//
//   --models vgg16,resnet50   subset (default: the four)   --steps 10  timed steps (default 10)
//   --warmup 3   untimed steps first (default 3, min 1)    --size 64 --batch 32 (the defaults)
//   --rounds 1   alternating tfjs/keras rounds per model   --only tfjs|keras  skip the other one
//   --eager      tfjs runs every step eagerly (no compiled graph steps), for comparison
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '@medsweep/config';
import { measureTfjs } from './tfjs-train-step.js';
import type { Measurement } from './tfjs-train-step.js';

const BENCH_MODELS = ['vgg16', 'resnet50', 'densenet121', 'efficientnetb0'] as const;
type BenchModel = (typeof BENCH_MODELS)[number];
type Framework = 'tfjs' | 'keras';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: BENCH_MODELS.join(',') },
    steps: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    size: { type: 'string', default: '64' },
    batch: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '1' },
    only: { type: 'string' },
    eager: { type: 'boolean', default: false },
    // Internal: run one tfjs measurement in this process and print it as JSON.
    worker: { type: 'string' },
  },
});
const settings = {
  steps: Number(values.steps),
  warmup: Number(values.warmup),
  size: Number(values.size),
  batch: Number(values.batch),
  compileSteps: !values.eager,
};

async function orchestrate(): Promise<void> {
  const models = values.models.split(',').map((m) => m.trim()) as BenchModel[];
  const unknown = models.filter((m) => !BENCH_MODELS.includes(m));
  if (unknown.length > 0)
    throw new Error(`unknown model(s) ${unknown.join(', ')}; choose from ${BENCH_MODELS.join(', ')}`);
  if (!(settings.warmup >= 1 && settings.steps >= 1))
    throw new Error('--warmup and --steps must be at least 1');
  const frameworks: Framework[] =
    values.only === 'tfjs' || values.only === 'keras' ? [values.only] : ['tfjs', 'keras'];
  console.log(
    `training throughput, ${settings.size}x${settings.size}x3, batch ${settings.batch}, Adam, ` +
      `tfjs steps ${settings.compileSteps ? 'compiled to a graph' : 'eager'}, ` +
      `${settings.warmup} warm-up + ${settings.steps} timed steps, ${values.rounds} round(s), same machine, one run at a time`,
  );

  const summary: Record<string, Partial<Record<Framework | 'ratio', number>>> = {};
  for (const model of models) {
    const best: Partial<Record<Framework, { throughput: number; cpuPerStep: number; peakRssMb: number }>> =
      {};
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const framework of frameworks) {
        const m = await runChild(framework, model);
        const throughput = settings.batch / median(m.stepSeconds);
        if (throughput > (best[framework]?.throughput ?? 0)) {
          best[framework] = { throughput, cpuPerStep: median(m.cpuSeconds), peakRssMb: m.peakRssMb };
        }
      }
    }
    const { tfjs, keras } = best;
    const ratio = tfjs && keras ? tfjs.throughput / keras.throughput : undefined;
    const describe = (m: typeof tfjs) =>
      m
        ? `${m.throughput.toFixed(1)} img/s, ${m.cpuPerStep.toFixed(2)} CPU-s/step, peak RSS ${Math.round(m.peakRssMb)} MB`
        : 'skipped';
    console.log(
      `${model.padEnd(15)} tfjs ${describe(tfjs)} | keras ${describe(keras)}` +
        (ratio === undefined
          ? ''
          : ` | ratio ${ratio.toFixed(2)}${ratio >= 0.8 ? '' : '  (below the 0.8 target)'}`),
    );
    summary[model] = {
      ...(tfjs ? { tfjs: round3(tfjs.throughput) } : {}),
      ...(keras ? { keras: round3(keras.throughput) } : {}),
      ...(ratio === undefined ? {} : { ratio: round3(ratio) }),
    };
  }
  console.log(JSON.stringify(summary));
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs one measurement in a fresh process and parses the JSON line it ends with. */
function runChild(framework: Framework, model: BenchModel): Promise<Measurement> {
  const common = [
    '--steps',
    values.steps,
    '--warmup',
    values.warmup,
    '--size',
    values.size,
    '--batch',
    values.batch,
  ];
  const [command, args] =
    framework === 'tfjs'
      ? [
          process.execPath,
          [
            '--conditions=@medsweep/source',
            '--import',
            'tsx',
            fileURLToPath(import.meta.url),
            '--worker',
            model,
            ...common,
            ...(values.eager ? ['--eager'] : []),
          ],
        ]
      : [
          join(loadConfig().cacheDir, 'venv', 'bin', 'python'),
          [fileURLToPath(new URL('./train_bench_keras.py', import.meta.url)), '--model', model, ...common],
        ];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        reject(new Error(`${framework} ${model} failed (exit ${code}):\n${stderr.slice(-4000)}`));
        return;
      }
      resolve(JSON.parse(last) as Measurement);
    });
  });
}

if (values.worker) {
  console.log(JSON.stringify(await measureTfjs({ model: values.worker, ...settings })));
} else {
  await orchestrate();
}
