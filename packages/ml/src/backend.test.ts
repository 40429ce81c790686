import { describe, expect, it } from 'vitest';
import { describeBackend, selectBackend } from './backend.js';
import type { BackendPackage } from './backend-attempts.js';
import { NativeBackendUnavailableError, NoBackendAvailableError } from './errors.js';

// Stands in for the pure-JS @tensorflow/tfjs, so the slow-path tests do not switch the real,
// process-wide tfjs engine away from the native backend.
const fakeCpuTf = {
  getBackend: () => 'cpu',
  setBackend: async (name: string) => name === 'cpu',
  ready: async () => undefined,
  version: { tfjs: '4.22.0' },
};

function loaderFailingFor(
  failing: BackendPackage[],
  error: Error = new Error('libtensorflow_cc.so.2: cannot open shared object file'),
) {
  return async (pkg: BackendPackage): Promise<unknown> => {
    if (failing.includes(pkg)) throw error;
    return { default: fakeCpuTf };
  };
}

describe('selectBackend', () => {
  it('selects the native libtensorflow backend and runs a matMul on it', async () => {
    const info = await selectBackend();
    expect(info).toMatchObject({
      name: 'tensorflow',
      native: true,
      package: expect.stringMatching(/^@tensorflow\/tfjs-node/),
    });
    expect(info.tensorflowVersion).toMatch(/^\d+\.\d+/);
    expect(info.tf.getBackend()).toBe('tensorflow');

    const product = info.tf.tidy(() =>
      info.tf
        .matMul(
          info.tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
          info.tf.tensor2d([
            [5, 6],
            [7, 8],
          ]),
        )
        .arraySync(),
    );
    expect(product).toEqual([
      [19, 22],
      [43, 50],
    ]);
    expect(describeBackend(info)).toMatch(/^tensorflow \(native (CPU|GPU), libtensorflow \S+, tfjs \S+\)$/);
  });

  it('throws NativeBackendUnavailableError naming the failure and the fix', async () => {
    const cause = new Error('libtensorflow_cc.so.2: cannot open shared object file');
    const attempt = selectBackend({
      load: loaderFailingFor(['@tensorflow/tfjs-node'], cause),
      gpuPresent: () => false,
    });

    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NativeBackendUnavailableError);
    const native = error as NativeBackendUnavailableError;
    expect(native.cause).toBe(cause);
    expect(native.attempts).toEqual([
      { package: '@tensorflow/tfjs-node-gpu', outcome: 'skipped', detail: 'no GPU device' },
      {
        package: '@tensorflow/tfjs-node',
        outcome: 'load-failed',
        detail: 'libtensorflow_cc.so.2: cannot open shared object file',
      },
    ]);
    expect(native.message).toContain('cannot open shared object file');
    expect(native.message).toContain('npm run setup');
    expect(native.message).toContain('bash infra/native-tf.sh');
  });

  it('reports a missing GPU package as not installed, then tries the CPU one', async () => {
    const missing = Object.assign(
      new Error("Cannot find package '@tensorflow/tfjs-node-gpu' imported from x.js"),
      { code: 'ERR_MODULE_NOT_FOUND' },
    );
    const load = async (pkg: BackendPackage): Promise<unknown> => {
      if (pkg === '@tensorflow/tfjs-node-gpu') throw missing;
      throw new Error('The Node.js native addon module (tfjs_binding.node) can not be found at path: x. ');
    };
    const error = (await selectBackend({ load, gpuPresent: () => true, gpuBuildPresent: () => true }).catch(
      (e: unknown) => e,
    )) as NativeBackendUnavailableError;
    expect(error.attempts).toEqual([
      { package: '@tensorflow/tfjs-node-gpu', outcome: 'not-installed' },
      {
        package: '@tensorflow/tfjs-node',
        outcome: 'load-failed',
        detail: 'The Node.js native addon module (tfjs_binding.node) can not be found at path: x',
      },
    ]);
  });

  it('on a GPU host without the GPU build, says how to build it and uses the native CPU backend', async () => {
    const loaded: BackendPackage[] = [];
    const info = await selectBackend({
      load: async (pkg) => {
        loaded.push(pkg);
        return import(pkg);
      },
      gpuPresent: () => true,
      gpuBuildPresent: () => false,
    });
    expect(loaded).toEqual(['@tensorflow/tfjs-node']);
    expect(info).toMatchObject({ package: '@tensorflow/tfjs-node', gpu: false });
    expect(info.attempts[0]).toEqual({
      package: '@tensorflow/tfjs-node-gpu',
      outcome: 'skipped',
      detail: 'no GPU build: run `bash infra/native-tf-gpu.sh`',
    });
  });

  it('falls back to the pure-JS cpu backend only with allowSlowBackend', async () => {
    const info = await selectBackend({
      allowSlowBackend: true,
      load: loaderFailingFor(['@tensorflow/tfjs-node']),
      gpuPresent: () => false,
    });
    expect(info).toMatchObject({
      name: 'cpu',
      native: false,
      gpu: false,
      package: '@tensorflow/tfjs',
      tfjsVersion: '4.22.0',
    });
    expect(describeBackend(info)).toBe('cpu (pure JS, slow, tfjs 4.22.0)');
  });

  it('throws NoBackendAvailableError when even the pure-JS backend fails', async () => {
    const load = loaderFailingFor(['@tensorflow/tfjs-node', '@tensorflow/tfjs']);
    await expect(
      selectBackend({ allowSlowBackend: true, load, gpuPresent: () => false }),
    ).rejects.toBeInstanceOf(NoBackendAvailableError);
  });
});
