import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { BackendAttempt, BackendPackage } from './backend-attempts.js';
import { NativeBackendUnavailableError, NoBackendAvailableError } from './errors.js';
import { listNvidiaGpus } from './gpu-devices.js';
import { installTfjsNodeUtilHelpers } from './tfjs-node-util-shim.js';

/** The tfjs namespace; every package below re-exports the same @tensorflow/tfjs API. */
export type Tf = typeof tfjs;

export interface SelectBackendArgs {
  /**
   * Fall back to the pure-JS cpu backend of @tensorflow/tfjs when no native backend loads, instead
   * of throwing NativeBackendUnavailableError. Only for tiny workloads: it is 10-100x slower.
   */
  allowSlowBackend?: boolean;
  /** Try @tensorflow/tfjs-node-gpu first when a GPU is present and its build exists (default true). */
  preferGpu?: boolean;
  /** Loads a package; defaults to dynamic import(). Tests inject failures through it. */
  load?: (pkg: BackendPackage) => Promise<unknown>;
  /** Whether this host has an NVIDIA GPU; defaults to asking nvidia-smi. */
  gpuPresent?: () => boolean;
  /**
   * Whether @tensorflow/tfjs-node-gpu has its native addon (built by infra/native-tf-gpu.sh against the
   * CUDA TensorFlow wheel); defaults to looking for the addon file in the installed package.
   */
  gpuBuildPresent?: () => boolean;
}

export interface BackendInfo {
  name: 'tensorflow' | 'cpu' | 'wasm';
  /** True when ops run in libtensorflow (C++), not in JavaScript. */
  native: boolean;
  /** True when libtensorflow actually placed ops on a GPU device. */
  gpu: boolean;
  package: BackendPackage;
  tfjsVersion: string;
  /** Version of the libtensorflow the native addon is linked against, as it reports itself. */
  tensorflowVersion?: string;
  deviceInfo?: { gpuPackage: boolean; usingGpuDevice: boolean };
  /** Every package considered, in order, for diagnostics. */
  attempts: readonly BackendAttempt[];
  /** The namespace whose backend was set up; build models with it. */
  tf: Tf;
}

/** Shape of tfjs-node's NodeJSKernelBackend that we read; it is not exported with types we can use. */
interface NativeKernelBackend {
  binding?: { TF_Version?: string };
  isGPUPackage?: boolean;
  isUsingGpuDevice?: boolean;
}

const defaultLoad = (pkg: BackendPackage): Promise<unknown> => import(pkg);

// Without a GPU the GPU package would only load CUDA libraries for nothing (or fail to).
const defaultGpuPresent = (): boolean => listNvidiaGpus().length > 0;

/** The published package carries no usable addon; infra/native-tf-gpu.sh puts one in lib/napi-v<N>/. */
function defaultGpuBuildPresent(): boolean {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu/package.json'));
  } catch {
    return false;
  }
  const lib = join(dir, 'lib');
  return (
    existsSync(lib) &&
    readdirSync(lib).some(
      (napi) => napi.startsWith('napi-v') && existsSync(join(lib, napi, 'tfjs_binding.node')),
    )
  );
}

/** Where a GPU host without the GPU addon gets one. */
const GPU_BUILD_HINT = 'no GPU build: run `bash infra/native-tf-gpu.sh`';

/**
 * Picks the fastest usable TensorFlow.js backend and makes it the active one: tfjs-node-gpu when
 * nvidia-smi lists a GPU and the GPU build of its addon exists, else tfjs-node (libtensorflow on the
 * CPU). Without either, it throws NativeBackendUnavailableError unless allowSlowBackend is set.
 */
export async function selectBackend(options: SelectBackendArgs = {}): Promise<BackendInfo> {
  const load = options.load ?? defaultLoad;
  const attempts: BackendAttempt[] = [];
  let lastError: unknown;

  const natives: BackendPackage[] = ['@tensorflow/tfjs-node'];
  const skipGpu = (detail: string) =>
    attempts.push({ package: '@tensorflow/tfjs-node-gpu', outcome: 'skipped', detail });
  if (options.preferGpu === false) skipGpu('preferGpu: false');
  else if (!(options.gpuPresent ?? defaultGpuPresent)()) skipGpu('no GPU device');
  else if (!(options.gpuBuildPresent ?? defaultGpuBuildPresent)()) skipGpu(GPU_BUILD_HINT);
  else natives.unshift('@tensorflow/tfjs-node-gpu');

  // tfjs-node 4.22 calls node:util helpers that Node 23+ removed; without them its first op throws.
  installTfjsNodeUtilHelpers();
  for (const pkg of natives) {
    try {
      const tf = asTf(await load(pkg), pkg);
      await tf.ready();
      const name = tf.getBackend();
      // Importing tfjs-node registers and activates 'tensorflow'; anything else means it did not take.
      if (name !== 'tensorflow')
        throw new Error(`imported, but the active backend is '${name}', not 'tensorflow'`);
      const kernel = tf.backend() as unknown as NativeKernelBackend;
      const usingGpuDevice = kernel.isUsingGpuDevice === true;
      attempts.push({ package: pkg, outcome: 'used' });
      return {
        name: 'tensorflow',
        native: true,
        gpu: usingGpuDevice,
        package: pkg,
        tfjsVersion: tfjsVersionOf(tf),
        tensorflowVersion: kernel.binding?.TF_Version,
        deviceInfo: { gpuPackage: kernel.isGPUPackage === true, usingGpuDevice },
        attempts,
        tf,
      };
    } catch (error) {
      lastError = error;
      attempts.push(failedAttempt(pkg, error));
    }
  }

  if (!options.allowSlowBackend) throw new NativeBackendUnavailableError(attempts, { cause: lastError });

  const pkg = '@tensorflow/tfjs';
  try {
    const tf = asTf(await load(pkg), pkg);
    if (!(await tf.setBackend('cpu'))) throw new Error("tf.setBackend('cpu') returned false");
    await tf.ready();
    attempts.push({ package: pkg, outcome: 'used' });
    return {
      name: 'cpu',
      native: false,
      gpu: false,
      package: pkg,
      tfjsVersion: tfjsVersionOf(tf),
      attempts,
      tf,
    };
  } catch (error) {
    attempts.push(failedAttempt(pkg, error));
    throw new NoBackendAvailableError(attempts, { cause: error });
  }
}

/** One line for logs and the CLI, e.g. "tensorflow (native CPU, libtensorflow 2.21.0, tfjs 4.22.0)". */
export function describeBackend(info: BackendInfo): string {
  const kind = info.native ? `native ${info.gpu ? 'GPU' : 'CPU'}` : 'pure JS, slow';
  const tf = info.tensorflowVersion ? `, libtensorflow ${info.tensorflowVersion}` : '';
  return `${info.name} (${kind}${tf}, tfjs ${info.tfjsVersion})`;
}

/** What a trial's lineage records of the software it ran on: tfjs, libtensorflow, Node and the package. */
export function backendVersions(info: BackendInfo): Record<string, string> {
  return {
    tfjs: info.tfjsVersion,
    ...(info.tensorflowVersion ? { tensorflow: info.tensorflowVersion } : {}),
    node: process.versions.node,
    package: info.package,
  };
}

// The packages are CommonJS: import() yields their exports as `default` (named exports only where
// Node's CJS lexer could see them), so take `default` when it is there.
function asTf(mod: unknown, pkg: BackendPackage): Tf {
  const candidate = (mod as { default?: unknown } | null)?.default ?? mod;
  if (typeof (candidate as Partial<Tf> | null)?.getBackend !== 'function') {
    throw new Error(`${pkg} did not export the tfjs API`);
  }
  return candidate as Tf;
}

function tfjsVersionOf(tf: Tf): string {
  const version = tf.version as Record<string, string | undefined>;
  return version['tfjs'] ?? version['tfjs-core'] ?? 'unknown';
}

function failedAttempt(pkg: BackendPackage, error: unknown): BackendAttempt {
  const err = error as { code?: unknown; message?: unknown } | null;
  const message = (String(err?.message ?? error).split('\n')[0] ?? '').replace(/[\s.]+$/, '');
  // ERR_MODULE_NOT_FOUND also fires for a missing dependency *of* the package; only the package's
  // own absence means "not installed".
  const notInstalled = err?.code === 'ERR_MODULE_NOT_FOUND' && message.includes(`'${pkg}'`);
  return notInstalled
    ? { package: pkg, outcome: 'not-installed' }
    : { package: pkg, outcome: 'load-failed', detail: message };
}
